import type { Collection } from 'mongoose';
import type { EventDraft } from '../events/envelope';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { EventPublisher } from '../messaging/event-bus';
import type { Decide, Updated } from './change';
import { DocumentWriter } from './document-writer';
import { OutboxPublisher } from './outbox-publisher';
import type { Codec, StoredDocuments } from './stored-documents';
import { codecFor, mongoDocuments } from './stored-documents';

export type { Change, Decide, Updated } from './change';

/**
 * The one write path of every aggregate (an order, a product, a reservation, a notification).
 * It alone owns the per-document serialisation, the conditional write, the event sequence, the
 * outbox entry and its publication, so that use cases are pure `decide` functions:
 *
 * - The document writer (document-writer.ts) writes: one write at a time per document, group
 *   commit, the cached state, compare-and-set on `version`, the events into the document's
 *   `outbox` in that same write.
 * - The outbox publisher (outbox-publisher.ts) publishes them, in order and confirmed, once the
 *   write is acknowledged. Entries the broker confirmed are dropped by the document's next write,
 *   or by a batched clean-up when none follows; a periodic scan of the documents flagged
 *   `outboxPending` (an indexed equality) publishes what a crash or a broker outage left behind.
 */
export interface AggregateStore<S extends object> {
  readonly name: string;
  /** Stores a new aggregate with its first events; false when one with that id exists. */
  create(id: string, state: S, events?: EventDraft[]): Promise<boolean>;
  /** The aggregate as stored now (always read from the database: another instance may own it). */
  read(id: string): Promise<S | null>;
  /** Decides against the current state and writes the change; null when the aggregate does not exist. */
  update<R = undefined>(id: string, decide: Decide<S, R>): Promise<Updated<S, R> | null>;
}

export interface AggregateStoreOptions {
  /** The collection of a model whose schema was built by `aggregateSchema`. */
  collection: Collection;
  publisher: EventPublisher;
  logger: Logger;
  /**
   * The state's own field holding the aggregate's id (`id`, `productId`…), if it has one: it is
   * stored as `_id` only, and put back into the state on every read.
   */
  idField?: string;
  /** How many idle aggregates keep their last state in memory. */
  cacheSize?: number;
  /** How long a confirmed outbox entry may wait for the document's next write before clean-up. */
  cleanupDelayMs?: number;
  /** Unconfirmed entries younger than this are left to the write that stored them. */
  scanGraceMs?: number;
  /** Conditional-write rounds before a call gives up (it is then retried by its caller). */
  maxTries?: number;
}

const DEFAULTS = { cacheSize: 5_000, cleanupDelayMs: 1_000, scanGraceMs: 5_000, maxTries: 5 };

/**
 * The two parts wired together: the document writer (document-writer.ts) writes states with
 * their events in the outbox; the outbox publisher (outbox-publisher.ts) publishes them and
 * remembers what the broker confirmed. Here: the scan for what no write of this process is
 * publishing, and the batched clean-up of confirmed entries, each asking both parts.
 */
export class MongoAggregateStore<S extends object> implements AggregateStore<S> {
  readonly name: string;
  private readonly documents: StoredDocuments;
  private readonly codec: Codec<S>;
  private readonly writer: DocumentWriter<S>;
  private readonly outbox: OutboxPublisher;
  private readonly cleanupDelayMs: number;
  private readonly logger: Logger;
  private cleanupTimer?: NodeJS.Timeout;
  private cleaning?: Promise<number>;

  constructor(options: AggregateStoreOptions) {
    this.name = options.collection.collectionName;
    this.documents = mongoDocuments(options.collection);
    this.codec = codecFor<S>(options.idField);
    this.cleanupDelayMs = options.cleanupDelayMs ?? DEFAULTS.cleanupDelayMs;
    this.outbox = new OutboxPublisher({
      name: this.name,
      publisher: options.publisher,
      logger: options.logger,
      scanGraceMs: options.scanGraceMs ?? DEFAULTS.scanGraceMs,
    });
    this.writer = new DocumentWriter<S>({
      name: this.name,
      documents: this.documents,
      codec: this.codec,
      cacheSize: options.cacheSize ?? DEFAULTS.cacheSize,
      maxTries: options.maxTries ?? DEFAULTS.maxTries,
      entries: this.outbox,
    });
    this.logger = options.logger;
  }

  create(id: string, state: S, events: EventDraft[] = []): Promise<boolean> {
    return this.writer.create(id, state, events);
  }

  read(id: string): Promise<S | null> {
    return this.writer.read(id);
  }

  update<R = undefined>(id: string, decide: Decide<S, R>): Promise<Updated<S, R> | null> {
    return this.writer.update(id, decide);
  }

  /** Starts the batched clean-up of confirmed outbox entries. */
  start(): void {
    const tick = Math.max(50, Math.floor(this.cleanupDelayMs / 4));
    this.cleanupTimer = setInterval(() => void this.cleanUp(false), tick);
    this.cleanupTimer.unref();
  }

  /** Waits for the publications in flight, then cleans up what they confirmed. */
  async stop(): Promise<void> {
    clearInterval(this.cleanupTimer);
    await this.outbox.settled();
    await this.cleaning;
    // Batch after batch while they get somewhere (the host bounds the time this may take).
    while ((await this.cleanUp(true)) > 0);
  }

  /**
   * Publishes the events that no write of this process is taking care of: those left by a crash,
   * a broker outage, or another instance that stopped. Reads only flagged documents.
   */
  async publishPending(now = Date.now()): Promise<void> {
    const publications: Promise<void>[] = [];
    const flagged = new Set<string>();
    for await (const document of this.documents.flagged()) {
      const id = document._id;
      flagged.add(id);
      const snapshot = this.codec.toSnapshot(document);
      // Read before a write of this process that has finished since: publishing from this copy
      // would send again what that write's predecessor confirmed. Adopted otherwise, so that
      // the clean-up can drop what this scan gets confirmed.
      if (!this.writer.adopt(id, snapshot)) continue;
      const due = this.outbox.dueInScan(id, snapshot.outbox, now, this.writer.isWriting(id));
      if (due.length > 0) publications.push(this.outbox.publish(id, due));
    }
    this.outbox.forgetUnstored(flagged, (id) => this.writer.isWriting(id));
    await Promise.all(publications);
    this.writer.evict();
  }

  /** Whether events this process wrote are waiting for a scan (a publish or a write failed). */
  get hasUnpublished(): boolean {
    return this.outbox.hasFailed;
  }

  /** Events this process wrote that the broker has not confirmed yet: in flight, or failed. */
  get unconfirmedEvents(): number {
    return this.outbox.unconfirmed;
  }

  /**
   * Removes confirmed entries from documents that no write has touched for `cleanupDelayMs`
   * (`all`: at once), sent together by the store. Resolves with how many documents it cleaned up.
   */
  private cleanUp(all: boolean): Promise<number> {
    if (this.cleaning) return this.cleaning;
    const cutoff = Date.now() - (all ? 0 : this.cleanupDelayMs);
    const cleaning = this.writer
      .dropConfirmed(this.outbox.confirmedBefore(cutoff))
      .catch((error: unknown) => {
        this.logger.warn('Cleaning up published outbox entries failed', errorFields(error));
        return 0;
      })
      .finally(() => {
        if (this.cleaning === cleaning) this.cleaning = undefined;
      });
    this.cleaning = cleaning;
    return cleaning;
  }
}
