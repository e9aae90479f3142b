import type { AnyEvent, EventDraft } from '../events/envelope';
import type { TraceCarrier } from '../observability/trace-context';
import type { Change, Decide, Updated } from './change';
import type { OutboxEntry } from './outbox-entry';
import { toOutboxEntry } from './outbox-entry';
import type { Snapshot } from './stored-documents';

// What a batch of queued writes of one document decides: plain functions of the state before.

/** `trace`: the trace of the call that queued the job, continued by the events it causes. */
export type UpdateJob<S> = {
  kind: 'update';
  decide: Decide<S, unknown>;
  trace?: TraceCarrier;
  resolve: (updated: Updated<S, unknown> | null) => void;
  reject: (error: unknown) => void;
};
export type CreateJob<S> = {
  kind: 'create';
  state: S;
  events: EventDraft[];
  trace?: TraceCarrier;
  resolve: (created: boolean) => void;
  reject: (error: unknown) => void;
};
export type Job<S> = UpdateJob<S> | CreateJob<S>;

type Outcome<S> = { error: unknown } | { updated: Updated<S, unknown> };

/** Applies the batch's decisions one after another, each on the state the previous one left. */
export function decideAll<S>(
  before: Snapshot<S>,
  batch: UpdateJob<S>[],
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
    const stamped = outboxEntries(change.events ?? [], sequence, job.trace);
    sequence += stamped.length;
    entries = [...(entries ?? []), ...stamped];
    outcomes.push({ updated: { state, changed: true, result: change.result } });
  }
  return { after: state, outcomes, entries };
}

export function settle<S>(batch: UpdateJob<S>[], outcomes: Outcome<S>[]): void {
  batch.forEach((job, index) => {
    const outcome = outcomes[index];
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.updated);
  });
}

/**
 * The outbox entries of a change's events, numbered: the aggregate's first event is 1, then one
 * more each.
 */
export function outboxEntries(
  drafts: EventDraft[],
  lastSequence: number,
  trace: TraceCarrier | undefined,
): OutboxEntry[] {
  return drafts.map((draft, index) =>
    toOutboxEntry({ ...draft, sequence: lastSequence + index + 1 } as AnyEvent, trace),
  );
}
