import type { Model } from 'mongoose';
import type { AnyEvent } from '../events/envelope';
import type { KeyedMutex } from '../concurrency/keyed-mutex';
import { lockKey } from '../concurrency/keyed-mutex';
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
  /** The given documents, those of them that have pending events. */
  findPendingAmong(documentIds: unknown[]): Promise<PendingDocument[]>;
  /** Removes one published event from its document's outbox. */
  remove(documentId: unknown, entry: OutboxEntry): Promise<void>;
}

/** The outbox of a mongoose model whose documents have `outbox: [outboxEntrySchema]`. */
export function outboxOf<T extends { outbox?: OutboxEntry[] }>(model: Model<T>): OutboxSource {
  const pending = { 'outbox.eventId': { $exists: true } };
  return {
    name: model.collection.name,
    async findPending(limit) {
      return model
        .find(pending)
        .select({ outbox: 1 })
        .sort({ 'outbox.createdAt': 1 })
        .limit(limit)
        .lean<PendingDocument[]>();
    },
    async findPendingAmong(documentIds) {
      // One look-up by id each: FerretDB v1 answers `_id` equality from its index but scans the
      // collection for `$in`, which made this fast path as slow as a full scan.
      const documents = await Promise.all(
        documentIds.map((id) => model.findById(id).select({ outbox: 1 }).lean<PendingDocument>()),
      );
      return documents.filter((document): document is PendingDocument =>
        Boolean(document && document.outbox.length > 0),
      );
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
  /** How often every outbox is scanned for events the fast path missed. */
  pollIntervalMs: number;
  batchSize?: number;
}

/**
 * Publishes the events waiting in outboxes, in order per document, and removes each one once
 * the broker has confirmed it. Two paths lead here:
 * - fast: a repository that has just stored an event names its document (`notify`), and the
 *   next pass publishes that document's events straight away, without scanning anything;
 * - safe: every `pollIntervalMs` a pass scans every outbox, oldest events first, for what the
 *   fast path could not publish (broker down, a crash before the publish, another instance).
 * Passes never overlap. A crash between a confirm and the removal publishes that event again:
 * consumers dedupe by event id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = true;
  private sources: OutboxSource[] = [];
  private fullScanDue = true;
  private notified = new Map<string, Set<unknown>>();

  constructor(private readonly options: OutboxRelayOptions) {}

  start(sources: OutboxSource[]): void {
    this.sources = sources;
    this.stopped = false;
    this.timer = setInterval(() => {
      this.fullScanDue = true;
      this.kick();
    }, this.options.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** A document of `source` has just stored an event: publish it in the next pass. */
  notify(source: string, documentId: unknown): void {
    const ids = this.notified.get(source) ?? new Set();
    ids.add(documentId);
    this.notified.set(source, ids);
    this.kick();
  }

  /** Finishes the pass in progress, makes a last full one for what arrived meanwhile, and stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true; // no new passes from notifications or the timer
    clearInterval(this.timer);
    await this.running;
    this.fullScanDue = true;
    await this.pass();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.kick();
      }
    });
  }

  private async pass(): Promise<void> {
    const fullScan = this.fullScanDue;
    const notified = this.notified;
    this.fullScanDue = false;
    this.notified = new Map();
    try {
      for (const source of this.sources) {
        if (fullScan) {
          await this.scan(source);
        } else {
          const ids = [...(notified.get(source.name) ?? [])];
          if (ids.length > 0) await this.publishAll(source, await source.findPendingAmong(ids));
        }
      }
    } catch (error) {
      // Left in the outbox: the next full scan finds it.
      this.fullScanDue = true;
      this.options.logger.warn('Outbox relay pass failed', errorFields(error));
    }
  }

  private async scan(source: OutboxSource): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    for (;;) {
      const documents = await source.findPending(batchSize);
      await this.publishAll(source, documents);
      if (documents.length < batchSize || this.stopped) return;
    }
  }

  /**
   * Different documents go out in parallel; one document's events strictly in order. Every
   * document is finished (published or failed) before the pass ends, so passes never overlap.
   */
  private async publishAll(source: OutboxSource, documents: PendingDocument[]): Promise<void> {
    const results = await Promise.allSettled(
      documents.map((document) => this.publishPending(source, document)),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
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
