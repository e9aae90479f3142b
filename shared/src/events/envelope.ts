import { randomUUID } from 'node:crypto';
import Joi from 'joi';
import { PermanentError } from '../errors/app-error';
import type { EventDataByType, EventType } from './catalogue';
import { eventDataSchemas, isEventType } from './catalogue';

/** What travels on the wire: the contract's envelope around an event's data. */
export interface EventEnvelope<T extends EventType = EventType> {
  eventId: string;
  eventType: T;
  schemaVersion: number;
  occurredAt: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  /** The publishing service's own counter for the aggregate: 1 for its first event about it. */
  sequence: number;
  data: EventDataByType[T];
}

/** Any event of the catalogue, narrowed by checking `eventType`. */
export type AnyEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

export const CURRENT_SCHEMA_VERSION = 1;

export interface NewEvent<T extends EventType> {
  eventType: T;
  source: string;
  aggregateId: string;
  sequence: number;
  data: EventDataByType[T];
  correlationId: string;
  causationId?: string | null;
}

/**
 * An event as a use case decides it, before the store that writes it numbers it: `sequence`
 * belongs to the aggregate store, which knows how many events the aggregate has had.
 */
export type EventDraft = { [T in EventType]: Omit<EventEnvelope<T>, 'sequence'> }[EventType];

export function createEvent<T extends EventType>(event: NewEvent<T>): EventEnvelope<T> {
  return { ...draftEvent(event), sequence: event.sequence };
}

/** A new event without its `sequence`, for a use case whose store numbers it. */
export function draftEvent<T extends EventType>(
  event: Omit<NewEvent<T>, 'sequence'>,
): Omit<EventEnvelope<T>, 'sequence'> {
  return {
    eventId: randomUUID(),
    eventType: event.eventType,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    occurredAt: new Date().toISOString(),
    source: event.source,
    correlationId: event.correlationId,
    causationId: event.causationId ?? null,
    aggregateId: event.aggregateId,
    data: event.data,
  };
}

const envelopeSchema = Joi.object({
  eventId: Joi.string().min(1).max(200).required(),
  eventType: Joi.string().required(),
  schemaVersion: Joi.number().integer().valid(CURRENT_SCHEMA_VERSION).required(),
  occurredAt: Joi.string().isoDate().required(),
  source: Joi.string().min(1).required(),
  correlationId: Joi.string().min(1).max(200).required(),
  causationId: Joi.string().min(1).max(200).allow(null).required(),
  aggregateId: Joi.string().min(1).max(200).required(),
  sequence: Joi.number().integer().min(1).required(),
  data: Joi.object().required(),
});

/**
 * Turns a message body into a typed event, or throws a PermanentError saying why it never can
 * be one (not JSON, not an envelope, an unknown type, data that fails its type's schema).
 */
export function parseEvent(body: Buffer | string): AnyEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString());
  } catch {
    throw new PermanentError('Message body is not valid JSON');
  }
  // No type conversion: a producer that sends `"1"` for a number has a bug worth seeing. Fields
  // this consumer does not know are dropped, not refused (a tolerant reader): a producer may add
  // an optional field without every consumer dead-lettering its events during a rolling deploy.
  const tolerant = { abortEarly: false, convert: false, allowUnknown: true, stripUnknown: true };
  const envelope = envelopeSchema.validate(raw, tolerant);
  if (envelope.error) {
    throw new PermanentError(`Invalid event envelope: ${envelope.error.message}`);
  }
  const candidate = envelope.value as EventEnvelope;
  if (!isEventType(candidate.eventType)) {
    throw new PermanentError(`Unknown event type "${candidate.eventType}"`);
  }
  const data = eventDataSchemas[candidate.eventType].validate(candidate.data, tolerant);
  if (data.error) {
    throw new PermanentError(`Invalid ${candidate.eventType} data: ${data.error.message}`);
  }
  return { ...candidate, data: data.value } as AnyEvent;
}
