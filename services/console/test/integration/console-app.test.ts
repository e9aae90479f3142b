import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createLogger } from '@ecommerce/shared';
import { createConsoleApp } from '../../src/server/console-app';

/**
 * The console's server over real HTTP: a stand-in service that echoes what it got, and a port
 * where nothing answers. (The whole console against the real services is in
 * tests-e2e/console.test.ts.)
 */
let upstream: http.Server;
let upstreamUrl: string;
let deadUrl: string;
let webRoot: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.writeHead(req.url === '/api/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const dead = http.createServer();
  dead.listen(0, '127.0.0.1');
  await once(dead, 'listening');
  deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  dead.close();

  webRoot = mkdtempSync(path.join(tmpdir(), 'console-web-'));
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>console</title>');
});

afterAll(() => {
  upstream.close();
  rmSync(webRoot, { recursive: true, force: true });
});

const app = () =>
  createConsoleApp({
    config: {
      orderServiceUrl: upstreamUrl,
      inventoryServiceUrl: upstreamUrl,
      notificationServiceUrl: deadUrl,
    },
    logger: createLogger({ service: 'console', level: 'silent' }),
    webRoot,
  });

describe('the proxy', () => {
  it('when the page calls /order-service/api/…, then the order service gets /api/… with the query, body and token unchanged', async () => {
    const response = await request(app())
      .post('/order-service/api/orders?x=1')
      .set('authorization', 'Bearer the-token')
      .set('idempotency-key', 'key-1')
      .send({ userId: 'u1' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      method: 'POST',
      url: '/api/orders?x=1',
      body: JSON.stringify({ userId: 'u1' }),
      headers: { authorization: 'Bearer the-token', 'idempotency-key': 'key-1' },
    });
  });

  it('when the service answers an error, then its status and body come back as they are', async () => {
    const response = await request(app()).get('/inventory-service/api/missing');

    expect(response.status).toBe(404);
    expect(response.body.url).toBe('/api/missing');
  });

  it('when the service does not answer, then the console answers 503 naming it', async () => {
    const response = await request(app()).get('/notification-service/api/templates');

    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'notification-service is not answering',
        details: { service: 'notification-service' },
      },
    });
  });
});

describe('the page', () => {
  it.each(['/', '/inventory', '/dead-letters'])(
    'when %s is loaded directly, then the page comes',
    async (route) => {
      const response = await request(app()).get(route);

      expect(response.status).toBe(200);
      expect(response.text).toContain('<title>console</title>');
    },
  );

  it('when an unknown path is asked for, then it is a 404 in the error shape', async () => {
    const response = await request(app()).get('/no-such-page');

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('when the page was never built, then the server refuses to start and says how to build it', () => {
    expect(() =>
      createConsoleApp({
        config: {
          orderServiceUrl: upstreamUrl,
          inventoryServiceUrl: upstreamUrl,
          notificationServiceUrl: upstreamUrl,
        },
        logger: createLogger({ service: 'console', level: 'silent' }),
        webRoot: path.join(webRoot, 'nothing-here'),
      }),
    ).toThrow(/npm run build/);
  });
});
