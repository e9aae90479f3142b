import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { AdmissionQueue } from '../../src/http/admission-queue';
import { createHttpApp } from '../../src/http/create-http-app';
import { apiDocsRouter } from '../../src/http/api-docs-routes';
import { serviceApiDocument } from '../../src/http/host-openapi';
import { listen } from '../../src/lifecycle/http-server';
import { createLogger } from '../../src/logging/logger';
import { ServiceMetrics } from '../../src/observability/metrics';
import { eventually } from '../../src/testing/eventually';
import { Gate } from '../../src/testing/gate';
import { metricValue } from '../../src/testing/metrics-text';

// Admission control as the app factory installs it, on a real listening server: one request in
// progress at most, one waiting, for 400 ms at most.

const LIMITS = { maxInProgress: 1, maxQueued: 1, maxQueueWaitMs: 400 };

const gate = new Gate();
/** Bodies the routes were given: a request turned away must never get that far. */
const received: unknown[] = [];

function thingsRouter(): Router {
  const router = Router();
  router.get('/held', async (_req, res) => {
    await gate.passage();
    res.json({ held: true });
  });
  router.post('/things', (req, res) => {
    received.push(req.body);
    res.status(201).json(req.body);
  });
  return router;
}

const metrics = new ServiceMetrics('things');
const app = createHttpApp({
  service: 'things',
  logger: createLogger({ service: 'things', level: 'silent' }),
  metrics,
  healthChecks: [],
  documents: [
    apiDocsRouter(
      serviceApiDocument({ service: 'things', version: '1', summary: 's', operations: [] }),
    ),
  ],
  routers: [thingsRouter()],
  admission: new AdmissionQueue(LIMITS),
});

let server: Server;
let base: string;

beforeAll(async () => {
  server = await listen(app, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  gate.open();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  gate.close();
});

afterEach(async () => {
  gate.open();
  await eventually(() => expect(admission()).toEqual({ inProgress: 0, queued: 0 }));
});

const admission = () => ({
  inProgress: metrics.httpAdmission?.inProgress,
  queued: metrics.httpAdmission?.queued,
});

const get = (path: string, signal?: AbortSignal) => fetch(`${base}${path}`, { signal });
const post = (body: string, signal?: AbortSignal) =>
  fetch(`${base}/api/things`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal,
  });

/** One request holding the only place, and (optionally) one waiting for it. */
async function fillUp({ queue }: { queue: boolean }) {
  const holding = get('/api/held');
  await eventually(() => expect(admission().inProgress).toBe(1));
  const waiting = queue ? post('{"n":1}') : undefined;
  if (queue) await eventually(() => expect(admission().queued).toBe(1));
  return { holding, waiting };
}

const shedCount = async (reason: string) =>
  metricValue(await metrics.registry.metrics(), 'http_requests_shed_total', { reason }) ?? 0;

describe('when every place is taken and the queue is full', () => {
  it('then the next request is answered 503 OVERLOADED at once, in the error shape with Retry-After, before its body is read', async () => {
    const { holding, waiting } = await fillUp({ queue: true });
    const shedBefore = await shedCount('queue-full');

    // Malformed JSON: a 400 would mean the body was parsed.
    const refused = await post('{"n": ');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-correlation-id')).toBeTruthy();
    expect(await refused.json()).toEqual({
      error: {
        code: 'OVERLOADED',
        message: 'The service is busy: too many requests are waiting; try again in 1 s',
      },
    });
    expect(received).toEqual([]);
    expect(await shedCount('queue-full')).toBe(shedBefore + 1);

    gate.open();
    expect((await holding).status).toBe(200);
    expect((await waiting)?.status).toBe(201);
    expect(received).toEqual([{ n: 1 }]);
  });

  it('then health, metrics and the API document still answer', async () => {
    await fillUp({ queue: true });
    expect((await get('/api/health')).status).toBe(200);
    expect((await get('/api/health/live')).status).toBe(200);
    expect((await get('/api/openapi.json')).status).toBe(200);
    const scrape = await (await get('/metrics')).text();
    expect(metricValue(scrape, 'http_requests_in_progress')).toBe(1);
    expect(metricValue(scrape, 'http_requests_queued')).toBe(1);
  });
});

describe('when a request waits longer than the longest wait', () => {
  it('then it is answered 503 OVERLOADED with Retry-After, and never reaches its route', async () => {
    await fillUp({ queue: false });
    const shedBefore = await shedCount('waited-too-long');
    const startedAt = Date.now();

    const refused = await post('{"n":2}');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LIMITS.maxQueueWaitMs - 50);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      error: {
        code: 'OVERLOADED',
        message: 'The service is busy: the request waited too long for its turn; try again in 1 s',
      },
    });
    expect(admission().queued).toBe(0);
    expect(await shedCount('waited-too-long')).toBe(shedBefore + 1);
    gate.open();
    await eventually(() => expect(admission().inProgress).toBe(0));
    expect(received).toEqual([]);
  });
});

describe('when clients go away', () => {
  it('then a waiting one leaves the queue at once, and its spot is free for the next', async () => {
    await fillUp({ queue: false });
    const client = new AbortController();
    const abandoned = post('{"n":3}', client.signal).catch((error: unknown) => error);
    await eventually(() => expect(admission().queued).toBe(1));

    client.abort();
    await abandoned;
    await eventually(() => expect(admission().queued).toBe(0));
    const next = post('{"n":4}');
    await eventually(() => expect(admission().queued).toBe(1));
    gate.open();
    expect((await next).status).toBe(201);
    expect(received).toEqual([{ n: 4 }]);
  });

  it('then one in progress gives its place back, though its route never answers it', async () => {
    const client = new AbortController();
    const abandoned = get('/api/held', client.signal).catch((error: unknown) => error);
    await eventually(() => expect(admission().inProgress).toBe(1));

    client.abort();
    await abandoned;
    await eventually(() => expect(admission().inProgress).toBe(0));
    expect((await post('{"n":5}')).status).toBe(201);
  });
});
