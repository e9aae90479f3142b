import { Writable } from 'node:stream';
import amqp from 'amqplib';
import winston from 'winston';
import type { AnyEvent, EventEnvelope, Logger } from '../../src';
import type { RabbitEventBus } from '../../src';
import { createEvent, createLogger, PermanentError, UnroutableMessageError } from '../../src';
import type { TestEnvironment } from '../../src/testing';
import {
  createTestEnvironment,
  EventProbe,
  eventually,
  management,
  orderCreatedEvent,
} from '../../src/testing';
import type { BusOverrides } from '../support/test-buses';
import { deadLetterAsTheBrokerDoes, peek as peekAt } from '../support/queues';
import { EXCHANGE, TestBuses } from '../support/test-buses';
const logger = createLogger({ service: 'bus-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let env: TestEnvironment;
let probe: EventProbe;
let buses: TestBuses;

beforeAll(async () => {
  env = await createTestEnvironment('bus');
  buses = new TestBuses(env, logger);
  probe = await EventProbe.connect(env.rabbitmqUrl, EXCHANGE, ['order.created']);
});

afterEach(() => buses.stopAll());

afterAll(async () => {
  await probe?.close();
  await env?.dispose();
});

/** A bus for a service of its own, with its own queues and database. */
function startBus(
  service: string,
  subscribe: (bus: RabbitEventBus) => void,
  overrides: BusOverrides = {},
): Promise<RabbitEventBus> {
  return buses.start(service, subscribe, overrides);
}

let orderCount = 0;
function orderCreated(): EventEnvelope<'order.created'> {
  orderCount += 1;
  return orderCreatedEvent(`order-${orderCount}`, [{ productId: 'prod1', quantity: 1 }]);
}

/** Reads (and puts back) what sits in a queue. */
const peek = (queue: string) => peekAt(env.rabbitmqUrl, queue);

describe('when an event is published', () => {
  it('then it reaches every bound queue as persistent JSON with the envelope ids', async () => {
    const received: AnyEvent[] = [];
    const consumer = await startBus('pub-consumer', (bus) =>
      bus.subscribe('order.created', async (event) => void received.push(event)),
    );
    const event = orderCreated();
    await consumer.publish(event);

    await eventually(() => expect(received.map((e) => e.eventId)).toContain(event.eventId));
    const heard = await probe.waitFor((e) => e.eventId === event.eventId);
    expect(heard).toEqual(event);
  });

  it('then an event no queue is bound to is refused, so the outbox keeps it', async () => {
    const publisher = await startBus('lonely-publisher', () => undefined);
    const event = createEvent({
      eventType: 'inventory.status.updated',
      source: 'inventory-service',
      aggregateId: 'nobody-listens',
      sequence: 1,
      correlationId: 'c',
      data: { orderId: 'nobody-listens', status: 'SUCCESS' },
    });
    await expect(publisher.publish(event)).rejects.toBeInstanceOf(UnroutableMessageError);
  });
});

describe('when a handler fails', () => {
  it('then a transient failure is retried with growing delays until it succeeds', async () => {
    const attempts: number[] = [];
    await startBus('flaky', (bus) =>
      bus.subscribe('order.created', async () => {
        attempts.push(Date.now());
        if (attempts.length <= 2) throw new Error('database briefly unreachable');
      }),
    );
    await probe.publish(orderCreated());

    await eventually(() => expect(attempts).toHaveLength(3));
    const [first, second, third] = attempts;
    // Base 100 ms, ±20 % jitter: ≥ 80 ms before attempt 2, ≥ 160 ms before attempt 3.
    expect(second - first).toBeGreaterThanOrEqual(80);
    expect(third - second).toBeGreaterThanOrEqual(160);
  });

  it('then a failure every time ends in the DLQ after MAX_ATTEMPTS, with its error in the headers', async () => {
    let calls = 0;
    const bus = await startBus(
      'doomed',
      (b) =>
        b.subscribe('order.created', async () => {
          calls += 1;
          throw new Error('always broken');
        }),
      { maxAttempts: 3, retryBaseDelayMs: 50 },
    );
    const event = orderCreated();
    await probe.publish(event);

    const listed = await eventually(async () => {
      const { items } = await bus.deadLetterQueue.list(10, 0);
      expect(items).toHaveLength(1);
      return items[0];
    });
    expect(calls).toBe(3);
    expect(listed).toMatchObject({
      eventId: event.eventId,
      routingKey: 'order.created',
      attempts: 3,
      error: 'always broken',
    });
    const [dead] = await peek('doomed.dlq');
    expect(dead.properties.messageId).toBe(event.eventId);
    expect(dead.properties.headers).toMatchObject({
      'x-error': 'always broken',
      'x-attempts': 3,
      'x-original-routing-key': 'order.created',
      'x-dead-letter-reason': 'attempts-exhausted',
      'x-failed-at': expect.any(String),
    });
  });

  it.each([
    ['not JSON', Buffer.from('{not json'), 'not valid JSON'],
    ['not an envelope', Buffer.from(JSON.stringify({ hello: 'world' })), 'Invalid event envelope'],
    [
      'data failing its schema',
      Buffer.from(JSON.stringify({ ...orderCreated(), data: { orderId: 'x' } })),
      'Invalid order.created data',
    ],
  ])('then a message that is %s goes to the DLQ at once', async (_case, body, error) => {
    let calls = 0;
    const service = `poison-${orderCount++}`;
    const bus = await startBus(service, (b) =>
      b.subscribe('order.created', async () => void (calls += 1)),
    );
    await probe.publishRaw('order.created', body, { messageId: `poison-${service}` });

    const listed = await eventually(async () => {
      const { items } = await bus.deadLetterQueue.list(10, 0);
      expect(items).toHaveLength(1);
      return items[0];
    });
    expect(listed).toMatchObject({ eventId: `poison-${service}`, attempts: 1 });
    expect(listed.error).toContain(error);
    expect(calls).toBe(0);
  });

  it('then a PermanentError goes to the DLQ without retries', async () => {
    let calls = 0;
    const bus = await startBus('permanent', (b) =>
      b.subscribe('order.created', async () => {
        calls += 1;
        throw new PermanentError('order can never be handled');
      }),
    );
    await probe.publish(orderCreated());
    await eventually(async () => expect((await bus.deadLetterQueue.list(10, 0)).total).toBe(1));
    expect(calls).toBe(1);
  });
});

describe('when dead letters are replayed or discarded', () => {
  it('then replay puts the chosen ones back through the handler and discard removes them', async () => {
    let healthy = false;
    const handled: string[] = [];
    const bus = await startBus('replayable', (b) =>
      b.subscribe('order.created', async (event) => {
        if (!healthy) throw new PermanentError('not yet');
        handled.push(event.eventId);
      }),
    );
    const [first, second, third] = [orderCreated(), orderCreated(), orderCreated()];
    for (const event of [first, second, third]) await probe.publish(event);
    await eventually(async () => expect((await bus.deadLetterQueue.list(10, 0)).total).toBe(3));

    healthy = true;
    expect(await bus.deadLetterQueue.replay({ eventIds: [second.eventId, 'not-there'] })).toBe(1);
    await eventually(() => expect(handled).toEqual([second.eventId]));
    expect(await bus.deadLetterQueue.discard([first.eventId])).toBe(1);

    const { items, total } = await bus.deadLetterQueue.list(10, 0);
    expect(total).toBe(1);
    expect(items[0].eventId).toBe(third.eventId);
    expect((await peek('replayable.dlq')).map((m) => m.properties.messageId)).toEqual([
      third.eventId,
    ]);

    expect(await bus.deadLetterQueue.replay({})).toBe(1);
    await eventually(() => expect(handled).toEqual([second.eventId, third.eventId]));
    expect((await bus.deadLetterQueue.list(10, 0)).total).toBe(0);
  });
});

describe('when the same event is delivered again', () => {
  it('then the handler runs once per event id', async () => {
    const handled: string[] = [];
    const bus = await startBus('dedup', (b) =>
      b.subscribe('order.created', async (event) => void handled.push(event.eventId)),
    );
    const event = orderCreated();
    await probe.publish(event);
    await eventually(() => expect(handled).toHaveLength(1));
    for (let i = 0; i < 5; i++) await probe.publish(event);

    await eventually(async () => {
      const metrics =
        await bus['options'].metrics.registry.getSingleMetricAsString('events_consumed_total');
      expect(metrics).toMatch(/outcome="duplicate"[^\n]* 5/);
    });
    expect(handled).toEqual([event.eventId]);
  });
});

describe('when the broker takes the consumer away', () => {
  it('then a deleted queue is declared again and consuming resumes, so no consumer stays dead', async () => {
    const handled: string[] = [];
    const bus = await startBus('resurrected', (b) =>
      b.subscribe('order.created', async (event) => void handled.push(event.eventId)),
    );
    const vhost = encodeURIComponent(env.vhost);
    await management('DELETE', `/api/queues/${vhost}/resurrected`);

    // The bus sees its consumer cancelled, reconnects and declares its queue again.
    await eventually(async () => {
      const queue = (await management('GET', `/api/queues/${vhost}/resurrected`)) as {
        consumers?: number;
      };
      expect(queue.consumers).toBe(1);
    });
    expect(bus.isConnected).toBe(true);
    const event = orderCreated();
    await probe.publish(event);
    await eventually(() => expect(handled).toEqual([event.eventId]));
  });
});

describe('when a delay queue was deleted by hand', () => {
  it('then the retry is not lost: the queue is declared again and the message comes back', async () => {
    let calls = 0;
    await startBus('lost-delay-queue', (b) =>
      b.subscribe('order.created', async () => {
        calls += 1;
        if (calls === 1) throw new Error('first attempt fails');
      }),
    );
    const vhost = encodeURIComponent(env.vhost);
    await management('DELETE', `/api/queues/${vhost}/lost-delay-queue.delay.1`);

    await probe.publish(orderCreated());
    // The retry copy bounced: nothing was acked, the bus reconnected and redeclared the delay
    // queue, and the redelivered message then succeeds.
    await eventually(() => expect(calls).toBeGreaterThanOrEqual(2));
    await eventually(async () => {
      const queue = (await management('GET', `/api/queues/${vhost}/lost-delay-queue.delay.1`)) as {
        name?: string;
      };
      expect(queue.name).toBe('lost-delay-queue.delay.1');
    });
  });
});

describe('when consuming is paused and resumed', () => {
  it('then nothing is taken while paused, and a queue deleted meanwhile is declared again on resume', async () => {
    const handled: string[] = [];
    const bus = await startBus('paused', (b) =>
      b.subscribe('order.created', async (event) => void handled.push(event.eventId)),
    );
    await bus.pause();
    const waiting = orderCreated();
    await probe.publish(waiting);
    const vhost = encodeURIComponent(env.vhost);
    await eventually(async () => {
      const queue = (await management('GET', `/api/queues/${vhost}/paused`)) as {
        messages?: number;
      };
      expect(queue.messages).toBe(1);
    });
    expect(handled).toEqual([]);

    await bus.resume();
    await eventually(() => expect(handled).toEqual([waiting.eventId]));

    await bus.pause();
    await management('DELETE', `/api/queues/${vhost}/paused`);
    await bus.resume(); // the consume fails on the missing queue: the bus rebuilds and redeclares
    const after = orderCreated();
    await eventually(async () => {
      await probe.publish(after);
      expect(handled).toContain(after.eventId);
    });
  });
});

describe('when a queue exists with other arguments than this version declares', () => {
  it('then a classic work queue of an earlier version is consumed as it is, with one line on how to migrate it', async () => {
    const service = 'classic-leftover';
    await declareClassicQueue(service);
    const lines = await consumesWithItsLogIn(service);
    const advice = lines.filter((line) => line.includes('npm run migrate-queues'));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toContain(
      `stop this service's instances and run: npm run migrate-queues -- ${service}`,
    );
  });

  it('then a delay queue of another version is used as it is, with one line on how to redeclare it, and the bus consumes', async () => {
    const service = 'delay-leftover';
    await declareClassicQueue(`${service}.delay.1`);
    const lines = await consumesWithItsLogIn(service);
    const advice = lines.filter((line) => line.includes('exists with other arguments'));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toContain(`Delay queue ${service}.delay.1`);
  });
});

async function declareClassicQueue(name: string): Promise<void> {
  const connection = await amqp.connect(env.rabbitmqUrl);
  try {
    await (await connection.createChannel()).assertQueue(name, { durable: true });
  } finally {
    await connection.close();
  }
}

/** Starts a bus for `service` and sees it consume an event; resolves with the lines it logged. */
async function consumesWithItsLogIn(service: string): Promise<string[]> {
  const lines: string[] = [];
  const received: string[] = [];
  const bus = await startBus(
    service,
    (b) => b.subscribe('order.created', async (event) => void received.push(event.eventId)),
    { logger: capturingLogger(lines) },
  );
  const event = orderCreated();
  await bus.publish(event);
  await eventually(() => expect(received).toContain(event.eventId));
  return lines;
}

/** A logger that writes into `lines`. */
function capturingLogger(lines: string[]): Logger {
  return winston.createLogger({
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())),
        }),
      }),
    ],
  });
}

describe('when the broker dead-letters a message for its delivery limit', () => {
  it('then the dead-letter listing shows it, with how often it was delivered', async () => {
    const bus = await startBus('delivery-limited', (b) =>
      b.subscribe('order.created', () => new Promise<void>(() => undefined)),
    );
    const event = orderCreated();
    await bus.publish(event);
    // What MAX_DELIVERIES crashes of a consumer amount to: the message returned unacked each time.
    await deadLetterAsTheBrokerDoes(env.rabbitmqUrl, {
      service: 'delivery-limited',
      queue: 'delivery-limited',
      event,
    });
    await eventually(async () => {
      const page = await bus.deadLetterQueue.list(10, 0);
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        eventId: event.eventId,
        routingKey: 'order.created',
        eventType: 'order.created',
        attempts: 5,
      });
      expect(page.items[0].error).toMatch(/Delivered 5 times without an ack/);
    });
  });
});
