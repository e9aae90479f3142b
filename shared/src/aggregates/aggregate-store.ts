import type { Collection, mongo } from 'mongoose';
import type { AnyEvent, EventDraft } from '../events/envelope';
import { isDuplicateKeyError } from '../database/mongo-errors';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { TraceCarrier } from '../observability/trace-context';
import { captureTraceContext, withTraceContext } from '../observability/trace-context';
import type { EventPublisher } from '../messaging/event-bus';
import type { OutboxEntry } from './outbox-entry';
import { toOutboxEntry } from './outbox-entry';
import type { StoredFields } from './aggregate-schema';
import { STORED_FIELD_NAMES } from './aggregate-schema';

/**
 * What a `decide` function answers: the aggregate's next state and the events that change
 * causes (written with it, in one single-document write), and whatever the caller wants back.
 * Without `next`, nothing changes and nothing is written; `result` still reaches the caller.
 */
export interface Change<S, R = undefined> {
  next?: S;
  events?: EventDraft[];
  result?: R;
}

/**
 * A pure function from the aggregate's current state to its change (or null: no change). It may
 * run more than once for one call (when another instance changed the document meanwhile), and
 * may throw a domain error, which is handed to that caller alone.
 */
export type Decide<S, R = undefined> = (state: S) => Change<S, R> | null;

export interface Updated<S, R = undefined> {
  /** The state after this caller's change (or as it was, when it changed nothing). */
  state: S;
  changed: boolean;
  result?: R;
}

/**
 * The one write path of every aggregate (an order, a product, a reservation, a notification).
 * It alone owns the per-document serialisation, the conditional write, the event sequence, the
 * outbox entry and its publication, so that use cases are pure `decide` functions:
 *
 * - Per id, calls run one write at a time, in arrival order (FerretDB applies an update by
 *   reading and rewriting the document, so two concurrent conditional writes of one document can
 *   both succeed: the serialisation has to be here, in the process).
 * - Group commit: calls that arrive while a write of their document is in flight wait for it,
 *   then are decided one after another on the state it wrote and go out as one write. A hot
 *   product costs one write per batch of reservations, not one per reservation.
 * - The last state written or read is kept (a bounded LRU), so a document this process wrote is
 *   not read again. Every write is a compare-and-set on `version`: when another instance changed
 *   the document (MongoDB with replicas), it fails, and the store reads and decides again.
 * - The events of a write go into the document's `outbox` in that same write and are handed to
 *   the publisher, in memory, once it is acknowledged. Entries the broker confirmed are dropped
 *   by the document's next write, or by a batched clean-up when none follows; a periodic scan of
 *   the documents flagged `outboxPending` (an indexed equality) publishes what a crash or a
 *   broker outage left behind.
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

/** The state as last seen in the database, with the store's own fields. */
interface Snapshot<S> {
  state: S;
  version: number;
  sequence: number;
  outbox: OutboxEntry[];
}

/** `trace`: the trace of the call that queued the job, continued by the events it causes. */
type Job<S> =
  | {
      kind: 'update';
      decide: Decide<S, unknown>;
      trace?: TraceCarrier;
      resolve: (updated: Updated<S, unknown> | null) => void;
      reject: (error: unknown) => void;
    }
  | {
      kind: 'create';
      state: S;
      events: EventDraft[];
      trace?: TraceCarrier;
      resolve: (created: boolean) => void;
      reject: (error: unknown) => void;
    };

/** Everything the store holds about one id: its queue, its last known state, its publications. */
interface Slot<S> {
  queue: Job<S>[];
  busy: boolean;
  current?: Snapshot<S>;
  /** Entries published by this process and still stored, with when the first was confirmed. */
  confirmed: Set<string>;
  confirmedSince?: number;
  /** Entries this process is publishing or has published (the scan leaves them alone). */
  handedOver: Set<string>;
  /** Entries this process wrote and failed to publish: the scan takes them at once. */
  failed: Set<string>;
  /** Publications of this document, chained so that its events leave in order. */
  publishing: Promise<void>;
}

type Outcome<S> = { error: unknown } | { updated: Updated<S, unknown> };

/** A stored aggregate; a document written before the store (or by hand) lacks its fields. */
type StoredDocument = Record<string, unknown> & Partial<StoredFields> & { _id: string };

