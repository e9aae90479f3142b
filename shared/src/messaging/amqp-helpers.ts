import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { sleep } from '../concurrency/timing';
import type { ServiceTopology, WorkQueue } from './topology';
import { keysOfOtherLanes } from './topology';

/**
 * The broker had no queue to route a message to: an event no consumer has bound yet, or a delay
 * or dead-letter queue deleted by hand. The message was not stored, so whatever it replaces must
 * be kept (an outbox entry, an unacked delivery).
 */
export class UnroutableMessageError extends Error {
  constructor(routingKey: string) {
    super(`No queue is bound to ${routingKey || 'that queue'}`);
    this.name = 'UnroutableMessageError';
  }
}

/** Per channel: message id → the publishes of it waiting for their confirm. */
const awaitingConfirm = new WeakMap<ConfirmChannel, Map<string, Set<() => void>>>();

function returnWatchers(channel: ConfirmChannel): Map<string, Set<() => void>> {
  let watchers = awaitingConfirm.get(channel);
  if (!watchers) {
    const created = new Map<string, Set<() => void>>();
    // RabbitMQ sends basic.return before the confirm of the same message.
    channel.on('return', (message: { properties: { messageId?: unknown } }) => {
      for (const markReturned of created.get(String(message.properties.messageId)) ?? []) {
        markReturned();
      }
    });
    awaitingConfirm.set(channel, created);
    watchers = created;
  }
  return watchers;
}

/**
 * Publishes one message (`mandatory`, with a `messageId`) and resolves once the broker has
 * confirmed it: it is on disk, in at least one queue. Rejects with UnroutableMessageError when no
 * queue took it, and with the broker's error when it refused it.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish & { messageId: string },
): Promise<void> {
  const watchers = returnWatchers(channel);
  const waiting = watchers.get(options.messageId) ?? new Set<() => void>();
  watchers.set(options.messageId, waiting);
  let returned = false;
  const markReturned = () => (returned = true);
  waiting.add(markReturned);
  const done = () => {
    waiting.delete(markReturned);
    if (waiting.size === 0) watchers.delete(options.messageId);
  };
  return new Promise((resolve, reject) => {
    try {
      channel.publish(
        exchange,
        routingKey,
        content,
        { ...options, mandatory: true },
        (error: unknown) => {
          done();
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else if (returned) reject(new UnroutableMessageError(routingKey));
          else resolve();
        },
      );
    } catch (error) {
      done();
      reject(error);
    }
  });
}

/** Sends straight to a queue through the default exchange, confirmed. */
export function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  content: Buffer,
  options: Options.Publish & { messageId: string },
): Promise<void> {
  return publishConfirmed(channel, '', queue, content, options);
}

/**
 * Whether a queue is as the topology declares it, or exists with other arguments: a classic work
 * queue of an earlier version, another delivery limit, a delay queue of another version (a
 * queue's arguments cannot change; `npm run migrate-queues` redeclares a work queue).
 */
export type QueueState = 'as-declared' | 'differs';

/** What declaring the topology found: the queues that exist with other arguments. */
export interface DeclaredTopology {
  /** The work queues (of any lane) that exist with other arguments (consumed as they are). */
  differingWorkQueues: string[];
  /** The delay queues that exist with other arguments (used as they are). */
  differingDelayQueues: string[];
}

/**
 * Declares the service's exchange and queues, lane by lane; idempotent, so it runs on every
 * (re)connect. A queue that exists with other arguments is used as it is.
 */
export async function declareTopology(
  connection: ChannelModel,
  channel: Channel,
  topology: ServiceTopology,
): Promise<DeclaredTopology> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  const differingWorkQueues: string[] = [];
  for (const lane of topology.lanes) {
    if ((await declareWorkQueue(connection, lane)) === 'differs')
      differingWorkQueues.push(lane.queue);
  }
  await bindLanes(channel, topology, topology.lanes);
  const differingDelayQueues: string[] = [];
  for (const lane of topology.lanes) {
    for (const retryQueue of lane.retryQueues) {
      const state = await declareQueue(connection, retryQueue.name, lane.retryQueueArguments);
      if (state === 'differs') differingDelayQueues.push(retryQueue.name);
    }
  }
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  return { differingWorkQueues, differingDelayQueues };
}

/**
 * Binds each of `lanes`' queues to its own event types, then unbinds it from those of the other
 * lanes: a queue of an earlier version (or another lane) still bound to an event type that has
 * moved would get a second copy of every such event. New bindings first, so that an event type
 * is never without a queue meanwhile. Unbinding what is not bound is a no-op on the broker
 * (RabbitMQ 3.10.8 answers unbind-ok, checked), so this runs on every (re)connect.
 */
export async function bindLanes(
  channel: Channel,
  topology: ServiceTopology,
  lanes: readonly WorkQueue[],
): Promise<void> {
  for (const lane of lanes) {
    for (const key of lane.bindings) await channel.bindQueue(lane.queue, topology.exchange, key);
  }
  for (const lane of lanes) {
    for (const key of keysOfOtherLanes(topology, lane)) {
      await channel.unbindQueue(lane.queue, topology.exchange, key);
    }
  }
}

/** Declares a lane's work queue as the topology says, or finds that it exists otherwise. */
export function declareWorkQueue(connection: ChannelModel, lane: WorkQueue): Promise<QueueState> {
  return declareQueue(connection, lane.queue, lane.queueArguments);
}

/**
 * Declares a durable queue, or finds that it exists with other arguments. On a channel of its
 * own: a declaration that does not match the existing queue closes its channel.
 */
async function declareQueue(
  connection: ChannelModel,
  name: string,
  queueArguments: Options.AssertQueue['arguments'],
): Promise<QueueState> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined); // the refusal below is the answer, not a fault
  try {
    await channel.assertQueue(name, { durable: true, arguments: queueArguments });
    await channel.close();
    return 'as-declared';
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    return 'differs';
  }
}

/** The broker's answer to a declaration that differs from the existing queue. */
export function isPreconditionFailed(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 406;
}

/** The broker's answer to a declaration of an exclusive queue that another connection holds. */
function isResourceLocked(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 405;
}

const LOCK_WAIT_MS = { poll: 25, max: 10_000 } as const;

/**
 * Runs `work` while this connection holds `name`, an exclusive queue (a lock across processes:
 * the broker refuses a second holder, and drops the lock with its connection). Waits for a holder
 * at most LOCK_WAIT_MS.max; then throws (the caller's session is rebuilt and tries again).
 */
export async function whileHolding<T>(
  connection: ChannelModel,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  for (let waitedMs = 0; ; waitedMs += LOCK_WAIT_MS.poll) {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a refusal rejects the declaration below
    try {
      // Classic: exclusive queues cannot be quorum queues (nor take a virtual host's default type).
      await channel.assertQueue(name, {
        exclusive: true,
        durable: false,
        arguments: { 'x-queue-type': 'classic' },
      });
    } catch (error) {
      if (!isResourceLocked(error) || waitedMs >= LOCK_WAIT_MS.max) throw error;
      await sleep(LOCK_WAIT_MS.poll * (0.5 + Math.random()));
      continue;
    }
    try {
      return await work();
    } finally {
      await channel.deleteQueue(name).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  }
}
