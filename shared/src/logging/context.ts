import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What a log line, an outgoing event and an error response need to know about the unit of work
 * in progress: the request (or event chain) it belongs to and, while an event is being handled,
 * that event's id. Kept in AsyncLocalStorage so no function has to pass it along by hand.
 */
export interface WorkContext {
  correlationId: string;
  /** The id of the event being handled, when the work was started by an event. */
  eventId?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runInContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): WorkContext | undefined {
  return storage.getStore();
}

/** The correlation id of the work in progress, or a new one for work that has none (timers). */
export function currentCorrelationId(): string {
  return storage.getStore()?.correlationId ?? randomUUID();
}
