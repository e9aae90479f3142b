import { ADMIN_TOKEN } from './system';

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A small JSON client for the running services, with the admin token on request. Bodies are
 * untyped by default: the tests read deep into them, and typing them would restate the contract.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(
  method: string,
  url: string,
  options: {
    body?: unknown;
    admin?: boolean;
    headers?: Record<string, string>;
    /** Fail (AbortSignal's TimeoutError) when no answer came within this long. */
    timeoutMs?: number;
  } = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method,
    ...(options.timeoutMs !== undefined && { signal: AbortSignal.timeout(options.timeoutMs) }),
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.admin && { authorization: `Bearer ${ADMIN_TOKEN}` }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}
