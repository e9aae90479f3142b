import type { EventType } from '../events/catalogue';
import { isEventType } from '../events/catalogue';
import { MAX_ATTEMPTS_LIMIT, retryDelaysMs } from './retry-schedule';

/**
 * Everything one service declares on the broker, as data (after rascal): built once, validated
 * before anything connects, and declared again on every reconnect.
 *
 *   exchange (topic) ──routing keys──▶ <service>            (the default lane's work queue: quorum)
 *   exchange (topic) ──its keys──────▶ <service>.<lane>     (another lane's work queue: quorum)
 *   <work queue>.delay.<n> ──TTL expires──▶ <work queue>    (delay queues, per lane and attempt level)
 *   <any work queue> ──delivered too often──▶ <service>.dlq (the broker's delivery limit)
 *   <service>.dlq                                           (dead letters, replayed by hand)
 *
 * Lanes: a queue is FIFO, so a message waits behind every message enqueued before it, whatever
 * its kind. An event type that must not wait behind a backlog of others (the inventory's
 * settlements behind a burst of reservations) goes on a lane of its own: a work queue with its
 * own bindings, delay queues and consumer, the same arguments and delivery limit. (Quorum queues
 * have no priorities on RabbitMQ 3.10.) The dead-letter queue stays one per service.
 */
export interface ServiceTopology {
  exchange: string;
  /** One work queue per lane: the default lane (`<service>`) first, then the others by name. */
  lanes: WorkQueue[];
  deadLetterQueue: string;
  /**
   * With a single active consumer and several lanes: an exclusive queue that an instance holds
   * while it registers its consumers on the lanes, one lane after the other. RabbitMQ makes the
   * first consumer registered on a queue its active one, and the next in order when it goes;
   * registering one instance at a time gives every lane the same order, so one instance is
   * active on all of them, never one on each (their writes would then be concurrent again).
   */
  consumerRegistrationLock?: string;
}

/** The default lane's name: its queue is `<service>`, as the contract names it. */
export const DEFAULT_LANE = 'default';

/** One lane: its work queue, the event types bound to it, and its own delay queues. */
export interface WorkQueue {
  lane: string;
  queue: string;
  /**
   * Its consumer takes `weight` times the service's prefetch (1 unless the lane asks for more).
   * While every lane has a backlog, what each gets of the service's work (its database above
   * all) goes by the number of its messages in hand: a heavier lane gets the larger share.
   */
  weight: number;
  /** The work queue's declaration arguments (see workQueueArguments): the same on every lane. */
  queueArguments: QueueArguments;
  bindings: EventType[];
  /**
   * Delay queue per retry level; level n holds messages about to make attempt n + 1. Each lane
   * has its own, because a delay queue's way back is fixed by its arguments (it dead-letters to
   * one queue by name): routing each message back by a header would need an exchange hop and
   * redeclaring the delay queues that deployments already have, whose arguments cannot change.
   */
  retryQueues: RetryQueue[];
  /** Every delay queue's declaration arguments (see delayQueueArguments). */
  retryQueueArguments: QueueArguments;
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
  /** Every event type the service consumes, whatever its lane. */
  consumes: EventType[];
  /**
   * The event types that go on a lane of their own, by lane name (kebab-case, its queue is
   * `<service>.<lane>`); the others stay on the default lane.
   */
  lanes?: Readonly<Record<string, readonly EventType[]>>;
  /** Lanes whose consumer takes more than the service's prefetch: how many times it (≥ 1). */
  laneWeights?: Readonly<Record<string, number>>;
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
   * One consumer at a time across the service's instances (RabbitMQ's single active consumer),
   * on every lane: the others stand by and take over when it goes.
   */
  singleActiveConsumer?: boolean;
}

const KEBAB_CASE = /^[a-z][a-z0-9-]*$/;

/** Names a lane cannot take: the suffixes of the service's other queues, and the default lane's. */
const RESERVED_LANE_NAMES: readonly string[] = [
  DEFAULT_LANE,
  'delay',
  'retry',
  'dlq',
  'migrating',
  'consumer-lock',
];

