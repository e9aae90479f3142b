import { EventProbe, eventually } from '@ecommerce/shared/testing';
import { TestSmsGateway } from '../services/notification-service/test/support/test-mail-servers';
import { call } from './support/http';
import type { ReceivedSpan } from './support/otlp-receiver';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { publishOrderServicePoison } from './support/poison';
import type { ServiceName } from './support/system';
import { SERVICES, System } from './support/system';

/**
 * Tracing on, by the standard variables only: the three services export to a real OTLP/HTTP
 * receiver, and one order is one trace from the order service's POST to the notification,
 * through the outbox, the broker, a retry and a dead-letter replay.
 */
let receiver: OtlpReceiver;
let gateway: TestSmsGateway;
let system: System;
let probe: EventProbe;

const tracingEnv = (endpoint: string): Record<string, string> => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '100',
});

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  gateway = await TestSmsGateway.start();
  const env = Object.fromEntries(SERVICES.map((name) => [name, tracingEnv(receiver.endpoint)]));
  env['notification-service'] = { ...env['notification-service'], SMS_WEBHOOK_URL: gateway.url };
  system = await System.start('e2e-tracing', { env });
  probe = await EventProbe.connect(system.env.rabbitmqUrl, 'ecommerce.events');
});

afterAll(async () => {
  await probe?.close();
  await system?.stop();
  await gateway?.stop();
  await receiver?.close();
});

async function placeOrder(headers: Record<string, string> = {}, phone?: string) {
  const productId = await system.createProduct(10, 10);
  const placed = await call('POST', system.orders(), {
    headers,
    body: {
      userId: 'tracing',
      products: [{ productId, quantity: 1 }],
      totalPrice: 10,
      contact: { email: 'trace@example.com', ...(phone && { phone }) },
    },
  });
  expect(placed.status).toBe(201);
  return placed.headers.get('x-correlation-id') as string;
}

/**
 * The order service's server span of the POST that placed an order, found through the order's
 * correlation id: the producer span of its `order.created` carries it (messaging.conversation_id).
 */
async function postSpanOf(correlationId: string): Promise<ReceivedSpan> {
  return eventually(async () => {
    const published = receiver.spans.find(
      (span) =>
        span.kind === SpanKind.PRODUCER &&
        span.attributes['messaging.conversation_id'] === correlationId,
    );
    const post = receiver
      .trace(published?.traceId ?? '')
      .find((span) => span.service === 'order-service' && span.kind === SpanKind.SERVER);
    if (!post) throw new Error(`No POST span for the order of ${correlationId} yet`);
    expect(post.attributes['http.route'] ?? post.name).toContain('/api/orders');
    return post;
  });
}

/** Waits until the trace holds a consumer span in each of the services, and returns it. */
function traceThroughAllServices(traceId: string, consumers: Partial<Record<ServiceName, number>>) {
  return eventually(async () => {
    const spans = receiver.trace(traceId);
    for (const [service, count] of Object.entries(consumers)) {
      const consumed = spans.filter((s) => s.service === service && s.kind === SpanKind.CONSUMER);
      expect({ service, consumers: consumed.length }).toEqual({ service, consumers: count });
    }
    return spans;
  });
}

function expectOneTree(spans: ReceivedSpan[], root: ReceivedSpan): void {
  const ids = new Set(spans.map((span) => span.spanId));
  const orphans = spans.filter((span) => span !== root && !ids.has(span.parentSpanId));
  expect(orphans.map((span) => `${span.service} ${span.name}`)).toEqual([]);
}

