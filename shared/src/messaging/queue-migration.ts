import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { bindLanes, declareWorkQueue, isPreconditionFailed, sendConfirmed } from './amqp-helpers';
import { ORIGINAL_ROUTING_KEY_HEADER, routingKeyOf } from './delivery-pipeline';
import { MAX_RETRY_LEVELS } from './retry-schedule';
import type { ServiceTopology, WorkQueue } from './topology';
import { defaultLane } from './topology';

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

/**
 * Migrates the work queue of every lane of the service (below), then binds each lane's queue to
 * its own event types only: a work queue of an earlier version still bound to an event type that
 * now has a lane of its own is unbound from it, so that no event reaches two queues.
 */
export async function migrateWorkQueues(
  connection: ChannelModel,
  topology: ServiceTopology,
): Promise<MigrationOutcome[]> {
  const outcomes: MigrationOutcome[] = [];
  for (const lane of topology.lanes) {
    outcomes.push(await migrateWorkQueue(connection, topology, lane));
  }
  await withChannel(connection, (channel) => bindLanes(channel, topology, topology.lanes));
  return outcomes;
}

/**
 * Redeclares a lane's work queue (the default lane's, `<service>`, unless told) as its topology
 * says (a quorum queue with a delivery limit) when it exists with other arguments: a classic
 * queue of an earlier version, or another
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
  lane: WorkQueue = defaultLane(topology),
): Promise<MigrationOutcome> {
  const { queue } = lane;
  const holding = `${queue}.migrating`;
  const existing = await withChannel(connection, (channel) => channel.checkQueue(queue)).catch(
    () => undefined,
  );
  if (existing && (await declareWorkQueue(connection, lane)) === 'as-declared') {
    // Perhaps a run that stopped after declaring it: what the holding queue has still goes in.
    const messagesMoved = await withChannel(connection, (channel) =>
      drainHolding(channel, topology.exchange, lane, holding),
    );
    return messagesMoved > 0
      ? { queue, outcome: 'migrated', messagesMoved }
      : { queue, outcome: 'as-declared' };
  }
  if (existing) await emptyIntoHolding(connection, topology.exchange, lane, holding);
  // Declared, bound, and given what the holding queue has: also where a run that stopped between
  // deleting the old queue and declaring the new one goes on.
  await declareWorkQueue(connection, lane);
  const messagesMoved = await withChannel(connection, async (channel) => {
    for (const key of lane.bindings) await channel.bindQueue(queue, topology.exchange, key);
    return drainHolding(channel, topology.exchange, lane, holding);
  });
  return existing || messagesMoved > 0
    ? { queue, outcome: 'migrated', messagesMoved }
    : { queue, outcome: 'created' };
}

/**
 * Steps 1 and 2: the holding queue bound and given every message of the retry queues and of the
 * work queue, which is then deleted. Refused while the work queue has consumers.
 */
async function emptyIntoHolding(
  connection: ChannelModel,
  exchange: string,
  lane: WorkQueue,
  holding: string,
): Promise<void> {
  const { queue } = lane;
  await refuseWhileConsumed(connection, queue);
  await withChannel(connection, async (channel) => {
    await channel.assertQueue(holding, { durable: true });
    for (const key of lane.bindings) await channel.bindQueue(holding, exchange, key);
    for (const retryQueue of await existingRetryQueues(connection, queue)) {
      await moveAll(channel, retryQueue, holding);
      // An earlier version's classic delay queue has no more use once empty.
      if (retryQueue.startsWith(`${queue}.retry.`)) {
        await channel.deleteQueue(retryQueue, { ifEmpty: true });
      }
    }
  });
  // Bound to the exchange until deleted, the work queue may still receive: empty it until the
  // broker agrees that it is empty as it deletes it.
  for (;;) {
    await withChannel(connection, (channel) => moveAll(channel, queue, holding));
    // Unused too: an instance that started meanwhile would lose the messages it holds unacked.
    const deleted = await withChannel(connection, (channel) =>
      channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true }),
    ).then(
      () => true,
      async (error: unknown) => {
        if (!isPreconditionFailed(error)) throw error;
        await refuseWhileConsumed(connection, queue);
        return false;
      },
    );
    if (deleted) return;
  }
}

/** Moves what the holding queue has into the work queue, then deletes it (if it exists). */
async function drainHolding(
  channel: ConfirmChannel,
  exchange: string,
  lane: WorkQueue,
  holding: string,
): Promise<number> {
  await channel.assertQueue(holding, { durable: true });
  for (const key of lane.bindings) await channel.unbindQueue(holding, exchange, key);
  const moved = await moveAll(channel, holding, lane.queue);
  await channel.deleteQueue(holding, { ifEmpty: true });
  return moved;
}

/**
 * The delay queues that exist: `<queue>.delay.<n>`, and the classic `<queue>.retry.<n>` of earlier
 * versions (a topology's count depends on its config).
 */
async function existingRetryQueues(connection: ChannelModel, queue: string): Promise<string[]> {
  const found: string[] = [];
  const names = Array.from({ length: MAX_RETRY_LEVELS }, (_, index) => [
    `${queue}.delay.${index + 1}`,
    `${queue}.retry.${index + 1}`,
  ]).flat();
  for (const name of names) {
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

async function refuseWhileConsumed(connection: ChannelModel, queue: string): Promise<void> {
  const { consumerCount } = await withChannel(connection, (channel) => channel.checkQueue(queue));
  if (consumerCount > 0) {
    throw new MigrationRefusedError(
      `${queue} has ${consumerCount} consumer(s): stop the service's instances first`,
    );
  }
}

/** Its properties, and the routing key it was first published with (the move goes by queue). */
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
    headers: { ...headers, [ORIGINAL_ROUTING_KEY_HEADER]: routingKeyOf(message) },
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
