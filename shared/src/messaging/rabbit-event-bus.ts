import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventType } from '../events/catalogue';
import type { AnyEvent } from '../events/envelope';
import type { ServiceMetrics } from '../http/metrics';
import type { ProcessedEventStore } from '../idempotency/processed-events';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { declareTopology, publishConfirmed } from './amqp-helpers';
import type { BrokerSession } from './broker-connection';
import { BrokerConnection } from './broker-connection';
import type { DeadLetterIndex } from './dead-letters';
import { DeadLetterQueue } from './dead-letter-queue';
import type { AnyHandler } from './delivery-pipeline';
import { DeliveryPipeline } from './delivery-pipeline';
import type { EventBus, EventHandler } from './event-bus';
import type { ServiceTopology } from './topology';
import { defineServiceTopology } from './topology';

export { BrokerUnavailableError } from './broker-connection';

/**
 * The broker had no queue to route an event to (no consumer has declared its queue yet). The
 * event stays in its outbox and is published again later, rather than vanishing.
 */
export class UnroutableEventError extends Error {
  constructor(eventType: string) {
    super(`No queue is bound to ${eventType} yet`);
    this.name = 'UnroutableEventError';
  }
}

export interface RabbitEventBusOptions {
  url: string;
  service: string;
  exchange: string;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  logger: Logger;
  processedEvents: ProcessedEventStore;
  deadLetterIndex: DeadLetterIndex;
  metrics: ServiceMetrics;
}

/**
 * RabbitMQ behind the EventBus interface: the service subscribes its handlers, the bus declares
 * the topology they imply (see topology.ts) on every (re)connect and feeds each delivery through
 * the DeliveryPipeline (dedup, retries, dead letters). Publishing waits for the broker's confirm.
 */
export class RabbitEventBus implements EventBus {
  private readonly handlers = new Map<EventType, AnyHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of published messages the broker returned as unroutable (see publish). */
  private readonly returned = new Set<string>();
  private readonly connection: BrokerConnection;
  private topology?: ServiceTopology;
  private pipeline?: DeliveryPipeline;
  /** The consumer, valid only while its session is the connection's current one. */
  private consumer?: { session: BrokerSession; tag: string };
  private stopping = false;
  /** Set while a dependency the handlers need (the database) is down: no messages are taken. */
  private paused = false;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(private readonly options: RabbitEventBusOptions) {
    this.connection = new BrokerConnection({
      url: options.url,
      name: options.service,
      prefetch: options.prefetch,
      logger: options.logger,
      reconnectInitialDelayMs: options.reconnectInitialDelayMs,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs,
      onSession: (session) => this.onSession(session),
    });
    this.deadLetterQueue = new DeadLetterQueue({
      openChannel: () => this.connection.requireSession().connection.createConfirmChannel(),
      topology: () => this.requireTopology(),
      index: options.deadLetterIndex,
      logger: options.logger,
    });
  }

  subscribe<T extends EventType>(eventType: T, handler: EventHandler<T>): void {
    if (this.topology) throw new Error(`Subscribe to ${eventType} before the bus starts`);
    if (this.handlers.has(eventType)) throw new Error(`${eventType} already has a handler`);
    this.handlers.set(eventType, handler as AnyHandler);
  }

  /** Validates the topology and starts connecting in the background; never waits for the broker. */
  start(): void {
    const topology = defineServiceTopology({
      service: this.options.service,
      exchange: this.options.exchange,
      consumes: [...this.handlers.keys()],
      maxAttempts: this.options.maxAttempts,
      retryBaseDelayMs: this.options.retryBaseDelayMs,
    });
    this.topology = topology;
    this.pipeline = new DeliveryPipeline({
      service: this.options.service,
      topology,
      handlers: this.handlers,
      processedEvents: this.options.processedEvents,
      deadLetterIndex: this.options.deadLetterIndex,
      metrics: this.options.metrics,
      logger: this.options.logger,
      publishChannel: () => this.connection.requireSession().publishChannel,
    });
    this.stopping = false;
    this.connection.start();
  }

  get isConnected(): boolean {
    return this.connection.session !== undefined;
  }

  /** Resolves once connected and consuming (tests and start-up scripts wait on this). */
  whenConnected(): Promise<void> {
    return this.connection.whenConnected();
  }

  async publish(event: AnyEvent): Promise<void> {
    const channel: ConfirmChannel = this.connection.requireSession().publishChannel;
    await publishConfirmed(
      channel,
      this.options.exchange,
      event.eventType,
      Buffer.from(JSON.stringify(event)),
      {
        persistent: true,
        // Unroutable messages come back (basic.return, always before their confirm) instead of
        // being dropped.
        mandatory: true,
        contentType: 'application/json',
        messageId: event.eventId,
        type: event.eventType,
        correlationId: event.correlationId,
        appId: this.options.service,
        timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      },
    );
    if (this.returned.delete(event.eventId)) throw new UnroutableEventError(event.eventType);
    this.options.metrics.eventsPublished.inc({ event_type: event.eventType });
  }

  /**
   * Stops taking messages while the database is down, instead of failing every one of them
   * through its retries into the dead-letter queue. Handlers in progress finish (or fail and are
   * retried); the broker keeps the rest.
   */
  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    this.options.logger.warn('Pausing consumption');
    await this.cancelConsumer();
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    this.options.logger.info('Resuming consumption');
    const session = this.connection.session;
    if (session) await this.startConsuming(session);
  }

  /** Stops taking new messages and waits for the handlers in progress to finish. */
  async stopConsuming(): Promise<void> {
    this.stopping = true;
    await this.cancelConsumer();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Closes the connection; call after stopConsuming and after the last publish. */
  async close(): Promise<void> {
    await this.stopConsuming();
    await this.connection.close();
  }

  private requireTopology(): ServiceTopology {
    if (!this.topology) throw new Error('The event bus has not been started');
    return this.topology;
  }

  private async onSession(session: BrokerSession): Promise<void> {
    const topology = this.requireTopology();
    session.publishChannel.on('return', (message: ConsumeMessage) => {
      if (message.properties.messageId) this.returned.add(String(message.properties.messageId));
    });
    await declareTopology(session.publishChannel, topology);
    await this.startConsuming(session);
    this.options.logger.info('Declared topology', {
      queue: topology.queue,
      consumes: topology.bindings,
    });
  }

  private async startConsuming(session: BrokerSession): Promise<void> {
    const { queue, bindings } = this.requireTopology();
    const consuming = this.consumer?.session === session;
    if (bindings.length === 0 || consuming || this.paused || this.stopping) return;
    const { consumerTag } = await session.consumeChannel.consume(queue, (message) => {
      if (message === null) {
        // The broker cancelled the consumer (its queue was deleted): rebuild and redeclare.
        this.options.logger.warn('RabbitMQ cancelled the consumer, reconnecting');
        this.connection.reset();
        return;
      }
      this.track(message, session);
    });
    this.consumer = { session, tag: consumerTag };
  }

  private async cancelConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer && consumer.session === this.connection.session) {
      await consumer.session.consumeChannel.cancel(consumer.tag).catch(() => undefined);
    }
  }

  private track(message: ConsumeMessage, session: BrokerSession): void {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    const work = pipeline.handle(message, session.consumeChannel).catch((error: unknown) => {
      // Nothing was acked: the broker redelivers the message after the channel closes.
      this.options.logger.error('Could not settle a message', errorFields(error));
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
