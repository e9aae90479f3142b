import type { ConfirmChannel, GetMessage } from 'amqplib';
import { Mutex } from '../concurrency/mutex';
import type { Logger } from '../logging/logger';
import { withTraceContext } from '../observability/trace-context';
import { sendConfirmed } from './amqp-helpers';
import type { DeadLetterIndex, DeadLetterRecord } from './dead-letters';
import { ORIGINAL_ROUTING_KEY_HEADER } from './delivery-pipeline';
import { ATTEMPT_HEADER } from './retry-policy';
import type { ServiceTopology } from './topology';
import { laneOf } from './topology';

export interface DeadLetterQueueDependencies {
  openChannel: () => Promise<ConfirmChannel>;
  topology: () => ServiceTopology;
  index: DeadLetterIndex;
  logger: Logger;
}

export interface DeadLetterSelection {
  /** Only these messages; every message when absent. */
  eventIds?: string[];
  /** At most this many messages. */
  limit?: number;
}

/**
 * The operator's view of a service's dead-letter queue: list, replay into the queue of the
 * message's lane (through the normal path, dedup included), or discard. Listing reads the index kept in the
 * database; replay and discard walk the queue itself and keep the index in step. The broker
 * dead-letters on its own too (a message delivered MAX_DELIVERIES times without an ack): when
 * the queue holds more than the index lists, listing first indexes what the broker put there.
 */
export class DeadLetterQueue {
  // One operation at a time: two walks of the queue would hide messages from each other.
  private readonly mutex = new Mutex();
  /** The queue's depth when listing last indexed the broker's dead letters. */
  private depthIndexed?: number;

  constructor(private readonly deps: DeadLetterQueueDependencies) {}

  async list(limit: number, offset: number): Promise<{ items: DeadLetterRecord[]; total: number }> {
    const page = await this.deps.index.list(limit, offset);
    const depth = await this.depth().catch(() => page.total); // the broker away: the index alone
    // The queue can hold more than the index for good (two copies of one event are one record):
    // walk it again only when its depth has changed since the last walk, or a replay or discard
    // came between.
    if (depth <= page.total || depth === this.depthIndexed) return page;
    await this.indexBrokerDeadLetters();
    this.depthIndexed = depth;
    return this.deps.index.list(limit, offset);
  }

