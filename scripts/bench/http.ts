import http from 'node:http';
import { ADMIN_TOKEN } from '@ecommerce/tests-e2e';

/** No request may hang a phase: one that takes this long has failed. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Reply<T> {
  status: number;
  body: T;
}

/**
 * A service closes a connection idle for 5 s (Node's default `keepAliveTimeout`); a request
 * written on it at that moment is reset (ECONNRESET, seen at the start of a phase after the
 * calibration's pause). The bench drops its own idle sockets sooner, so it never races the close.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * Keep-alive: each client's requests reuse its socket (64 is above the clients and the polls
 * together, so none waits for a socket). Node's own HTTP client, not `fetch`: on this machine `fetch` costs about 500 µs of CPU per request
 * against 80 µs, and the bench's clients share the two cores with the system they measure.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS });

/**
 * A JSON request to one of the services. Only loopback addresses are accepted: the bench loads
 * this machine's servers and nothing else.
 */
export async function request<T>(
  method: string,
  url: string,
  options: { body?: unknown; admin?: boolean } = {},
): Promise<Reply<T>> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const { status, text } = await send(method, url, jsonHeaders(body, options.admin), body);
  return { status, body: (text ? JSON.parse(text) : undefined) as T };
}

function jsonHeaders(body: string | undefined, admin = false): http.OutgoingHttpHeaders {
  return {
    ...(body !== undefined && {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    }),
    ...(admin && { authorization: `Bearer ${ADMIN_TOKEN}` }),
  };
}

/** What a request on a connection of its own came to, and when (`performance.now()`). */
export type Outcome =
  | { kind: 'answer'; status: number; retryAfter?: string; text: string; at: number }
  /** No answer: the connection was refused, reset, or timed out (`reason`: the error's code). */
  | { kind: 'failed'; reason: string; at: number };

/**
 * A JSON request built now and sent when the returned function is called, on a connection of
 * its own: `agent: false` gives it a fresh agent, so no socket is shared or kept alive (it asks
 * `Connection: close`) and no agent's socket limit queues it. It never rejects: a failure is an
 * outcome to count. (Each such request holds a file descriptor until answered: the burst phase
 * checks the process's limit before it sends thousands.)
 */
export function onOwnConnection(
  method: string,
  url: string,
  options: { body?: unknown } = {},
): () => Promise<Outcome> {
  assertLoopback(url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = jsonHeaders(body);
  return () =>
    new Promise((resolve) => {
      const failed = (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'failed', reason: error.code ?? error.message, at: performance.now() });
      const outgoing = http.request(url, { method, headers, agent: false }, (response) => {
        const chunks: string[] = [];
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => chunks.push(chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          const status = response.statusCode ?? 0;
          resolve({
            kind: 'answer',
            status,
            retryAfter,
            text: chunks.join(''),
            at: performance.now(),
          });
        });
        response.on('error', failed);
      });
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
        outgoing.destroy(Object.assign(new Error('no answer in time'), { code: 'timeout' })),
      );
      outgoing.on('error', failed);
      outgoing.end(body);
    });
}

/** Like `request`, but anything other than `expected` is an error naming the answer. */
export async function expectStatus<T>(
  expected: number,
  method: string,
  url: string,
  options: { body?: unknown; admin?: boolean } = {},
): Promise<T> {
  const reply = await request<T>(method, url, options);
  if (reply.status !== expected) {
    throw new Error(
      `${method} ${url} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  }
  return reply.body;
}

/** A GET whose answer is not JSON (Prometheus text); anything but 200 is an error. */
export async function requestText(url: string): Promise<string> {
  const { status, text } = await send('GET', url, {});
  if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
  return text;
}

/** The request and its whole answer; an error names the request and how long it took. */
function send(
  method: string,
  url: string,
  headers: http.OutgoingHttpHeaders,
  body?: string,
): Promise<{ status: number; text: string }> {
  assertLoopback(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(new Error(`${method} ${url} after ${Date.now() - started} ms: ${error.message}`));
    const outgoing = http.request(url, { method, headers, agent }, (response) => {
      const chunks: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: chunks.join('') }),
      );
      response.on('error', fail);
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new Error(`The bench only talks to 127.0.0.1, not ${hostname}`);
  }
}