const CLEANUP_BATCH_SIZE = 100;

const DEFAULTS = { cacheSize: 5_000, cleanupDelayMs: 1_000, scanGraceMs: 5_000, maxTries: 5 };

export class MongoAggregateStore<S extends object> implements AggregateStore<S> {
  readonly name: string;
  private readonly slots = new Map<string, Slot<S>>();
  private readonly settings: typeof DEFAULTS;
  private readonly codec: Codec<S>;
  private cleanupTimer?: NodeJS.Timeout;
  private cleaning?: Promise<number>;

  constructor(private readonly options: AggregateStoreOptions) {
    this.name = options.collection.collectionName;
    this.codec = codecFor<S>(options.idField);
    this.settings = {
      cacheSize: options.cacheSize ?? DEFAULTS.cacheSize,
      cleanupDelayMs: options.cleanupDelayMs ?? DEFAULTS.cleanupDelayMs,
      scanGraceMs: options.scanGraceMs ?? DEFAULTS.scanGraceMs,
      maxTries: options.maxTries ?? DEFAULTS.maxTries,
    };
  }

  create(id: string, state: S, events: EventDraft[] = []): Promise<boolean> {
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

  async read(id: string): Promise<S | null> {
    const document = await this.collection.findOne({ _id: id });
    if (!document) return null;
    const snapshot = this.codec.toSnapshot(document);
    const slot = this.slots.get(id);
    if (slot) adopt(slot, snapshot);
    return snapshot.state;
  }

  update<R = undefined>(id: string, decide: Decide<S, R>): Promise<Updated<S, R> | null> {
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

  /** Starts the batched clean-up of confirmed outbox entries. */
  start(): void {
    const tick = Math.max(50, Math.floor(this.settings.cleanupDelayMs / 4));
    this.cleanupTimer = setInterval(() => void this.cleanUp(false), tick);
    this.cleanupTimer.unref();
  }

  /** Waits for the publications in flight, then cleans up what they confirmed. */
  async stop(): Promise<void> {
    clearInterval(this.cleanupTimer);
    await Promise.all([...this.slots.values()].map((slot) => slot.publishing));
    await this.cleaning;
    // Batch after batch while they get somewhere (the host bounds the time this may take).
    while ((await this.cleanUp(true)) > 0);
  }

  /**
   * Publishes the events that no write of this process is taking care of: those left by a crash,
   * a broker outage, or another instance that stopped. Reads only flagged documents.
   */
  async publishPending(now = Date.now()): Promise<void> {
    const cursor = this.collection.find({ outboxPending: true }).batchSize(500);
    const publications: Promise<void>[] = [];
    const flagged = new Set<string>();
    for await (const document of cursor) {
      const stored = document;
      const id = stored._id;
      flagged.add(id);
      const outbox = stored.outbox ?? [];
      const slot = this.slotOf(id);
      const snapshot = this.codec.toSnapshot(stored);
      // Read before a write of this process that has finished since: the slot knows better, and
      // publishing from this copy would send again what that write's predecessor confirmed.
      if (slot.current && slot.current.version > snapshot.version) continue;
      // Adopted, so that the clean-up can drop what this scan gets confirmed.
      adopt(slot, snapshot);
      if (!slot.busy) {
        const inOutbox = new Set(outbox.map((entry) => entry.eventId));
        for (const eventId of slot.failed) if (!inOutbox.has(eventId)) slot.failed.delete(eventId);
      }
      const due = outbox.filter(
        (entry) =>
          !slot.handedOver.has(entry.eventId) &&
          // Entries this process could not publish are due at once; others (another instance
          // wrote them, and is likely publishing them) after a grace period.
          (slot.failed.has(entry.eventId) ||
            now - new Date(entry.createdAt).getTime() >= this.settings.scanGraceMs),
      );
      if (due.length > 0) publications.push(this.publish(id, slot, due));
    }
    // A failed write whose document has no pending events never stored them: nothing to send.
    for (const [id, slot] of this.slots) {
      if (slot.failed.size > 0 && !flagged.has(id) && !slot.busy) slot.failed.clear();
    }
    await Promise.all(publications);
    this.evict();
  }

  /** Whether events this process wrote are waiting for a scan (a publish or a write failed). */
  get hasUnpublished(): boolean {
    for (const slot of this.slots.values()) if (slot.failed.size > 0) return true;
    return false;
  }

  /** Events this process wrote that the broker has not confirmed yet: in flight, or failed. */
  get unconfirmedEvents(): number {
    let count = 0;
    for (const slot of this.slots.values()) {
      count += slot.handedOver.size - slot.confirmed.size + slot.failed.size;
    }
    return count;
  }

  /** The driver's collection, typed as the store writes it (mongoose types `_id` as an ObjectId). */
  private get collection(): mongo.Collection<StoredDocument> {
    return this.options.collection as unknown as mongo.Collection<StoredDocument>;
  }

  private slotOf(id: string): Slot<S> {
    let slot = this.slots.get(id);
    if (slot) {
      // Map order is recency order: the least recently used slot comes first.
      this.slots.delete(id);
    } else {
      slot = {
        queue: [],
        busy: false,
        confirmed: new Set(),
        handedOver: new Set(),
        failed: new Set(),
        publishing: Promise.resolve(),
      };
    }
    this.slots.set(id, slot);
    return slot;
  }

  private enqueue(id: string, job: Job<S>): void {
    const slot = this.slotOf(id);
    slot.queue.push(job);
    if (!slot.busy) void this.drain(id, slot);
  }

  /** Works through the slot's queue: one create at a time, updates in batches (group commit). */
  private async drain(id: string, slot: Slot<S>): Promise<void> {
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
          await this.runUpdates(id, slot, batch as Array<Extract<Job<S>, { kind: 'update' }>>);
        }
      }
    } finally {
      slot.busy = false;
      this.evict();
    }
  }

  private async runCreate(
    id: string,
    slot: Slot<S>,
    job: Extract<Job<S>, { kind: 'create' }>,
  ): Promise<void> {
    const entries = numbered(job.events, 0).map((event) => toOutboxEntry(event, job.trace));
    const snapshot: Snapshot<S> = {
      state: job.state,
      version: 1,
      sequence: entries.length,
      outbox: entries,
    };
    try {
      await this.collection.insertOne(this.codec.toDocument(id, snapshot), {
        ignoreUndefined: true,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return job.resolve(false);
      slot.current = undefined; // the insert may or may not have happened
      for (const entry of entries) slot.failed.add(entry.eventId);
      return job.reject(error);
    }
    slot.current = snapshot;
    job.resolve(true);
    if (entries.length > 0) void this.publish(id, slot, entries);
  }

  private async runUpdates(
    id: string,
    slot: Slot<S>,
    batch: Array<Extract<Job<S>, { kind: 'update' }>>,
  ): Promise<void> {
    for (let round = 1; round <= this.settings.maxTries; round++) {
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
        outbox: [
          ...before.outbox.filter((entry) => !slot.confirmed.has(entry.eventId)),
          ...entries,
        ],
      };
      let applied: boolean;
      try {
        applied = await this.replace(id, before.version, written);
      } catch (error) {
        // The write may or may not have happened: read again next time, and have the scan look
        // for its events soon.
        slot.current = undefined;
        for (const entry of entries) slot.failed.add(entry.eventId);
        return batch.forEach((job) => job.reject(error));
      }
      if (!applied) {
        // Another instance wrote it since we last saw it: read it and decide again.
        slot.current = undefined;
        continue;
      }
      slot.current = written;
      this.forgetRemoved(slot, written.outbox);
      settle(batch, outcomes);
      if (entries.length > 0) void this.publish(id, slot, entries);
      return;
    }
    const error = new Error(`${this.name} ${id} kept changing while it was being updated`);
    batch.forEach((job) => job.reject(error));
  }

  private async load(id: string): Promise<Snapshot<S> | null> {
    const document = await this.collection.findOne({ _id: id });
    return document && this.codec.toSnapshot(document);
  }

  /** Writes `next` if the document is still at `version`; false when it was not. */
  private async replace(id: string, version: number, next: Snapshot<S>): Promise<boolean> {
    // Version 0 is a document written before the store (or by hand): it has no `version` yet.
    const unchanged = version === 0 ? { $exists: false } : version;
    const result = await this.collection.replaceOne(
      { _id: id, version: unchanged },
      this.codec.toDocument(id, next),
      { ignoreUndefined: true },
    );
    return result.matchedCount === 1;
  }

  /**
   * Publishes entries of one document after those handed over before them; marks each one
   * confirmed. A failure stops the chain for this round: the scan publishes it later.
   */
  private publish(id: string, slot: Slot<S>, entries: OutboxEntry[]): Promise<void> {
    for (const entry of entries) slot.handedOver.add(entry.eventId);
    slot.publishing = slot.publishing.then(async () => {
      for (const entry of entries) {
        const event = JSON.parse(entry.payload) as AnyEvent;
        try {
          await runInContext({ correlationId: event.correlationId, eventId: event.eventId }, () =>
            withTraceContext(entry.trace, () => this.options.publisher.publish(event)),
          );
        } catch (error) {
          this.options.logger.warn('Publishing an event failed; it stays in the outbox', {
            eventType: event.eventType,
            aggregate: `${this.name}/${id}`,
            ...errorFields(error),
          });
          for (const unsent of entries.slice(entries.indexOf(entry))) {
            slot.handedOver.delete(unsent.eventId);
            slot.failed.add(unsent.eventId);
          }
          return;
        }
        slot.failed.delete(entry.eventId);
        slot.confirmed.add(entry.eventId);
        slot.confirmedSince ??= Date.now();
      }
    });
    return slot.publishing;
  }

  /** Forgets the marks of entries that are no longer stored. */
  private forgetRemoved(slot: Slot<S>, outbox: OutboxEntry[]): void {
    const stored = new Set(outbox.map((entry) => entry.eventId));
    for (const eventId of slot.confirmed) {
      if (!stored.has(eventId)) {
        slot.confirmed.delete(eventId);
        slot.handedOver.delete(eventId);
      }
    }
    if (slot.confirmed.size === 0) slot.confirmedSince = undefined;
  }

  /**
   * Removes confirmed entries from documents that no write has touched for `cleanupDelayMs`, in
   * one bulk write for all of them, each a compare-and-set on its version.
   */
  /** Resolves with how many documents it cleaned up. */
  private cleanUp(all: boolean): Promise<number> {
    if (this.cleaning) return this.cleaning;
    const cutoff = Date.now() - (all ? 0 : this.settings.cleanupDelayMs);
    const due: Array<{ id: string; slot: Slot<S>; before: Snapshot<S>; after: Snapshot<S> }> = [];
    for (const [id, slot] of this.slots) {
      // Bounded: the documents of a batch wait for its one command, so a slow one stalls few.
      if (due.length >= CLEANUP_BATCH_SIZE) break;
      if (slot.busy || slot.queue.length > 0 || !slot.current) continue;
      if (slot.confirmedSince === undefined || slot.confirmedSince > cutoff) continue;
      const before = slot.current;
      const outbox = before.outbox.filter((entry) => !slot.confirmed.has(entry.eventId));
      slot.busy = true; // updates that arrive meanwhile wait for the clean-up
      due.push({ id, slot, before, after: { ...before, version: before.version + 1, outbox } });
    }
    if (due.length === 0) return Promise.resolve(0);
    this.cleaning = (async () => {
      try {
        // Whole replacements, as every write of the store: the slot knows the state at that
        // version, and FerretDB applies a compare-and-set replacement without reading the
        // document (scripts/ferretdb/patches), where a `$set` is a read and a write back.
        const result = await this.collection.bulkWrite(
          due.map(({ id, before, after }) => ({
            replaceOne: {
              filter: { _id: id, version: before.version },
              replacement: this.codec.toDocument(id, after),
            },
          })),
          { ordered: false, ignoreUndefined: true },
        );
        // The bulk result does not say which one missed. If any did, every slot keeps the state
        // it had: where the clean-up did apply, the next write's compare-and-set fails once and
        // reads the document again; elsewhere nothing is lost (the next write drops the entries).
        if (result.matchedCount !== due.length) return 0;
        for (const { slot, after } of due) {
          slot.current = after;
          this.forgetRemoved(slot, after.outbox);
        }
        return due.length;
      } catch (error) {
        this.options.logger.warn('Cleaning up published outbox entries failed', errorFields(error));
        return 0;
      } finally {
        this.cleaning = undefined;
        for (const { id, slot } of due) {
          slot.busy = false;
          if (slot.queue.length > 0) void this.drain(id, slot);
        }
      }
    })();
    return this.cleaning;
  }

  /** Drops the least recently used idle slots beyond the cache size. */
  private evict(): void {
    let excess = this.slots.size - this.settings.cacheSize;
    if (excess <= 0) return;
    for (const [id, slot] of this.slots) {
      if (excess <= 0) return;
      // A slot with work, or with publications not yet cleaned up, must stay: the scan would
      // publish its confirmed entries again.
      if (slot.busy || slot.queue.length > 0 || slot.handedOver.size + slot.failed.size > 0) {
        continue;
      }
      this.slots.delete(id);
      excess -= 1;
    }
  }
}