export function defineServiceTopology(options: TopologyOptions): ServiceTopology {
  const problems = [...optionProblems(options), ...laneProblems(options)];
  if (problems.length > 0) {
    throw new Error(`Invalid messaging topology: ${problems.join('; ')}`);
  }

  const deadLetterQueue = `${options.service}.dlq`;
  const laned = new Set(Object.values(options.lanes ?? {}).flat());
  const lanes: Array<[string, EventType[]]> = [
    [DEFAULT_LANE, options.consumes.filter((key) => !laned.has(key))],
    ...Object.entries(options.lanes ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([lane, keys]): [string, EventType[]] => [lane, [...keys]]),
  ];
  return {
    exchange: options.exchange,
    lanes: lanes.map(([lane, bindings]) => {
      const queue = lane === DEFAULT_LANE ? options.service : `${options.service}.${lane}`;
      return {
        lane,
        queue,
        weight: options.laneWeights?.[lane] ?? 1,
        queueArguments: {
          ...workQueueArguments(options.maxDeliveries, deadLetterQueue),
          ...(options.singleActiveConsumer && { 'x-single-active-consumer': true }),
        },
        bindings,
        retryQueues: retryDelaysMs(options.maxAttempts, options.retryBaseDelayMs).map(
          (delayMs, index) => ({ name: `${queue}.delay.${index + 1}`, delayMs }),
        ),
        retryQueueArguments: delayQueueArguments(queue),
      };
    }),
    deadLetterQueue,
    ...(options.singleActiveConsumer &&
      lanes.length > 1 && { consumerRegistrationLock: `${options.service}.consumer-lock` }),
  };
}

/** The default lane: the work queue named after the service. */
export function defaultLane(topology: ServiceTopology): WorkQueue {
  return topology.lanes[0];
}

/**
 * The lane whose queue a message with this routing key belongs in (a dead letter being replayed,
 * say): the lane bound to it, else the default lane.
 */
export function laneOf(topology: ServiceTopology, routingKey: string): WorkQueue {
  return (
    topology.lanes.find((lane) => (lane.bindings as string[]).includes(routingKey)) ??
    defaultLane(topology)
  );
}

/** The event types bound to every lane but `lane`: what must not reach its queue. */
export function keysOfOtherLanes(topology: ServiceTopology, lane: WorkQueue): EventType[] {
  return topology.lanes.filter((other) => other !== lane).flatMap((other) => other.bindings);
}

function optionProblems(options: TopologyOptions): string[] {
  const problems: string[] = [];
  if (!KEBAB_CASE.test(options.service)) {
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
  return problems;
}

/**
 * Each lane well named, not empty, on event types the service consumes, none on two lanes; a
 * weight only for a lane that exists.
 */
function laneProblems({ lanes = {}, laneWeights = {}, consumes }: TopologyOptions): string[] {
  const problems: string[] = [];
  for (const [lane, weight] of Object.entries(laneWeights)) {
    if (!(lane in lanes))
      problems.push(`a weight is given to lane "${lane}", which has no event type`);
    if (!Number.isInteger(weight) || weight < 1) {
      problems.push(`lane "${lane}"'s weight must be a whole number ≥ 1`);
    }
  }
  const laneOfKey = new Map<EventType, string>();
  for (const [lane, keys] of Object.entries(lanes)) {
    if (!KEBAB_CASE.test(lane) || RESERVED_LANE_NAMES.includes(lane)) {
      problems.push(
        `lane name "${lane}" must be kebab-case and none of ${RESERVED_LANE_NAMES.join(', ')}`,
      );
    }
    if (keys.length === 0) problems.push(`lane "${lane}" has no event type`);
    for (const key of keys) {
      if (!consumes.includes(key)) {
        problems.push(`lane "${lane}" names "${String(key)}", which the service does not consume`);
      }
      const first = laneOfKey.get(key);
      if (first === undefined) laneOfKey.set(key, lane);
      else if (first === lane) problems.push(`lane "${lane}" names "${key}" twice`);
      else problems.push(`"${key}" is on two lanes: "${first}" and "${lane}"`);
    }
  }
  return problems;
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
