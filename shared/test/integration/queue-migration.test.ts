import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import {
  defineServiceTopology,
  MigrationRefusedError,
  migrateWorkQueue,
  migrateWorkQueues,
} from '../../src';
import { declareWorkQueue } from '../../src/messaging/amqp-helpers';
import { ORIGINAL_ROUTING_KEY_HEADER, routingKeyOf } from '../../src/messaging/delivery-pipeline';
import type { ServiceTopology, TopologyOptions } from '../../src/messaging/topology';
import { defaultLane } from '../../src/messaging/topology';
import type { TestEnvironment } from '../../src/testing';
import { createTestEnvironment } from '../../src/testing';

/**
 * A classic work queue, as an earlier version declared it, with messages waiting in it and in a
 * retry queue, made the quorum queue of this version's topology without losing one.
 */
const EXCHANGE = 'ecommerce.events';

let env: TestEnvironment;
let connection: ChannelModel;
let serviceCount = 0;

beforeAll(async () => {
  env = await createTestEnvironment('queue-migration');
  connection = await amqp.connect(env.rabbitmqUrl);
});

afterAll(async () => {
  await connection?.close();
  await env?.dispose();
});

function topologyOfANewService(lanes?: TopologyOptions['lanes']): ServiceTopology {
  serviceCount += 1;
  return defineServiceTopology({
    service: `migrating-${serviceCount}`,
    exchange: EXCHANGE,
    consumes: ['order.created', 'order.status.updated'],
    lanes,
    maxAttempts: 3,
    retryBaseDelayMs: 60_000,
    maxDeliveries: 5,
  });
}

/** The classic delay queue an earlier version declared for its first retry. */
const legacyRetryQueue = (topology: ServiceTopology) => `${defaultLane(topology).queue}.retry.1`;

/**
 * What an earlier version declared: classic queues, the work queue bound to every event type the
 * service consumes (it had no lanes), with messages waiting.
 */
async function declareAsAnEarlierVersion(topology: ServiceTopology, waiting: number) {
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(defaultLane(topology).queue, { durable: true });
  for (const key of topology.lanes.flatMap((lane) => lane.bindings)) {
    await channel.bindQueue(defaultLane(topology).queue, EXCHANGE, key);
  }
  const retry = { name: legacyRetryQueue(topology) };
  await channel.assertQueue(retry.name, {
    durable: true,
    deadLetterExchange: '',
    deadLetterRoutingKey: defaultLane(topology).queue,
  });
  for (let i = 0; i < waiting; i++) {
    channel.publish(EXCHANGE, 'order.created', Buffer.from(`{"n":${i}}`), {
      persistent: true,
      messageId: `waiting-${i}`,
    });
  }
  // One waits for its retry, a minute away.
  channel.sendToQueue(retry.name, Buffer.from('{"retry":true}'), {
    persistent: true,
    messageId: 'retrying',
    expiration: '60000',
    // As the delivery pipeline sends a retry copy: with the key it was published with.
    headers: { 'x-attempt': 2, [ORIGINAL_ROUTING_KEY_HEADER]: 'order.created' },
  });
  await channel.waitForConfirms();
  await channel.close();
}

/** Takes every message out of a queue (acked) and returns their ids, each with its routing key. */
async function drain(queue: string): Promise<string[]> {
  const channel = await connection.createChannel();
  const ids: string[] = [];
  for (let message = await channel.get(queue); message; message = await channel.get(queue)) {
    ids.push(`${String(message.properties.messageId)} ${routingKeyOf(message)}`);
    channel.ack(message);
  }
  await channel.close();
  return ids;
}

/** Whether the queue now exists exactly as the topology declares it (a quorum queue). */
async function isAsDeclared(topology: ServiceTopology): Promise<boolean> {
  return (await declareWorkQueue(connection, defaultLane(topology))) === 'as-declared';
}

async function queueExists(queue: string): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
    await channel.close();
    return true;
  } catch {
    return false;
  }
}

