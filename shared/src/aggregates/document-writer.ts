import type { EventDraft } from '../events/envelope';
import { captureTraceContext } from '../observability/trace-context';
import type { Decide, Updated } from './change';
import type { CreateJob, Job, UpdateJob } from './group-commit';
import { decideAll, outboxEntries, settle } from './group-commit';
import type { OutboxEntry } from './outbox-entry';
import type { Codec, Snapshot, StoredDocuments } from './stored-documents';

/** What the writer tells of the entries it writes, and asks: the outbox publisher answers. */
export interface WrittenEntries {
  /** The broker confirmed it: the document's next write drops it from the outbox. */
  isConfirmed(id: string, eventId: string): boolean;
  /** A write stored the document with `outbox`, of which `added` are new: to publish. */
  stored(id: string, outbox: OutboxEntry[], added: OutboxEntry[]): void;
  /** A write failed that may have stored `entries`. */
  writeFailed(id: string, entries: OutboxEntry[]): void;
  /** The document must stay cached (its entries are still being published or cleaned up). */
  holds(id: string): boolean;
}

export interface DocumentWriterOptions<S> {
  /** The store's name, for errors. */
  name: string;
  documents: StoredDocuments;
  codec: Codec<S>;
  entries: WrittenEntries;
  /** How many idle documents keep their last state in memory. */
  cacheSize: number;
  /** Compare-and-set rounds before a call gives up (it is then retried by its caller). */
  maxTries: number;
}

/** One document: its queue of writes, and its last known state. */
interface DocumentSlot<S> {
  queue: Job<S>[];
  busy: boolean;
  current?: Snapshot<S>;
}

const CLEANUP_BATCH_SIZE = 100; // documents per clean-up command: a slow one stalls few

/**
 * The write side of the store, per document:
 * - Calls run one write at a time, in arrival order (a database without atomic updates lets two
 *   concurrent conditional writes of one document both succeed: database-capabilities; so the
 *   serialisation is here, in the process).
 * - Group commit: calls that arrive while a write of their document is in flight wait for it,
 *   then are decided one after another on the state it wrote and go out as one write. A hot
 *   product costs one write per batch of reservations, not one per reservation.
 * - The last state written or read is kept (a bounded LRU), so a document this process wrote is
 *   not read again. Every write is a compare-and-set on `version`: when another instance changed
 *   the document, it fails, and the writer reads and decides again.
 * - A write's events are numbered and go into the document's outbox in that same write.
 */
export class DocumentWriter<S> {
  private readonly slots = new Map<string, DocumentSlot<S>>();

  constructor(private readonly options: DocumentWriterOptions<S>) {}

