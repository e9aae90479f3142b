import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import type { ServiceTopology } from './topology';

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

/** What declaring the topology found: how the work queue and each delay queue stand. */
export interface DeclaredTopology {
  workQueue: QueueState;
  /** The delay queues that exist with other arguments (used as they are). */
  differingDelayQueues: string[];
}

/**
 * Declares the service's exchange and queues; idempotent, so it runs on every (re)connect. A
 * queue that exists with other arguments is used as it is.
 */
export async function declareTopology(
  connection: ChannelModel,
  channel: Channel,
  topology: ServiceTopology,
): Promise<DeclaredTopology> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  const workQueue = await declareWorkQueue(connection, topology);
  for (const routingKey of topology.bindings) {
    await channel.bindQueue(topology.queue, topology.exchange, routingKey);
  }
  const differingDelayQueues: string[] = [];
  for (const retryQueue of topology.retryQueues) {
    const state = await declareQueue(connection, retryQueue.name, topology.retryQueueArguments);
    if (state === 'differs') differingDelayQueues.push(retryQueue.name);
  }
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  return { workQueue, differingDelayQueues };
}

/** Declares the work queue as the topology says, or finds that it exists otherwise. */
export function declareWorkQueue(
  connection: ChannelModel,
  topology: ServiceTopology,
): Promise<QueueState> {
  return declareQueue(connection, topology.queue, topology.queueArguments);
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
