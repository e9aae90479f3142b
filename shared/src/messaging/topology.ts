import type { EventType } from '../events/catalogue';
import { isEventType } from '../events/catalogue';
import { MAX_ATTEMPTS_LIMIT, retryDelaysMs } from './retry-schedule';

/**
 * Everything one service declares on the broker, as data (after rascal): built once, validated
 * before anything connects, and declared again on every reconnect.
 *
 *   exchange (topic) ──routing keys──▶ <service>            (the work queue: quorum)
 *   <service>.delay.<n> ──TTL expires──▶ <service>          (delay queues, one per attempt level: quorum)
 *   <service> ──delivered too often──▶ <service>.dlq        (the broker's delivery limit)
 *   <service>.dlq                                           (dead letters, replayed by hand)
 */
export interface ServiceTopology {
  exchange: string;
  queue: string;
  /** The work queue's declaration arguments (see workQueueArguments). */
  queueArguments: QueueArguments;
  bindings: EventType[];
  /** Delay queue per retry level; level n holds messages about to make attempt n + 1. */
  retryQueues: RetryQueue[];
  /** Every delay queue's declaration arguments (see delayQueueArguments). */
  retryQueueArguments: QueueArguments;
  deadLetterQueue: string;
}

export type QueueArguments = Readonly<Record<string, string | number | boolean>>;

export interface RetryQueue {
  name: string;
  /** Base delay before the next attempt; each message gets it with jitter as its expiration. */
  delayMs: number;
}

export interface TopologyOptions {
  service: string;
  exchange: string;
  consumes: EventType[];
  /** Total attempts a message gets, the first included, before it is dead-lettered. */
  maxAttempts: number;
  /** Delay before the second attempt; it doubles for each attempt after that. */
  retryBaseDelayMs: number;
  /**
   * Deliveries a message gets without being acked (its handler never finished: the process
   * died, the connection dropped) before the broker dead-letters it.
   */
  maxDeliveries: number;
  /**
   * One consumer at a time across the service's instances (RabbitMQ's single active consumer):
   * the others stand by and take over when it goes.
   */
  singleActiveConsumer?: boolean;
}

export function defineServiceTopology(options: TopologyOptions): ServiceTopology {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(options.service)) {
    problems.push(`service name "${options.service}" must be kebab-case`);
  }
  if (!options.exchange) problems.push('exchange name is empty');
  for (const key of options.consumes) {
    if (!isEventType(key)) problems.push(`cannot bind to unknown event type "${String(key)}"`);
  }
  if (new Set(options.consumes).size !== options.consumes.length) {
    problems.push('an event type is bound twice');
  }
  if (
    !Number.isInteger(options.maxAttempts) ||
    options.maxAttempts < 1 ||
    options.maxAttempts > MAX_ATTEMPTS_LIMIT
  ) {
    problems.push(`maxAttempts must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  }
  if (!(options.retryBaseDelayMs > 0)) problems.push('retryBaseDelayMs must be > 0');
  if (!Number.isInteger(options.maxDeliveries) || options.maxDeliveries < 1) {
    problems.push('maxDeliveries must be a whole number ≥ 1');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid messaging topology: ${problems.join('; ')}`);
  }

  const deadLetterQueue = `${options.service}.dlq`;
  return {
    exchange: options.exchange,
    queue: options.service,
    queueArguments: {
      ...workQueueArguments(options.maxDeliveries, deadLetterQueue),
      ...(options.singleActiveConsumer && { 'x-single-active-consumer': true }),
    },
    bindings: [...options.consumes],
    retryQueues: retryDelaysMs(options.maxAttempts, options.retryBaseDelayMs).map(
      (delayMs, index) => ({ name: `${options.service}.delay.${index + 1}`, delayMs }),
    ),
    retryQueueArguments: delayQueueArguments(options.service),
    deadLetterQueue,
  };
}

/**
 * A quorum queue too, dead-lettering at least once: a message whose delay runs out goes back to
 * the work queue only when the work queue has it. A classic delay queue dead-letters at most
 * once, and lost retries to a crash of RabbitMQ (`npm run chaos` met it: a retry copy whose delay
 * ran out while the broker restarted never came back). No queue-level TTL: each message carries
 * its own (delay with jitter), so changing the delays in config never makes the declaration clash
 * with the existing queue. (Named `.delay.<n>`: the classic `.retry.<n>` queues of earlier
 * versions empty themselves into the work queue as their messages' delays run out.)
 */
function delayQueueArguments(workQueue: string): QueueArguments {
  return {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': workQueue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * A quorum queue, because a classic one cannot count deliveries: it only says "redelivered",
 * so a message whose handling kills the process came back forever. The broker dead-letters a
 * message once it has been returned unacked `maxDeliveries - 1` times (so it gets
 * `maxDeliveries` deliveries), at least once: held until the dead-letter queue has it.
 * Handler failures never reach this limit: the pipeline moves those to a delay queue and acks.
 */
function workQueueArguments(maxDeliveries: number, deadLetterQueue: string): QueueArguments {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': maxDeliveries - 1,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueue,
    'x-dead-letter-strategy': 'at-least-once',
    // At-least-once dead-lettering requires it: a full queue refuses a publish (which the
    // publisher's confirm then reports) rather than dropping its oldest message.
    'x-overflow': 'reject-publish',
  };
}