  create(id: string, state: S, events: EventDraft[]): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.enqueue(id, {
        kind: 'create',
        state,
        events,
        trace: captureTraceContext(),
        resolve,
        reject,
      }),
    );
  }

  update<R>(id: string, decide: Decide<S, R>): Promise<Updated<S, R> | null> {
    return new Promise((resolve, reject) =>
      this.enqueue(id, {
        kind: 'update',
        decide: decide as Decide<S, unknown>,
        trace: captureTraceContext(),
        resolve: resolve as (updated: Updated<S, unknown> | null) => void,
        reject,
      }),
    );
  }

  /** The document as stored now (always read: another instance may own it). */
  async read(id: string): Promise<S | null> {
    const document = await this.options.documents.find(id);
    if (!document) return null;
    const snapshot = this.options.codec.toSnapshot(document);
    const slot = this.slots.get(id);
    if (slot) adopt(slot, snapshot);
    return snapshot.state;
  }

  /**
   * Takes a copy read by a scan as the document's last known state, if it is newer. False when
   * a write of this process has stored a newer version since the copy was read: it is stale.
   */
  adopt(id: string, snapshot: Snapshot<S>): boolean {
    const slot = this.slotOf(id);
    if (slot.current && slot.current.version > snapshot.version) return false;
    adopt(slot, snapshot);
    return true;
  }

  /** Whether a write of the document is in flight. */
  isWriting(id: string): boolean {
    return this.slots.get(id)?.busy ?? false;
  }

  /**
   * Drops the confirmed entries from the outboxes of those of `ids` that no write is touching,
   * each a compare-and-set on its version (the store sends them together). Resolves with how many
   * it rewrote; rejects with the first failure once every slot has its outcome.
   */
  async dropConfirmed(ids: Iterable<string>): Promise<number> {
    const due: Array<{
      id: string;
      slot: DocumentSlot<S>;
      before: Snapshot<S>;
      after: Snapshot<S>;
    }> = [];
    for (const id of ids) {
      if (due.length >= CLEANUP_BATCH_SIZE) break;
      const slot = this.slots.get(id);
      if (!slot?.current || slot.busy || slot.queue.length > 0) continue;
      const before = slot.current;
      const outbox = this.unconfirmed(id, before.outbox);
      slot.busy = true; // updates that arrive meanwhile wait for the clean-up
      due.push({ id, slot, before, after: { ...before, version: before.version + 1, outbox } });
    }
    const outcomes = await Promise.allSettled(
      due.map(({ id, before, after }) =>
        this.options.documents.replaceIf({
          id,
          version: before.version,
          document: this.options.codec.toDocument(id, after),
        }),
      ),
    );
    let cleaned = 0;
    due.forEach(({ id, slot, after }, index) => {
      const outcome = outcomes[index];
      if (outcome.status === 'fulfilled' && outcome.value) {
        slot.current = after;
        this.options.entries.stored(id, after.outbox, []);
        cleaned += 1;
      } else {
        // Another instance wrote it, or the write is in doubt: read it before the next write
        // (whose own clean-up drops the entries, if they are still there).
        slot.current = undefined;
      }
      slot.busy = false;
      if (slot.queue.length > 0) void this.drain(id, slot);
    });
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return cleaned;
  }

  /** Drops the least recently used idle documents beyond the cache size. */
  evict(): void {
    let excess = this.slots.size - this.options.cacheSize;
    if (excess <= 0) return;
    for (const [id, slot] of this.slots) {
      if (excess <= 0) return;
      if (slot.busy || slot.queue.length > 0 || this.options.entries.holds(id)) continue;
      this.slots.delete(id);
      excess -= 1;
    }
  }

  private slotOf(id: string): DocumentSlot<S> {
    const slot = this.slots.get(id) ?? { queue: [], busy: false };
    // Map order is recency order: the least recently used slot comes first.
    this.slots.delete(id);
    this.slots.set(id, slot);
    return slot;
  }

  private enqueue(id: string, job: Job<S>): void {
    const slot = this.slotOf(id);
    slot.queue.push(job);
    if (!slot.busy) void this.drain(id, slot);
  }

  /** Works through the slot's queue: one create at a time, updates in batches (group commit). */
  private async drain(id: string, slot: DocumentSlot<S>): Promise<void> {
    slot.busy = true;
    try {
      while (slot.queue.length > 0) {
        const first = slot.queue[0];
        if (first.kind === 'create') {
          slot.queue.shift();
          await this.runCreate(id, slot, first);
        } else {
          const end = slot.queue.findIndex((job) => job.kind !== 'update');
          const batch = slot.queue.splice(0, end === -1 ? slot.queue.length : end);
          await this.runUpdates(id, slot, batch as UpdateJob<S>[]);
        }
      }
    } finally {
      slot.busy = false;
      this.evict();
    }
  }

  private async runCreate(id: string, slot: DocumentSlot<S>, job: CreateJob<S>): Promise<void> {
    const entries = outboxEntries(job.events, 0, job.trace);
    const snapshot: Snapshot<S> = {
      state: job.state,
      version: 1,
      sequence: entries.length,
      outbox: entries,
    };
    let created: boolean;
    try {
      created = await this.options.documents.insert(this.options.codec.toDocument(id, snapshot));
    } catch (error) {
      slot.current = undefined; // the insert may or may not have happened
      this.options.entries.writeFailed(id, entries);
      return job.reject(error);
    }
    if (!created) return job.resolve(false);
    slot.current = snapshot;
    job.resolve(true);
    this.options.entries.stored(id, entries, entries);
  }

  private async runUpdates(
    id: string,
    slot: DocumentSlot<S>,
    batch: UpdateJob<S>[],
  ): Promise<void> {
    for (let round = 1; round <= this.options.maxTries; round++) {
      let before: Snapshot<S> | null;
      try {
        before = slot.current ?? (await this.load(id));
      } catch (error) {
        return batch.forEach((job) => job.reject(error));
      }
      if (!before) return batch.forEach((job) => job.resolve(null));

      const { after, outcomes, entries } = decideAll(before, batch);
      if (entries === undefined) {
        slot.current = before;
        return settle(batch, outcomes);
      }
      const written: Snapshot<S> = {
        state: after,
        version: before.version + 1,
        sequence: before.sequence + entries.length,
        outbox: [...this.unconfirmed(id, before.outbox), ...entries],
      };
      let applied: boolean;
      try {
        applied = await this.options.documents.replaceIf({
          id,
          version: before.version,
          document: this.options.codec.toDocument(id, written),
        });
      } catch (error) {
        // The write may or may not have happened: read again next time, and have the scan look
        // for its events soon.
        slot.current = undefined;
        this.options.entries.writeFailed(id, entries);
        return batch.forEach((job) => job.reject(error));
      }
      if (!applied) {
        // Another instance wrote it since we last saw it: read it and decide again.
        slot.current = undefined;
        continue;
      }
      slot.current = written;
      settle(batch, outcomes);
      this.options.entries.stored(id, written.outbox, entries);
      return;
    }
    const error = new Error(`${this.options.name} ${id} kept changing while it was being updated`);
    batch.forEach((job) => job.reject(error));
  }

  private async load(id: string): Promise<Snapshot<S> | null> {
    const document = await this.options.documents.find(id);
    return document && this.options.codec.toSnapshot(document);
  }

  private unconfirmed(id: string, outbox: OutboxEntry[]): OutboxEntry[] {
    return outbox.filter((entry) => !this.options.entries.isConfirmed(id, entry.eventId));
  }
}

/**
 * Keeps a state read from the database as the slot's last known one, if it is newer: only an
 * idle slot takes it (a write in flight knows better), and never an older version than it has
 * (the read may have started before a write of this process that has finished since).
 */
function adopt<S>(slot: DocumentSlot<S>, snapshot: Snapshot<S>): void {
  if (slot.busy || slot.queue.length > 0) return;
  if (slot.current && slot.current.version >= snapshot.version) return;
  slot.current = snapshot;
}