describe('when a classic work queue of an earlier version holds messages', () => {
  it('then it becomes a quorum queue with every message, bound as before, and no holding queue left', async () => {
    const topology = topologyOfANewService();
    await declareAsAnEarlierVersion(topology, 25);
    expect(await isAsDeclared(topology)).toBe(false);

    const result = await migrateWorkQueue(connection, topology);

    expect(result).toEqual({
      queue: defaultLane(topology).queue,
      outcome: 'migrated',
      messagesMoved: 26,
    });
    expect(await isAsDeclared(topology)).toBe(true);
    expect(await queueExists(`${defaultLane(topology).queue}.migrating`)).toBe(false);
    // Still bound: an event published now reaches it.
    const channel = await connection.createConfirmChannel();
    channel.publish(EXCHANGE, 'order.status.updated', Buffer.from('{}'), { messageId: 'after' });
    await channel.waitForConfirms();
    await channel.close();
    const ids = await drain(defaultLane(topology).queue);
    // Each with the routing key it was published with, though the move went through queues.
    expect(ids.sort()).toEqual(
      [
        ...Array.from({ length: 25 }, (_, i) => `waiting-${i} order.created`),
        'retrying order.created',
        'after order.status.updated',
      ].sort(),
    );
    // The earlier version's delay queue was emptied into the new one's path, and is gone.
    expect(await queueExists(legacyRetryQueue(topology))).toBe(false);
  });

  it('then running it again changes nothing', async () => {
    const topology = topologyOfANewService();
    await declareAsAnEarlierVersion(topology, 2);
    await migrateWorkQueue(connection, topology);
    expect(await migrateWorkQueue(connection, topology)).toEqual({
      queue: defaultLane(topology).queue,
      outcome: 'as-declared',
    });
    expect(await drain(defaultLane(topology).queue)).toHaveLength(3);
  });
});

describe('when the classic queue still has a consumer', () => {
  it('then the migration refuses, and the queue and its messages stay as they were', async () => {
    const topology = topologyOfANewService();
    await declareAsAnEarlierVersion(topology, 3);
    const consumerConnection = await amqp.connect(env.rabbitmqUrl);
    try {
      const channel = await consumerConnection.createChannel();
      await channel.prefetch(1);
      await channel.consume(defaultLane(topology).queue, () => undefined); // holds one, acks none

      await expect(migrateWorkQueue(connection, topology)).rejects.toThrow(MigrationRefusedError);
      expect(await isAsDeclared(topology)).toBe(false);
    } finally {
      await consumerConnection.close(); // its unacked message goes back
    }
    expect(await drain(defaultLane(topology).queue)).toHaveLength(3);
  });
});

describe('when the queue does not exist yet', () => {
  it('then it is declared as the topology says', async () => {
    const topology = topologyOfANewService();
    expect(await migrateWorkQueue(connection, topology)).toEqual({
      queue: defaultLane(topology).queue,
      outcome: 'created',
    });
    expect(await isAsDeclared(topology)).toBe(true);
  });
});

describe('when the service now has a lane of its own for an event type', () => {
  it("then the lane's queue is declared, the old work queue keeps its messages, and an event of the moved type reaches the lane's queue only", async () => {
    const topology = topologyOfANewService({ settlement: ['order.status.updated'] });
    await declareAsAnEarlierVersion(topology, 2);
    const [main, settlement] = topology.lanes;

    expect(await migrateWorkQueues(connection, topology)).toEqual([
      { queue: main.queue, outcome: 'migrated', messagesMoved: 3 },
      { queue: settlement.queue, outcome: 'created' },
    ]);

    const channel = await connection.createConfirmChannel();
    channel.publish(EXCHANGE, 'order.status.updated', Buffer.from('{}'), { messageId: 'settle' });
    channel.publish(EXCHANGE, 'order.created', Buffer.from('{}'), { messageId: 'reserve' });
    await channel.waitForConfirms();
    await channel.close();
    expect((await drain(main.queue)).sort()).toEqual(
      [
        'reserve order.created',
        'retrying order.created',
        'waiting-0 order.created',
        'waiting-1 order.created',
      ].sort(),
    );
    expect(await drain(settlement.queue)).toEqual(['settle order.status.updated']);
  });

  it('then a quorum work queue already as declared, but still bound to the moved type, is unbound from it', async () => {
    const topology = topologyOfANewService({ settlement: ['order.status.updated'] });
    const [main, settlement] = topology.lanes;
    await migrateWorkQueue(connection, topology, main);
    const channel = await connection.createConfirmChannel();
    await channel.bindQueue(main.queue, EXCHANGE, 'order.status.updated'); // as before the lane

    expect(await migrateWorkQueues(connection, topology)).toEqual([
      { queue: main.queue, outcome: 'as-declared' },
      { queue: settlement.queue, outcome: 'created' },
    ]);
    channel.publish(EXCHANGE, 'order.status.updated', Buffer.from('{}'), { messageId: 'settle' });
    await channel.waitForConfirms();
    await channel.close();
    expect(await drain(main.queue)).toEqual([]);
    expect(await drain(settlement.queue)).toEqual(['settle order.status.updated']);
  });
});
