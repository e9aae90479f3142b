import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestEnvironment } from '../../src/testing';
import { peek as peekAt, readyIn as readyInQueue } from '../support/queues';
import {
  createTestEnvironment,
  EventProbe,
  eventually,
  orderCreatedEvent,
} from '../../src/testing';

/**
 * A message whose handling kills its consumer process, on every delivery: the quorum work queue
 * counts the deliveries and, after MAX_DELIVERIES, the broker moves the message to the
 * dead-letter queue, while the other messages are handled. Real processes (SIGKILL), a real
 * broker; the test restarts the consumer each time it dies, as a supervisor would.
 */
const SERVICE = 'crashing-consumer';
const EXCHANGE = 'ecommerce.events';
const MAX_DELIVERIES = 3;
const CONSUMER = path.resolve(__dirname, '../support/crashing-consumer.ts');

let env: TestEnvironment;
let probe: EventProbe;

beforeAll(async () => {
  env = await createTestEnvironment('delivery-limit');
  probe = await EventProbe.connect(env.rabbitmqUrl, EXCHANGE, []);
});

/** Every consumer process started, so that a failing test leaves none running. */
const started = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await probe?.close();
  await env?.dispose();
});

interface Consumer {
  child: ChildProcess;
  /** The orders it handled so far (it prints each one). */
  handled: string[];
  /** Resolves once it consumes; rejects if it exits first. */
  consuming: Promise<void>;
  exited: Promise<void>;
  gone: () => boolean;
}

function runConsumer(): Consumer {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CONSUMER], {
    env: {
      ...process.env,
      SERVICE,
      RABBITMQ_URL: env.rabbitmqUrl,
      MONGODB_URI: env.mongodbUri(SERVICE),
      EVENT_EXCHANGE: EXCHANGE,
      MAX_DELIVERIES: String(MAX_DELIVERIES),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.add(child);
  const handled: string[] = [];
  let signalConsuming = () => undefined as void;
  const consuming = new Promise<void>((resolve) => (signalConsuming = resolve));
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'consuming') signalConsuming();
      if (line.startsWith('handled ')) handled.push(line.slice('handled '.length));
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const consumingOrExit = Promise.race([
    consuming,
    exited.then(() => Promise.reject(new Error('The consumer exited before consuming'))),
  ]);
  consumingOrExit.catch(() => undefined); // awaited by the callers that need it
  return {
    child,
    handled,
    consuming: consumingOrExit,
    exited,
    gone: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Messages ready in a queue, as the broker counts them. */
const readyIn = (queue: string) => readyInQueue(env.rabbitmqUrl, queue);

describe('when a message kills its consumer process on every delivery', () => {
  it(`then after ${MAX_DELIVERIES} deliveries the broker dead-letters it, and the other messages are handled`, async () => {
    // A first run declares the queues.
    const first = runConsumer();
    await first.consuming;
    first.child.kill('SIGTERM');
    await first.exited;

    const poison = orderCreatedEvent('poison-1', [{ productId: 'p', quantity: 1 }]);
    const others = ['a', 'b', 'c', 'd'].map((id) => `order-${id}`);
    await probe.publish(poison);
    for (const orderId of others) {
      await probe.publish(orderCreatedEvent(orderId, [{ productId: 'p', quantity: 1 }]));
    }

    const handled = new Set<string>();
    let deaths = 0;
    const settled = async () => {
      expect(await readyIn(`${SERVICE}.dlq`)).toBe(1);
      expect([...handled].sort()).toEqual(others);
    };
    // A supervisor's loop: the consumer is started again each time it dies.
    while (deaths <= MAX_DELIVERIES) {
      const consumer = runConsumer();
      const died = await Promise.race([
        consumer.exited.then(() => true),
        eventually(
          async () => {
            if (consumer.gone()) return; // the race is decided: stop polling
            consumer.handled.forEach((orderId) => handled.add(orderId));
            await settled();
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        ).then(() => false),
      ]);
      consumer.handled.forEach((orderId) => handled.add(orderId));
      if (!died) {
        consumer.child.kill('SIGTERM');
        await consumer.exited;
        break;
      }
      deaths += 1;
    }

    expect(deaths).toBe(MAX_DELIVERIES);
    await settled();
    const [deadLetter] = await peek(`${SERVICE}.dlq`);
    expect(deadLetter.properties.messageId).toBe(poison.eventId);
    const [death] = deadLetter.properties.headers?.['x-death'] as Array<{ reason: string }>;
    expect(death.reason).toBe('delivery_limit');
  }, 120_000);
});

/** The messages in a queue, put back afterwards. */
const peek = (queue: string) => peekAt(env.rabbitmqUrl, queue);
