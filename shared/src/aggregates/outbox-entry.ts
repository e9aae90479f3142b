import { Schema } from 'mongoose';
import type { AnyEvent } from '../events/envelope';
import type { TraceCarrier } from '../observability/trace-context';

/**
 * An event waiting to be published, stored inside the document whose change caused it. Both are
 * written in one single-document update, so there is no moment where the state has changed and
 * the event is lost without multi-document transactions (database-capabilities).
 */
export interface OutboxEntry {
  eventId: string;
  eventType: string;
  /** The serialised envelope, published as it is. */
  payload: string;
  createdAt: Date;
  /** The trace of the change that caused the event, continued by its publication whenever that is. */
  trace?: TraceCarrier;
}

/** The `outbox` array of an aggregate's document (see aggregateSchema). */
export const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    payload: { type: String, required: true },
    createdAt: { type: Date, required: true },
    trace: { type: Schema.Types.Mixed, required: false },
  },
  { _id: false },
);

export function toOutboxEntry(event: AnyEvent, trace?: TraceCarrier): OutboxEntry {
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    payload: JSON.stringify(event),
    createdAt: new Date(),
    ...(trace && { trace }),
  };
}
