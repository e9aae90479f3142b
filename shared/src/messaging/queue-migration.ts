import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { isPreconditionFailed, sendConfirmed } from './amqp-helpers';
import type { ServiceTopology } from './topology';

export type MigrationOutcome =
  | { queue: string; outcome: 'as-declared' | 'created' }
  | { queue: string; outcome: 'migrated'; messagesMoved: number };

/** A migration that cannot start, and why (the queue is not left changed). */
export class MigrationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefusedError';
  }
}

/** Highest retry level a topology can have (MAX_ATTEMPTS is at most 20). */
const MAX_RETRY_LEVELS = 19;

/**
 * Redeclares a service's work queue as its topology says (a quorum queue with a delivery limit)
 * when it exists with other arguments: a classic queue of an earlier version, or another
 * MAX_DELIVERIES (a queue's arguments cannot change), keeping every message. The service's
 * instances must be stopped, so that nothing is consumed meanwhile:
 *
 * 1. a holding queue `<queue>.migrating` is bound like the work queue, so that events published
 *    meanwhile reach it (some may reach both: consumers drop duplicates by event id);
 * 2. the messages waiting in the retry queues and in the work queue move to it (a retry becomes
 *    due at once), and the work queue is deleted once empty;
 * 3. the quorum queue is declared and bound, the holding queue's messages move into it, and the
 *    holding queue goes.
 *
 * Every move is publish-confirmed before its ack, so a crash at any step loses nothing; running
 * it again goes on from where it stopped.
 */
export async function migrateWorkQueue(
  connection: ChannelModel,
  topology: ServiceTopology,
): Promise<MigrationOutcome> {
  const { queue } = topology;
  const holding = `${queue}.migrating`;
  if (await isQuorum(connection, topology)) {
    // Perhaps a run that stopped after declaring it: what the holding queue has still goes in.
    const messagesMoved = await withChannel(connection, (channel) =>
      drainHolding(channel, topology, holding),
    );
    return messagesMoved > 0
      ? { queue, outcome: 'migrated', messagesMoved }
      : { queue, outcome: 'as-declared' };
  }
  const existing = await withChannel(connection, (channel) => channel.checkQueue(queue)).catch(
    () => undefined,
  );
  if (!existing) {
    await declareQuorum(connection, topology);
    return { queue, outcome: 'created' };
  }
  if (existing.consumerCount > 0) {
    throw new MigrationRefusedError(
      `${queue} has ${existing.consumerCount} consumer(s): stop the service's instances first`,
    );
  }

  let messagesMoved = await withChannel(connection, async (channel) => {
    await channel.assertQueue(holding, { durable: true });
    for (const key of topology.bindings) await channel.bindQueue(holding, topology.exchange, key);
    let moved = 0;
    for (const retryQueue of await existingRetryQueues(connection, queue)) {
      moved += await moveAll(channel, retryQueue, holding);
    }
    return moved;
  });
  // Bound to the exchange until deleted, the work queue may still receive: empty it until the
  // broker agrees that it is empty as it deletes it.
  for (;;) {
    messagesMoved += await withChannel(connection, (channel) => moveAll(channel, queue, holding));
    const deleted = await withChannel(connection, (channel) =>
      channel.deleteQueue(queue, { ifEmpty: true }),
    ).then(
      () => true,
      (error: unknown) => {
        if (isPreconditionFailed(error)) return false;
        throw error;
      },
    );
    if (deleted) break;
  }
  await declareQuorum(connection, topology);
  await withChannel(connection, async (channel) => {
    for (const key of topology.bindings) await channel.bindQueue(queue, topology.exchange, key);
    await drainHolding(channel, topology, holding);
  });
  return { queue, outcome: 'migrated', messagesMoved };
}

/** Whether the queue exists exactly as the topology declares it. */
async function isQuorum(connection: ChannelModel, topology: ServiceTopology): Promise<boolean> {
  const existing = await withChannel(connection, (channel) =>
    channel.checkQueue(topology.queue),
  ).catch(() => undefined);
  if (!existing) return false;
  // Declaring it as the topology does is accepted only if it already is that quorum queue.
  return withChannel(connection, (channel) =>
    channel.assertQueue(topology.queue, { durable: true, arguments: topology.queueArguments }),
  ).then(
    () => true,
    (error: unknown) => {
      if (isPreconditionFailed(error)) return false;
      throw error;
    },
  );
}

function declareQuorum(connection: ChannelModel, topology: ServiceTopology): Promise<unknown> {
  return withChannel(connection, (channel) =>
    channel.assertQueue(topology.queue, { durable: true, arguments: topology.queueArguments }),
  );
}

/** Moves what the holding queue has into the work queue, then deletes it (if it exists). */
async function drainHolding(
  channel: ConfirmChannel,
  topology: ServiceTopology,
  holding: string,
): Promise<number> {
  await channel.assertQueue(holding, { durable: true });
  for (const key of topology.bindings) await channel.unbindQueue(holding, topology.exchange, key);
  const moved = await moveAll(channel, holding, topology.queue);
  await channel.deleteQueue(holding, { ifEmpty: true });
  return moved;
}

/** The retry queues `<queue>.retry.<n>` that exist (a topology's count depends on its config). */
async function existingRetryQueues(connection: ChannelModel, queue: string): Promise<string[]> {
  const found: string[] = [];
  for (let level = 1; level <= MAX_RETRY_LEVELS; level++) {
    const name = `${queue}.retry.${level}`;
    // A missing queue closes the channel it was checked on: one channel per check.
    const exists = await withChannel(connection, (channel) => channel.checkQueue(name)).then(
      () => true,
      () => false,
    );
    if (exists) found.push(name);
  }
  return found;
}

/** Moves every message of `from` to `to`: each confirmed there before it is acked here. */
async function moveAll(channel: ConfirmChannel, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const message = await channel.get(from, { noAck: false });
    if (!message) return moved;
    await sendConfirmed(channel, to, message.content, copiedProperties(message));
    channel.ack(message);
    moved += 1;
  }
}

function copiedProperties(message: GetMessage) {
  const { contentType, correlationId, messageId, type, appId, timestamp, headers } =
    message.properties;
  return {
    persistent: true,
    contentType,
    correlationId,
    messageId: String(messageId ?? ''),
    type,
    appId,
    timestamp,
    headers,
  };
}

async function withChannel<T>(
  connection: ChannelModel,
  work: (channel: ConfirmChannel) => Promise<T>,
): Promise<T> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined); // a refused operation rejects its own call
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}
