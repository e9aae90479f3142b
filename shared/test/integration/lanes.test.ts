import amqp from 'amqplib';
import type { EventEnvelope } from '../../src';
import { createLogger, PermanentError } from '../../src';
import type { RabbitEventBus } from '../../src';
import type { TestEnvironment } from '../../src/testing';
import {
  createTestEnvironment,
  EventProbe,
  eventually,
  Gate,
  management,
  orderCreatedEvent,
  orderStatusUpdatedEvent,
} from '../../src/testing';
import type { BusOverrides } from '../support/test-buses';
import { deadLetterAsTheBrokerDoes, readyIn as readyInQueue } from '../support/queues';
import { EXCHANGE, TestBuses } from '../support/test-buses';
import { whileHolding } from '../../src/messaging/amqp-helpers';

/**
 * Lanes: an event type subscribed on a lane of its own has a work queue of its own
 * (`<service>.<lane>`), so that its messages never wait behind a backlog of the others'. Here,
 * as in the inventory service: order.created on the default lane, order.status.updated on the
 * `settlement` lane.
 */
const logger = createLogger({
  service: 'lanes-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

let env: TestEnvironment;
let probe: EventProbe;
let buses: TestBuses;
let serviceCount = 0;

beforeAll(async () => {
  env = await createTestEnvironment('lanes');
  buses = new TestBuses(env, logger);
  probe = await EventProbe.connect(env.rabbitmqUrl, EXCHANGE, []);
});

afterEach(() => buses.stopAll());

afterAll(async () => {
  await probe?.close();
  await env?.dispose();
});

const newService = () => `laned-${++serviceCount}`;

/** What a service's handlers saw: the order ids they settled and reserved, in order. */
interface Seen {
  reserved: string[];
  settled: string[];
}

interface LanedService {
  service: string;
  bus: RabbitEventBus;
  seen: Seen;
  /** Each reservation waits here: closed, the default lane's backlog does not move. */
  reserving: Gate;
}

/**
 * A bus like the inventory's: reservations on the default lane, held at `reserving` (closed when
 * `stuck`); settlements on the `settlement` lane, through `settle` (which may throw).
 */
async function startLanedService({
  service = newService(),
  stuck = false,
  settle = async () => undefined,
  weight,
  overrides = {},
}: {
  service?: string;
  stuck?: boolean;
  weight?: number;
  settle?: (event: EventEnvelope<'order.status.updated'>) => Promise<void>;
  overrides?: BusOverrides;
} = {}): Promise<LanedService> {
  const seen: Seen = { reserved: [], settled: [] };
  const reserving = new Gate();
  if (stuck) reserving.close();
  const bus = await buses.start(
    service,
    (b) => {
      b.subscribe('order.created', async (event) => {
        await reserving.passage();
        seen.reserved.push(event.data.orderId);
      });
      b.subscribe(
        'order.status.updated',
        async (event) => {
          await settle(event);
          seen.settled.push(event.data.orderId);
        },
        { lane: 'settlement', weight },
      );
    },
    overrides,
  );
  return { service, bus, seen, reserving };
}

/** `count` order.created published (confirmed) in one go. */
async function publishBacklog(count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await probe.publish(orderCreatedEvent(`${label}-${i}`, [{ productId: 'p', quantity: 1 }]));
  }
}

/** Messages ready in a queue, as the broker counts them now. */
const readyIn = (queue: string) => readyInQueue(env.rabbitmqUrl, queue);

const BACKLOG = 200;

describe('when the default lane has a backlog that does not move', () => {
  it('then an order.status.updated published after it is handled before the backlog drains', async () => {
    const { service, seen, reserving } = await startLanedService({ stuck: true });

    await publishBacklog(BACKLOG, `${service}-backlog`);
    await probe.publish(orderStatusUpdatedEvent(`${service}-settled`, 'CONFIRMED'));

    await eventually(() => expect(seen.settled).toEqual([`${service}-settled`]));
    expect(seen.reserved).toEqual([]);
    // Behind the prefetched ten, the backlog still waits in its queue.
    expect(await readyIn(service)).toBeGreaterThanOrEqual(BACKLOG - 10);

    reserving.open();
    await eventually(() => expect(seen.reserved).toHaveLength(BACKLOG));
  });
});

describe('when a settlement fails for a transient reason', () => {
  it("then its retry waits in the lane's delay queue and comes back to the lane's queue, past the stuck backlog", async () => {
    let failures = 0;
    const { service, seen, reserving } = await startLanedService({
      stuck: true,
      settle: async () => {
        if (failures++ === 0) throw new Error('database briefly unreachable');
      },
      overrides: { retryBaseDelayMs: 1_500 },
    });
    await publishBacklog(50, `${service}-backlog`);
    await probe.publish(orderStatusUpdatedEvent(`${service}-retried`, 'CANCELLED'));

    await eventually(async () => expect(await readyIn(`${service}.settlement.delay.1`)).toBe(1));
    expect(await readyIn(`${service}.delay.1`)).toBe(0);
    await eventually(() => expect(seen.settled).toEqual([`${service}-retried`]));
    expect(failures).toBe(2);
    expect(seen.reserved).toEqual([]);
    reserving.open();
  });
});

describe('when a settlement is dead-lettered', () => {
  it("then it is listed with its routing key, and replay puts it into the lane's queue", async () => {
    let healthy = false;
    const { service, bus, seen, reserving } = await startLanedService({
      stuck: true,
      settle: async () => {
        if (!healthy) throw new PermanentError('not yet');
      },
    });
    const event = orderStatusUpdatedEvent(`${service}-dead`, 'CONFIRMED');
    await probe.publish(event);
    const [listed] = await eventually(async () => {
      const { items } = await bus.deadLetterQueue.list(10, 0);
      expect(items).toHaveLength(1);
      return items;
    });
    expect(listed).toMatchObject({ eventId: event.eventId, routingKey: 'order.status.updated' });

    await publishBacklog(50, `${service}-backlog`);
    healthy = true;
    expect(await bus.deadLetterQueue.replay({ eventIds: [event.eventId] })).toBe(1);
    await eventually(() => expect(seen.settled).toEqual([`${service}-dead`]));
    expect(seen.reserved).toEqual([]);
    expect((await bus.deadLetterQueue.list(10, 0)).total).toBe(0);
    reserving.open();
  });

  it("then one the broker dead-lettered for its delivery limit (no header of ours) goes back to the lane's queue too", async () => {
    const { service, bus, seen } = await startLanedService();
    await bus.pause();
    const event = orderStatusUpdatedEvent(`${service}-limited`, 'CONFIRMED');
    await deadLetterAsTheBrokerDoes(env.rabbitmqUrl, {
      service,
      queue: `${service}.settlement`,
      event,
    });

    expect(await bus.deadLetterQueue.replay({})).toBe(1);
    expect(await readyIn(`${service}.settlement`)).toBe(1);
    expect(await readyIn(service)).toBe(0);
    await bus.resume();
    await eventually(() => expect(seen.settled).toEqual([`${service}-limited`]));
  });
});

describe('when an earlier version left the service queue bound to the event type that now has a lane', () => {
  it('then starting unbinds it, so that a new event reaches one queue only, and what the old queue holds is still handled', async () => {
    const service = newService();
    // The earlier version: both event types on the one queue named after the service.
    const old = await buses.start(service, (bus) => {
      bus.subscribe('order.created', async () => undefined);
      bus.subscribe('order.status.updated', async () => undefined);
    });
    await old.close();
    const leftBehind = orderStatusUpdatedEvent(`${service}-left-behind`, 'CANCELLED');
    await probe.publish(leftBehind);
    expect(await readyIn(service)).toBe(1);

    const { bus, seen } = await startLanedService({ service });
    await eventually(() => expect(seen.settled).toEqual([`${service}-left-behind`]));

    await bus.pause();
    await probe.publish(orderStatusUpdatedEvent(`${service}-new`, 'CONFIRMED'));
    expect(await readyIn(service)).toBe(0);
    expect(await readyIn(`${service}.settlement`)).toBe(1);
    const bindings = (await management(
      'GET',
      `/api/queues/${encodeURIComponent(env.vhost)}/${service}/bindings`,
    )) as Array<{ routing_key: string }>;
    expect(bindings.map((binding) => binding.routing_key)).not.toContain('order.status.updated');
    await bus.resume();
    await eventually(() =>
      expect(seen.settled).toEqual([`${service}-left-behind`, `${service}-new`]),
    );
  });
});

describe('when the instances consume one at a time (single active consumer)', () => {
  it('then one instance is the active consumer of every lane, even when they start together', async () => {
    const service = newService();
    await Promise.all(
      Array.from({ length: 3 }, () =>
        startLanedService({ service, overrides: { singleActiveConsumer: true } }),
      ),
    );
    const active = await eventually(async () => {
      const consumers = (await management(
        'GET',
        `/api/consumers/${encodeURIComponent(env.vhost)}`,
      )) as Array<{
        queue: { name: string };
        activity_status?: string;
        channel_details: { peer_port: number };
      }>;
      const ofService = consumers.filter((c) =>
        [service, `${service}.settlement`].includes(c.queue.name),
      );
      expect(ofService).toHaveLength(6);
      const activeOnes = ofService.filter((c) => c.activity_status === 'single_active');
      expect(activeOnes).toHaveLength(2);
      return activeOnes;
    });
    expect(active[0].channel_details.peer_port).toBe(active[1].channel_details.peer_port);
  });
});

describe('when two instances register their consumers at the same moment', () => {
  it('then the registration lock lets one at a time through, and a holder whose connection dies lets the next one in', async () => {
    const [first, second, third] = await Promise.all(
      Array.from({ length: 3 }, () => amqp.connect(env.rabbitmqUrl)),
    );
    const spans: Array<{ holder: string; from: number; to: number }> = [];
    const hold = (holder: string, ms: number) => async () => {
      const from = performance.now();
      await new Promise((resolve) => setTimeout(resolve, ms));
      spans.push({ holder, from, to: performance.now() });
    };
    try {
      await Promise.all([
        whileHolding(first, 'lock', hold('first', 300)),
        whileHolding(second, 'lock', hold('second', 300)),
      ]);
      const [a, b] = spans.sort((x, y) => x.from - y.from);
      expect(b.from).toBeGreaterThanOrEqual(a.to);

      const holding = whileHolding(third, 'lock', () => new Promise<void>(() => undefined));
      void holding.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const waiting = whileHolding(first, 'lock', async () => 'got it');
      await third.close();
      await expect(waiting).resolves.toBe('got it');
    } finally {
      await Promise.all([first, second].map((c) => c.close().catch(() => undefined)));
    }
  });
});

describe('when a lane is given a weight', () => {
  it("then its consumer takes that many times the service's prefetch, and the default lane's once", async () => {
    const { service } = await startLanedService({ weight: 3, overrides: { prefetch: 10 } });
    const prefetchOf = await eventually(async () => {
      const consumers = (await management(
        'GET',
        `/api/consumers/${encodeURIComponent(env.vhost)}`,
      )) as Array<{ queue: { name: string }; prefetch_count: number }>;
      const byQueue = new Map(consumers.map((c) => [c.queue.name, c.prefetch_count]));
      expect(byQueue.has(`${service}.settlement`)).toBe(true);
      return byQueue;
    });
    expect(prefetchOf.get(service)).toBe(10);
    expect(prefetchOf.get(`${service}.settlement`)).toBe(30);
  });

  it('then a weight without a lane, or another weight for the same lane, is refused at once', async () => {
    await expect(
      buses.start(newService(), (bus) =>
        bus.subscribe('order.created', async () => undefined, { weight: 2 }),
      ),
    ).rejects.toThrow('order.created: a weight is for a lane of its own');
    await expect(
      buses.start(newService(), (bus) => {
        bus.subscribe('order.created', async () => undefined, { lane: 'fast', weight: 2 });
        bus.subscribe('order.status.updated', async () => undefined, { lane: 'fast', weight: 3 });
      }),
    ).rejects.toThrow('order.status.updated: lane fast already has weight 2');
  });
});