/**
 * Keeps a state read from the database as the slot's last known one, if it is newer: only an
 * idle slot takes it (a write in flight knows better), and never an older version than it has
 * (the read may have started before a write of this process that has finished since).
 */
function adopt<S>(slot: Slot<S>, snapshot: Snapshot<S>): void {
  if (slot.busy || slot.queue.length > 0) return;
  if (slot.current && slot.current.version >= snapshot.version) return;
  slot.current = snapshot;
}

/** Applies the batch's decisions one after another, each on the state the previous one left. */
function decideAll<S>(
  before: Snapshot<S>,
  batch: Array<Extract<Job<S>, { kind: 'update' }>>,
): { after: S; outcomes: Outcome<S>[]; entries?: OutboxEntry[] } {
  let state = before.state;
  let sequence = before.sequence;
  let entries: OutboxEntry[] | undefined;
  const outcomes: Outcome<S>[] = [];
  for (const job of batch) {
    let change: Change<S, unknown> | null;
    try {
      change = job.decide(state);
    } catch (error) {
      outcomes.push({ error });
      continue;
    }
    if (change?.next === undefined) {
      outcomes.push({ updated: { state, changed: false, result: change?.result } });
      continue;
    }
    state = change.next;
    const stamped = numbered(change.events ?? [], sequence);
    sequence += stamped.length;
    entries = [...(entries ?? []), ...stamped.map((event) => toOutboxEntry(event, job.trace))];
    outcomes.push({ updated: { state, changed: true, result: change.result } });
  }
  return { after: state, outcomes, entries };
}

