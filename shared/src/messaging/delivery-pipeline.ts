import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import { PermanentError } from '../errors/app-error';
import type { EventType } from '../events/catalogue';
import type { AnyEvent } from '../events/envelope';
import { parseEvent } from '../events/envelope';
import type { ConsumeOutcome, ServiceMetrics } from '../observability/metrics';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { sendConfirmed } from './amqp-helpers';
import type { DeadLetterIndex } from './dead-letters';
import { RecentlyHandledEvents } from './recently-handled-events';
import { ATTEMPT_HEADER, attemptOf, decideOnFailure } from './retry-policy';
import type { ServiceTopology, WorkQueue } from './topology';

export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

export type AnyHandler = (event: AnyEvent) => Promise<void>;

export interface DeliveryPipelineOptions {
  service: string;
  topology: ServiceTopology;
  handlers: ReadonlyMap<EventType, AnyHandler>;
  deadLetterIndex: DeadLetterIndex;
  metrics: ServiceMetrics;
  logger: Logger;
  /** The channel that retry copies and dead letters are published on. */
  publishChannel: () => ConfirmChannel;
}

/**
 * What happens to one delivery, from receipt to ack:
 *
 *   parse and validate ──never valid──▶ dead-letter at once
 *   event id handled lately by this process? ──yes──▶ ack (a duplicate)
 *   handler ──ok──▶ remember the event id ──▶ ack
 *           ──throws──▶ retry copy to the delay queue of its attempt level, of the lane it
 *                       came from (so that it comes back to the same queue) ──▶ ack
 *                       or, permanent or out of attempts, dead-letter ──▶ ack
 *
 * A message is acked only after whatever replaces it (retry copy, dead letter) is confirmed by
 * the broker; if that fails, nothing is acked and the broker redelivers it. The handler runs
 * with the event's correlation and event ids in the logging context.
 */
export class DeliveryPipeline {
  private readonly recentlyHandled = new RecentlyHandledEvents();

  constructor(private readonly options: DeliveryPipelineOptions) {}

  /**
   * Takes the delivery to its ack. Throws, acking nothing, when the retry copy or dead letter
   * could not be published (or the ack itself failed): the caller then has the broker redeliver.
   * `lane`: the lane whose queue the message was delivered from.
   */
  async handle(message: ConsumeMessage, channel: Channel, lane: WorkQueue): Promise<void> {
    const attempt = attemptOf(message.properties.headers);
    let event: AnyEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      const correlationId = message.properties.correlationId ?? randomUUID();
      return runInContext({ correlationId }, async () => {
        await this.deadLetter(message, error, attempt, 'permanent');
        this.settle(channel, message, 'unknown', 'dead-lettered');
      });
    }

    const context = { correlationId: event.correlationId, eventId: event.eventId };
    return runInContext(context, async () => {
      let outcome: ConsumeOutcome;
      try {
        outcome = await this.process(event, attempt);
      } catch (error) {
        outcome = await this.onFailure(message, error, attempt, event, lane);
      }
      this.settle(channel, message, event.eventType, outcome);
    });
  }

  /**
   * Runs the handler, once per event id as far as this process remembers (handlers are
   * idempotent by business key for what it does not); what it throws decides retry or dead letter.
   */
  private async process(event: AnyEvent, attempt: number): Promise<'handled' | 'duplicate'> {
    const handler = this.options.handlers.get(event.eventType);
    if (!handler) throw new PermanentError(`No handler for ${event.eventType}`);
    const timed = async () => {
      const endTimer = this.options.metrics.eventHandlingDuration.startTimer({
        event_type: event.eventType,
      });
      try {
        await handler(event);
      } finally {
        endTimer();
      }
    };
    if (!(await this.recentlyHandled.runOnce(event.eventId, timed))) {
      this.options.logger.info('Skipping an event already handled', { eventType: event.eventType });
      return 'duplicate';
    }
    this.options.logger.info('Handled event', { eventType: event.eventType, attempt });
    return 'handled';
  }

  private async onFailure(
    message: ConsumeMessage,
    error: unknown,
    attempt: number,
    event: AnyEvent,
    lane: WorkQueue,
  ): Promise<'retried' | 'dead-lettered'> {
    const decision = decideOnFailure(error, attempt, lane.retryQueues);
    if (decision.action === 'dead-letter') {
      await this.deadLetter(message, error, attempt, decision.reason, event);
      return 'dead-lettered';
    }
    this.options.logger.warn('Event handling failed, will retry', {
      eventType: event.eventType,
      attempt,
      retryInMs: decision.delayMs,
      ...errorFields(error),
    });
    await sendConfirmed(this.options.publishChannel(), decision.queue, message.content, {
      ...forwardedProperties(message),
      messageId: event.eventId,
      expiration: String(decision.delayMs),
      headers: {
        [ORIGINAL_ROUTING_KEY_HEADER]: routingKeyOf(message),
        [ATTEMPT_HEADER]: decision.nextAttempt,
        'x-last-error': errorFields(error).error,
      },
    });
    return 'retried';
  }

  /** Parks the message in the dead-letter queue with why, and lists it in the index. */
  private async deadLetter(
    message: ConsumeMessage,
    error: unknown,
    attempts: number,
    reason: 'permanent' | 'attempts-exhausted',
    event?: AnyEvent,
  ): Promise<void> {
    const eventId = event?.eventId ?? message.properties.messageId ?? randomUUID();
    const routingKey = routingKeyOf(message);
    const failedAt = new Date();
    const errorMessage = errorFields(error).error;
    this.options.logger.error('Dead-lettering message', {
      routingKey,
      attempts,
      reason,
      ...errorFields(error),
    });
    await sendConfirmed(
      this.options.publishChannel(),
      this.options.topology.deadLetterQueue,
      message.content,
      {
        ...forwardedProperties(message),
        messageId: eventId,
        headers: {
          [ORIGINAL_ROUTING_KEY_HEADER]: routingKey,
          'x-error': errorMessage,
          'x-attempts': attempts,
          'x-dead-letter-reason': reason,
          'x-failed-at': failedAt.toISOString(),
          'x-service': this.options.service,
        },
      },
    );
    // The queue holds the message from here on; the index only lists it, so a failure to
    // record it must not put the message back through the handler.
    await this.options.deadLetterIndex
      .save({
        eventId,
        routingKey,
        eventType: event?.eventType,
        correlationId: event?.correlationId ?? message.properties.correlationId,
        error: errorMessage,
        attempts,
        failedAt,
      })
      .catch((indexError: unknown) =>
        this.options.logger.error('Could not index a dead letter', errorFields(indexError)),
      );
  }

  private settle(
    channel: Channel,
    message: ConsumeMessage,
    eventType: string,
    outcome: ConsumeOutcome,
  ): void {
    channel.ack(message);
    this.options.metrics.eventsConsumed.inc({ event_type: eventType, outcome });
  }
}

/** Where the message was first published to, also after it went through a delay queue. */
export function routingKeyOf(message: Message): string {
  const original = message.properties.headers?.[ORIGINAL_ROUTING_KEY_HEADER];
  return typeof original === 'string' ? original : message.fields.routingKey;
}

function forwardedProperties(message: ConsumeMessage) {
  const { contentType, correlationId, messageId, type, appId, timestamp } = message.properties;
  return { persistent: true, contentType, correlationId, messageId, type, appId, timestamp };
}
