import type { EventDraft } from '../events/envelope';

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
