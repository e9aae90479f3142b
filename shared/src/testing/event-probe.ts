import amqp from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { AnyEvent } from '../events/envelope';
import { eventually } from './eventually';

/**
 * Listens on the exchange like a service would, through a queue of its own, and keeps what it
 * hears: tests assert on the events a service publishes, and publish events (or garbage) to it.
 */
export class EventProbe {
  readonly received: AnyEvent[] = [];
  readonly messages: ConsumeMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly exchange: string,
  ) {}

  static async connect(url: string, exchange: string, routingKeys = ['#']): Promise<EventProbe> {
    const connection = await amqp.connect(url);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
    const probe = new EventProbe(connection, channel, exchange);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        probe.messages.push(message);
        try {
          probe.received.push(JSON.parse(message.content.toString()) as AnyEvent);
        } catch {
          // Garbage a test published on purpose: kept in `messages` only.
        }
      },
      { noAck: true },
    );
    return probe;
  }

  /** Waits until an event matching `predicate` has been heard, and returns it. */
  async waitFor<E extends AnyEvent = AnyEvent>(
    predicate: (event: AnyEvent) => boolean,
    timeoutMs = 15_000,
  ): Promise<E> {
    return eventually(
      () => {
        const found = this.received.find(predicate);
        if (!found) throw new Error(`No matching event among ${this.received.length} heard`);
        return found as E;
      },
      { timeoutMs },
    );
  }

  eventsOfType(eventType: string, aggregateId?: string): AnyEvent[] {
    return this.received.filter(
      (event) =>
        event.eventType === eventType &&
        (aggregateId === undefined || event.aggregateId === aggregateId),
    );
  }

  /** Publishes an event as a service would (persistent JSON, confirmed). */
  async publish(event: AnyEvent): Promise<void> {
    await this.publishRaw(event.eventType, Buffer.from(JSON.stringify(event)), {
      messageId: event.eventId,
      correlationId: event.correlationId,
      type: event.eventType,
    });
  }

  /** Publishes any bytes under a routing key: for poison-message tests. */
  async publishRaw(
    routingKey: string,
    body: Buffer,
    properties: { messageId?: string; correlationId?: string; type?: string } = {},
  ): Promise<void> {
    const channel = this.channel as amqp.ConfirmChannel;
    channel.publish(this.exchange, routingKey, body, {
      persistent: true,
      contentType: 'application/json',
      ...properties,
    });
    await channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
