import type { AggregateStore, Decide, Updated } from '../aggregates/aggregate-store';
import type { EventDraft } from '../events/envelope';

/**
 * An aggregate store in a map, for unit tests of use cases: the semantics of the real store
 * (aggregate-store.ts, change.ts) without a database or a broker. Implementing the interface
 * keeps the fake from drifting away from it.
 *
 * - `create` is refused (false) when the id exists, and stores the state with its events.
 * - `update` decides on the current state (null when there is none). A change without `next`
 *   writes nothing, events included, but its `result` still reaches the caller; a `decide` that
 *   throws rejects that call alone and writes nothing.
 * - Calls are serialised per id as the real store's are: each runs to its end before the next
 *   starts (no await between reading the state and writing the change).
 */
export class InMemoryAggregates<S extends object> implements AggregateStore<S> {
  readonly name = 'in-memory';
  private readonly stored: Map<string, S>;
  private readonly written: EventDraft[] = [];

  /** `stored`: the aggregates there before the test, as if created without events. */
  constructor(stored: Iterable<readonly [string, S]> = []) {
    this.stored = new Map(stored);
  }

  async create(id: string, state: S, events: EventDraft[] = []): Promise<boolean> {
    if (this.stored.has(id)) return false;
    this.stored.set(id, state);
    this.written.push(...events);
    return true;
  }

  /** A copy, as the real store's read decodes a fresh document: changing it changes nothing. */
  async read(id: string): Promise<S | null> {
    const state = this.stored.get(id);
    return state === undefined ? null : structuredClone(state);
  }

  async update<R = undefined>(id: string, decide: Decide<S, R>): Promise<Updated<S, R> | null> {
    const state = this.stored.get(id);
    if (state === undefined) return null;
    const change = decide(state);
    if (change?.next === undefined) return { state, changed: false, result: change?.result };
    this.stored.set(id, change.next);
    this.written.push(...(change.events ?? []));
    return { state: change.next, changed: true, result: change.result };
  }

  /** The aggregates as stored now, by id, in the order they were created. */
  get states(): ReadonlyMap<string, S> {
    return this.stored;
  }

  /** The events every write carried, in order: what the outbox would publish. */
  get events(): readonly EventDraft[] {
    return this.written;
  }
}