  /** How many messages the queue holds now, as the broker counts them (ready, not in a walk). */
  async depth(): Promise<number> {
    const channel = await this.deps.openChannel();
    try {
      return await this.messagesIn(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * Moves the selected messages back, with a fresh attempt count, each to the queue of the lane
   * that its routing key is on now (one dead-letter queue serves every lane).
   */
  replay(selection: DeadLetterSelection): Promise<number> {
    const topology = this.deps.topology();
    return this.walk(selection, async (channel, message, eventId) => {
      const headers = message.properties.headers ?? {};
      const routingKey = routingKeyOfDeadLetter(message);
      // In the trace of the event's first delivery, not in that of the replay request.
      await withTraceContext(headers, () =>
        sendConfirmed(channel, laneOf(topology, routingKey).queue, message.content, {
          persistent: true,
          contentType: message.properties.contentType,
          correlationId: message.properties.correlationId,
          messageId: eventId,
          type: message.properties.type,
          appId: message.properties.appId,
          timestamp: message.properties.timestamp,
          headers: {
            [ORIGINAL_ROUTING_KEY_HEADER]: routingKey,
            [ATTEMPT_HEADER]: 1,
            'x-replayed-at': new Date().toISOString(),
          },
        }),
      );
      this.deps.logger.info('Replayed dead letter', { deadLetterId: eventId });
    });
  }

  /** Removes the selected messages for good, logging each one in full first. */
  discard(eventIds: string[]): Promise<number> {
    return this.walk({ eventIds }, async (_channel, message, eventId) => {
      this.deps.logger.warn('Discarded dead letter', {
        deadLetterId: eventId,
        headers: message.properties.headers,
        body: message.content.toString(),
      });
    });
  }

  /** Records the messages the broker dead-lettered (they carry no `x-failed-at` of ours). */
  private indexBrokerDeadLetters(): Promise<void> {
    return this.eachMessage(async (_channel, message) => {
      const record = brokerDeadLetterRecord(message);
      if (record) await this.deps.index.save(record);
    });
  }

  /**
   * The messages ready in the queue. Declared rather than checked: checking a missing queue would
   * close the channel, and a queue deleted by hand comes back, empty.
   */
  private async messagesIn(channel: ConfirmChannel): Promise<number> {
    const { deadLetterQueue } = this.deps.topology();
    return (await channel.assertQueue(deadLetterQueue, { durable: true })).messageCount;
  }

  /** Hands the selected messages to `act`, then acks them and forgets their index records. */
  private async walk(
    selection: DeadLetterSelection,
    act: (channel: ConfirmChannel, message: GetMessage, eventId: string) => Promise<void>,
  ): Promise<number> {
    const wanted = selection.eventIds ? new Set(selection.eventIds) : undefined;
    const limit = selection.limit ?? Number.POSITIVE_INFINITY;
    let done = 0;
    if (limit <= 0) return 0;
    this.depthIndexed = undefined; // the depth it leaves says nothing of what is indexed
    await this.eachMessage(async (channel, message) => {
      const eventId = String(message.properties.messageId ?? '');
      // Every copy of a selected id: the same event can be dead-lettered twice.
      if (wanted && !wanted.has(eventId)) return;
      await act(channel, message, eventId);
      channel.ack(message);
      await this.deps.index.remove(eventId, failedAtOf(message));
      done++;
      return done >= limit ? 'stop' : undefined;
    });
    return done;
  }

  /**
   * Takes each message of the queue once, one operation at a time (two walks would hide
   * messages from each other). What `visit` does not ack stays unacked until the channel closes,
   * which puts it back in its order.
   */
  private eachMessage(
    visit: (channel: ConfirmChannel, message: GetMessage) => Promise<'stop' | void>,
  ): Promise<void> {
    return this.mutex.run(async () => {
      const { deadLetterQueue } = this.deps.topology();
      const channel = await this.deps.openChannel();
      try {
        const messageCount = await this.messagesIn(channel);
        for (let seen = 0; seen < messageCount; seen++) {
          const message = await channel.get(deadLetterQueue, { noAck: false });
          if (!message || (await visit(channel, message)) === 'stop') return;
        }
      } finally {
        await channel.close().catch(() => undefined);
      }
    });
  }
}

interface DeathRecord {
  reason?: unknown;
  count?: unknown;
  time?: unknown;
  'routing-keys'?: unknown;
}

/** The index record of a message the broker dead-lettered for its delivery limit, if it is one. */
function brokerDeadLetterRecord(message: GetMessage): DeadLetterRecord | undefined {
  const headers = message.properties.headers ?? {};
  if (headers['x-failed-at'] !== undefined) return undefined; // ours: indexed when we moved it
  const death = latestDeath(message);
  if (death?.reason !== 'delivery_limit') return undefined;
  const deliveries = Number(headers['x-delivery-count'] ?? 0) + 1;
  return {
    eventId: String(message.properties.messageId ?? ''),
    routingKey: routingKeyOfDeadLetter(message),
    eventType: message.properties.type as string | undefined,
    correlationId: message.properties.correlationId as string | undefined,
    error: `Delivered ${deliveries} times without an ack (its consumer died or lost its connection each time)`,
    attempts: deliveries,
    failedAt: deathTime(death.time),
  };
}

function latestDeath(message: GetMessage): DeathRecord | undefined {
  const deaths = message.properties.headers?.['x-death'];
  return (Array.isArray(deaths) ? deaths[0] : undefined) as DeathRecord | undefined;
}

/**
 * The routing key a dead letter was first published with: ours name it in a header (as does a
 * message that came back from a delay queue); the broker's name it in `x-death`.
 */
function routingKeyOfDeadLetter(message: GetMessage): string {
  const original: unknown = message.properties.headers?.[ORIGINAL_ROUTING_KEY_HEADER];
  if (typeof original === 'string') return original;
  const routingKeys = latestDeath(message)?.['routing-keys'];
  return Array.isArray(routingKeys) && typeof routingKeys[0] === 'string'
    ? routingKeys[0]
    : message.fields.routingKey;
}

/** `x-death`'s time: an AMQP timestamp, in seconds. */
function deathTime(time: unknown): Date {
  if (time instanceof Date) return time;
  return typeof time === 'number' ? new Date(time * 1000) : new Date();
}

/** When the message was dead-lettered (its `x-failed-at` header), if it says. */
function failedAtOf(message: GetMessage): Date | undefined {
  const header: unknown = message.properties.headers?.['x-failed-at'];
  const failedAt = typeof header === 'string' ? new Date(header) : undefined;
  return failedAt && !Number.isNaN(failedAt.getTime()) ? failedAt : undefined;
}
