import { context, trace } from '@opentelemetry/api';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { Connection, Model } from 'mongoose';
import type { AnyEvent } from '../../src';
import { connectDatabase, createLogger, draftEvent } from '../../src';
import { aggregateSchema } from '../../src/aggregates/aggregate-schema';
import { AggregateStores } from '../../src/aggregates/aggregate-stores';
import type { TestEnvironment } from '../../src/testing';
import { createTestEnvironment, eventually } from '../../src/testing';

// With tracing on (a real SDK in this process), an event leaves in the trace of the change that
// caused it: also when the scan publishes it long after, and when one write carries the events
// of changes from several traces (group commit).

const sdk = new NodeSDK({
  spanProcessors: [new tracing.SimpleSpanProcessor(new tracing.InMemorySpanExporter())],
  instrumentations: [],
  metricReaders: [],
  logRecordProcessors: [],
});
const tracer = trace.getTracer('store-tracing-test');
const logger = createLogger({ service: 'store-tracing-test', level: 'silent' });

interface Counter {
  count: number;
}

/** Records each event with the trace id active when it was handed over; can be down. */
class TracingPublisher {
  readonly published: Array<{ event: AnyEvent; traceId?: string }> = [];
  down = false;
  async publish(event: AnyEvent): Promise<void> {
    if (this.down) throw new Error('broker down');
    this.published.push({ event, traceId: trace.getSpanContext(context.active())?.traceId });
  }
}

let env: TestEnvironment;
let db: Connection;
let model: Model<Counter>;
let stores: AggregateStores;
const publisher = new TracingPublisher();
const commands: string[] = [];

beforeAll(async () => {
  sdk.start();
  env = await createTestEnvironment('store-tracing');
  db = await connectDatabase(env.mongodbUri('store'), logger, {
    onCommand: (name) => commands.push(name),
  });
  model = db.model<Counter>(
    'Counter',
    aggregateSchema<Counter>({ count: Number }, { collection: 'counters' }),
  );
  await db.syncIndexes();
  stores = new AggregateStores({ publisher, logger, pollIntervalMs: 60_000 });
});

afterAll(async () => {
  await stores?.stop();
  await db?.close();
  await env?.dispose();
  await sdk.shutdown();
});

const event = (id: string) =>
  draftEvent({
    eventType: 'inventory.status.updated',
    source: 'store-tracing-test',
    aggregateId: id,
    correlationId: `c-${id}`,
    data: { orderId: id, status: 'SUCCESS' },
  });

/** Runs `work` in a new trace and returns that trace's id. */
async function inNewTrace(work: () => Promise<unknown>): Promise<string> {
  return tracer.startActiveSpan('change', { root: true }, async (span) => {
    await work();
    span.end();
    return span.spanContext().traceId;
  });
}

const publishedTraceOf = (aggregateId: string) =>
  publisher.published.filter(({ event }) => event.aggregateId === aggregateId);

it('when the broker is down as an event is written, then the scan publishes it in the trace of its change', async () => {
  const store = stores.define<Counter>(model.collection);
  publisher.down = true;
  const traceId = await inNewTrace(() => store.create('late', { count: 0 }, [event('late')]));
  const stored = await model.collection.findOne({ _id: 'late' } as never);
  expect(stored?.outbox[0].trace.traceparent).toContain(traceId);

  publisher.down = false;
  await stores.scan();
  await eventually(() =>
    expect(publishedTraceOf('late')).toEqual([expect.objectContaining({ traceId })]),
  );
});

it('when changes from three traces are written together, then each event leaves in its own trace', async () => {
  const store = stores.define<Counter>(model.collection);
  await store.create('shared', { count: 0 });
  const increment = (state: Counter) => ({
    next: { count: state.count + 1 },
    events: [event('shared')],
  });

  // They queue behind the write in progress and share writes (group commit): fewer than three.
  const writesBefore = commands.filter((name) => name === 'update').length;
  const traceIds = await Promise.all(
    [1, 2, 3].map(() => inNewTrace(() => store.update('shared', increment))),
  );
  expect(commands.filter((name) => name === 'update').length - writesBefore).toBeLessThan(3);

  await eventually(() => expect(publishedTraceOf('shared')).toHaveLength(3));
  expect(new Set(traceIds).size).toBe(3);
  expect(
    publishedTraceOf('shared')
      .map(({ traceId }) => traceId)
      .sort(),
  ).toEqual([...traceIds].sort());
});
