import { ADMIN_TOKEN } from '../../tests-e2e/support/system';

/** No request may hang a phase: one that takes this long has failed. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Reply<T> {
  status: number;
  body: T;
}

/**
 * A JSON request to one of the services. Only loopback addresses are accepted: the bench loads
 * this machine's servers and nothing else.
 */
export async function request<T>(
  method: string,
  url: string,
  options: { body?: unknown; admin?: boolean } = {},
): Promise<Reply<T>> {
  assertLoopback(url);
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method,
      headers: {
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.admin && { authorization: `Bearer ${ADMIN_TOKEN}` }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  } catch (error) {
    // fetch's own errors ("fetch failed", a timeout) do not say which request they were.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${method} ${url} after ${Date.now() - started} ms: ${reason}`);
  }
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
  assertLoopback(url);
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return text;
}

function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new Error(`The bench only talks to 127.0.0.1, not ${hostname}`);
  }
}