function settle<S>(
  batch: Array<Extract<Job<S>, { kind: 'update' }>>,
  outcomes: Outcome<S>[],
): void {
  batch.forEach((job, index) => {
    const outcome = outcomes[index];
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.updated);
  });
}

/** The store numbers events: the aggregate's first event is 1, then one more each. */
function numbered(drafts: EventDraft[], lastSequence: number): AnyEvent[] {
  return drafts.map(
    (draft, index) => ({ ...draft, sequence: lastSequence + index + 1 }) as AnyEvent,
  );
}

/** How a snapshot becomes a document and back: the store's fields beside the state's. */
interface Codec<S> {
  toDocument(id: string, snapshot: Snapshot<S>): StoredDocument;
  toSnapshot(document: StoredDocument): Snapshot<S>;
}

function codecFor<S extends object>(idField: string | undefined): Codec<S> {
  return {
    toDocument(id, snapshot) {
      const state = { ...snapshot.state } as Record<string, unknown>;
      if (idField !== undefined) delete state[idField];
      return {
        ...state,
        _id: id,
        version: snapshot.version,
        sequence: snapshot.sequence,
        outbox: snapshot.outbox,
        outboxPending: snapshot.outbox.length > 0,
      };
    },
    toSnapshot(document) {
      const state: Record<string, unknown> =
        idField === undefined ? {} : { [idField]: document._id };
      for (const [key, value] of Object.entries(document)) {
        if (key !== '_id' && !STORED_FIELD_NAMES.has(key)) state[key] = value;
      }
      return {
        state: state as S,
        version: document.version ?? 0,
        sequence: document.sequence ?? 0,
        outbox: document.outbox ?? [],
      };
    },
  };
}
