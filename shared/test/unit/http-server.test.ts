import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../src/config/config';
import { HTTP_SERVER_TIMEOUTS, listen } from '../../src/lifecycle/http-server';
import { serviceSettings } from '../../src/lifecycle/service-settings';

/** Node's own http.Agent keeps an idle connection this long (undici, behind fetch, 4 s). */
const NODE_AGENT_IDLE_MS = 5_000;
/** nginx's upstream keep-alive and most cloud load balancers' idle timeout. */
const PROXY_IDLE_MS = 60_000;

let server: Server;

beforeAll(async () => {
  const app = express().get('/', (_req, res) => {
    res.json({});
  });
  server = await listen(app, 0);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('listen', () => {
  it('when a server is listening, then it has the timeouts chosen, not Node defaults', () => {
    expect({
      keepAliveTimeout: server.keepAliveTimeout,
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
    }).toEqual(HTTP_SERVER_TIMEOUTS);
  });

  it('when a client keeps its connection, then the server tells it how long it stays open: longer than the pools in front keep one idle', async () => {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    await response.json();
    const timeout = Number(/timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1]);
    expect(timeout * 1000).toBe(HTTP_SERVER_TIMEOUTS.keepAliveTimeout);
    expect(timeout * 1000).toBeGreaterThan(Math.max(NODE_AGENT_IDLE_MS, PROXY_IDLE_MS));
  });

  it('when the timeouts are compared, then headers outlast an idle connection and the request outlasts the headers', () => {
    const { keepAliveTimeout, headersTimeout, requestTimeout } = HTTP_SERVER_TIMEOUTS;
    expect(headersTimeout).toBeGreaterThan(keepAliveTimeout);
    expect(requestTimeout).toBeGreaterThanOrEqual(headersTimeout);
  });

  it('when a queue wait as long as the request timeout is set, then the settings refuse it: the server would cut such requests', () => {
    const settings = serviceSettings({ port: 3001, database: 'x' });
    const wait = (ms: number) => () =>
      loadConfig(settings, { env: { HTTP_MAX_QUEUE_WAIT_MS: String(ms) } });
    expect(wait(HTTP_SERVER_TIMEOUTS.requestTimeout)).toThrow(/HTTP_MAX_QUEUE_WAIT_MS/);
    expect(wait(10_000)).not.toThrow();
  });
});
