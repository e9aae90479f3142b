import type { Model } from 'mongoose';
import type { AnyEvent } from '../events/envelope';
import type { KeyedMutex } from '../idempotency/keyed-mutex';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { EventPublisher } from '../messaging/event-bus';
import type { OutboxEntry } from './outbox';

interface PendingDocument {
  _id: unknown;
  outbox: OutboxEntry[];
}

/** A collection whose documents carry an `outbox` array of pending events. */
export interface OutboxSource {
  name: string;
  /** Documents with pending events, those waiting longest first. */
  findPending(limit: number): Promise<PendingDocument[]>;
  /** Removes one published event from its document's outbox. */
  remove(documentId: unknown, entry: OutboxEntry): Promise<void>;
}

/** The outbox of a mongoose model whose documents have `outbox: [outboxEntrySchema]`. */
export function outboxOf<T extends { outbox: OutboxEntry[] }>(model: Model<T>): OutboxSource {
  return {
    name: model.collection.name,
    async findPending(limit) {
      return model
        .find({ 'outbox.eventId': { $exists: true } })
        .select({ outbox: 1 })
        .sort({ 'outbox.createdAt': 1 })
        .limit(limit)
        .lean<PendingDocument[]>();
    },
    async remove(documentId, entry) {
      // The whole entry, not a condition such as `{ eventId }`: FerretDB v1 ignores $pull
      // conditions and only pulls elements equal to the value given.
      await model.updateOne({ _id: documentId }, { $pull: { outbox: entry } } as never);
    },
  };
}

export interface OutboxRelayOptions {
  publisher: EventPublisher;
  /** The lock the repositories take for the same documents (see KeyedMutex for why). */
  locks: KeyedMutex;
  logger: Logger;
  pollIntervalMs: number;
  batchSize?: number;
}

/**
 * Publishes the events waiting in outboxes, oldest first and in order per document, and removes
 * each one once the broker has confirmed it. It runs when kicked (right after a write) and on a
 * timer, so events written while the broker was down, or before a crash, go out once it can.
 * A crash between the confirm and the removal publishes the event again: consumers dedupe by id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = true;
  private sources: OutboxSource[] = [];

  constructor(private readonly options: OutboxRelayOptions) {}

  start(sources: OutboxSource[]): void {
    this.sources = sources;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a pass now; passes never overlap, a kick during one schedules one more. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.kick();
      }
    });
  }

  /** Finishes the pass in progress, makes a last one for what arrived meanwhile, and stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true; // no new passes from kicks or the timer
    clearInterval(this.timer);
    await this.running;
    await this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (const source of this.sources) {
        await this.drainSource(source);
      }
    } catch (error) {
      // Left in the outbox; the next pass tries again.
      this.options.logger.warn('Outbox relay pass failed', errorFields(error));
    }
  }

  private async drainSource(source: OutboxSource): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    for (;;) {
      const documents = await source.findPending(batchSize);
      if (documents.length === 0) return;
      // Different documents go out in parallel; one document's events strictly in order.
      await Promise.all(documents.map((document) => this.publishPending(source, document)));
      if (documents.length < batchSize || this.stopped) return;
    }
  }

  private async publishPending(source: OutboxSource, document: PendingDocument): Promise<void> {
    for (const entry of document.outbox) {
      const event = JSON.parse(entry.payload) as AnyEvent;
      await runInContext(
        { correlationId: event.correlationId, eventId: event.eventId },
        async () => {
          await this.options.publisher.publish(event);
          await this.options.locks.run(lockKey(source.name, document._id), () =>
            source.remove(document._id, entry),
          );
          this.options.logger.info('Published event', { eventType: event.eventType });
        },
      );
    }
  }
}

/** The lock key of a document, shared by the relay and the repositories writing it. */
export function lockKey(collection: string, documentId: unknown): string {
  return `${collection}:${String(documentId)}`;
}
