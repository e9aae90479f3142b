import http from 'node:http';
import https from 'node:https';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '@ecommerce/shared';

/** The services the console puts behind its one origin, by the path prefix they answer under. */
export const PROXIED_SERVICES = [
  'order-service',
  'inventory-service',
  'notification-service',
] as const;
export type ProxiedService = (typeof PROXIED_SERVICES)[number];

/** Headers that belong to one connection, not to the request: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** How long a service may take to answer before the console gives up on it. */
const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * The URL a request under `/<service>/…` goes to: the service's base URL with the prefix
 * removed (`/order-service/api/orders?x=1` → `<base>/api/orders?x=1`).
 */
export function upstreamUrl(baseUrl: string, pathAfterPrefix: string): URL {
  const base = new URL(baseUrl);
  const target = new URL(
    pathAfterPrefix.startsWith('/') ? pathAfterPrefix : `/${pathAfterPrefix}`,
    base,
  );
  // A base URL with a path of its own (behind another proxy, say) keeps it.
  const basePath = base.pathname.replace(/\/$/, '');
  target.pathname = `${basePath}${target.pathname}`;
  return target;
}

/** Request headers as the service gets them: the same, less the connection's own. */
export function forwardedHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const forwarded: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

/** The contract's error body for a service that does not answer. */
export function serviceUnavailableBody(service: ProxiedService) {
  return {
    error: {
      code: 'SERVICE_UNAVAILABLE',
      message: `${service} is not answering`,
      details: { service },
    },
  };
}

/**
 * Streams requests under `/<service>` to the service and its answers back, unchanged (the
 * Authorization header included: the console holds no token of its own). A service that refuses
 * the connection or does not answer in time gives a 503 naming it.
 */
export function serviceProxy(
  service: ProxiedService,
  baseUrl: string,
  logger: Logger,
): RequestHandler {
  return (request: Request, response: Response) => {
    const target = upstreamUrl(baseUrl, request.url);
    const client = target.protocol === 'https:' ? https : http;
    const upstream = client.request(target, {
      method: request.method,
      headers: forwardedHeaders(request.headers),
      timeout: UPSTREAM_TIMEOUT_MS,
    });
    upstream.on('response', (answer) => {
      const headers = forwardedHeaders(answer.headers);
      response.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(response);
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`${service} did not answer in time`)));
    upstream.on('error', (error) => {
      logger.warn('Service not answering', {
        service,
        path: target.pathname,
        error: error.message,
      });
      if (response.headersSent) {
        response.destroy(error);
        return;
      }
      response.status(503).json(serviceUnavailableBody(service));
    });
    request.pipe(upstream);
  };
}
