/**
 * A consumer process for the delivery-limit test: the shared library's bus on the queue of
 * SERVICE, handling order.created. An order whose id starts with "poison" kills the process
 * (SIGKILL, a moment after it arrived: what a handler that crashes its process does); any other
 * is handled and printed as `handled <orderId>`. Prints `consuming` once it consumes.
 */
import { connectDatabase, createLogger, RabbitEventBus, ServiceMetrics } from '../../src';
import { DeadLetterIndex } from '../../src/messaging/dead-letters';

const POISON_KILLS_AFTER_MS = 300;

async function main(): Promise<void> {
  const service = required('SERVICE');
  const logger = createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const db = await connectDatabase(required('MONGODB_URI'), logger);
  const bus = new RabbitEventBus({
    url: required('RABBITMQ_URL'),
    service,
    exchange: required('EVENT_EXCHANGE'),
    prefetch: 10,
    maxAttempts: 3,
    retryBaseDelayMs: 100,
    maxDeliveries: Number(required('MAX_DELIVERIES')),
    logger,
    deadLetterIndex: new DeadLetterIndex(db),
    metrics: new ServiceMetrics(service),
  });
  bus.subscribe('order.created', async (event) => {
    if (event.data.orderId.startsWith('poison')) {
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), POISON_KILLS_AFTER_MS);
      await new Promise(() => undefined); // never finishes: the process dies first
    }
    process.stdout.write(`handled ${event.data.orderId}\n`);
  });
  bus.start();
  await bus.whenConnected();
  process.stdout.write('consuming\n');
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

void main();