describe('when an order is placed with tracing on', () => {
  it('then its spans from all three services form one trace whose root is the POST', async () => {
    const correlationId = await placeOrder();
    const post = await postSpanOf(correlationId);
    expect(post.parentSpanId).toBe('');

    // The inventory takes order.created, and order.status.updated to settle its reservation.
    const spans = await traceThroughAllServices(post.traceId, {
      'inventory-service': 2,
      'order-service': 1,
      'notification-service': 1,
    });
    expectOneTree(spans, post);
    const producers = spans.filter((span) => span.kind === SpanKind.PRODUCER);
    expect(
      new Set(producers.map((span) => span.attributes['messaging.rabbitmq.routing_key'])),
    ).toEqual(new Set(['order.created', 'inventory.status.updated', 'order.status.updated']));
    // The database calls of a handler are children of its consumer span.
    const inventoryConsumer = spans.find(
      (span) => span.service === 'inventory-service' && span.kind === SpanKind.CONSUMER,
    );
    const inventoryDb = spans.filter(
      (span) =>
        span.service === 'inventory-service' &&
        (span.attributes['db.system.name'] ?? span.attributes['db.system']) === 'mongodb',
    );
    expect(inventoryDb.length).toBeGreaterThan(0);
    expect(inventoryDb.some((span) => span.parentSpanId === inventoryConsumer?.spanId)).toBe(true);
  });

  it("then a caller's traceparent makes the POST a child of the caller's span", async () => {
    const traceId = 'a'.repeat(24) + Date.now().toString(16).padStart(8, '0').slice(-8);
    const callerSpanId = 'b'.repeat(16);
    const correlationId = await placeOrder({ traceparent: `00-${traceId}-${callerSpanId}-01` });

    const post = await postSpanOf(correlationId);
    expect(post.traceId).toBe(traceId);
    expect(post.parentSpanId).toBe(callerSpanId);
    await traceThroughAllServices(traceId, { 'notification-service': 1 });
  });

  it('then its log lines carry the trace and span ids beside the correlation id', async () => {
    const correlationId = await placeOrder();
    const post = await postSpanOf(correlationId);
    await eventually(async () => {
      const lines = system.services['inventory-service']
        .logs()
        .split('\n')
        .filter((line) => line.includes(post.traceId));
      expect(lines.length).toBeGreaterThan(0);
      const line = JSON.parse(lines[0]) as Record<string, unknown>;
      expect(line).toMatchObject({ traceId: post.traceId, service: 'inventory-service' });
      expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(line.correlationId).toEqual(expect.any(String));
    });
  });
});

describe('when a message is retried once', () => {
  it('then both deliveries belong to the trace of the order', async () => {
    gateway.failNext(1);
    const correlationId = await placeOrder({}, '+4915112345678');
    const post = await postSpanOf(correlationId);

    // order.status.updated: delivered, failed (the gateway answered 503), retried, delivered.
    const spans = await traceThroughAllServices(post.traceId, { 'notification-service': 2 });
    expect(gateway.received.length).toBeGreaterThanOrEqual(2);
    expectOneTree(spans, post);
  });
});

describe('when a dead letter is replayed', () => {
  it('then the replayed delivery continues the trace of its first one', async () => {
    const eventId = await publishOrderServicePoison(probe, 'e2e-tracing');
    const first = await eventually(async () => {
      const span = receiver.spans.find(
        (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message_id'] === eventId,
      );
      if (!span) throw new Error('Not consumed yet');
      return span;
    });
    await eventually(async () => {
      const listed = await call('GET', `${system.url('order-service')}/api/admin/dlq`, {
        admin: true,
      });
      expect(listed.body.items.map((item: { eventId: string }) => item.eventId)).toContain(eventId);
    });

    const replayed = await call('POST', `${system.url('order-service')}/api/admin/dlq/replay`, {
      admin: true,
      body: { eventIds: [eventId] },
    });
    expect(replayed.body).toEqual({ replayed: 1 });

    await eventually(async () => {
      const deliveries = receiver
        .trace(first.traceId)
        .filter(
          (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message_id'] === eventId,
        );
      expect(deliveries).toHaveLength(2);
    });
  });
});

describe('when the exporter speaks http/protobuf (the default protocol)', () => {
  it('then the spans arrive in protobuf, named by the service', async () => {
    const protobufReceiver = await OtlpReceiver.start();
    const tracedAlone = await System.start('e2e-tracing-proto', {
      env: {
        'order-service': {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${protobufReceiver.endpoint}/v1/traces`,
          OTEL_SERVICE_NAME: 'orders-traced',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      },
    });
    try {
      const placed = await call('GET', tracedAlone.orders('?limit=1'));
      expect(placed.status).toBe(200);
      await eventually(async () => {
        expect(protobufReceiver.contentTypes).toContain('application/x-protobuf');
        expect(
          protobufReceiver.spans.some(
            (s) => s.service === 'orders-traced' && s.kind === SpanKind.SERVER,
          ),
        ).toBe(true);
      });
      // Health checks and metric scrapes make no traces.
      await call('GET', `${tracedAlone.url('order-service')}/api/health`);
      expect(
        protobufReceiver.spans.some((s) =>
          String(s.attributes['http.target'] ?? s.attributes['url.path']).includes('/api/health'),
        ),
      ).toBe(false);
    } finally {
      await tracedAlone.stop();
      await protobufReceiver.close();
    }
  });
});
