import type { Server, ServerOptions } from 'node:http';
import { createServer } from 'node:http';
import type { Express } from 'express';

/**
 * Connections the kernel may hold for the service before it accepts them. Node's default (511)
 * overflowed under a burst of 2,000 clients connecting at once: the dropped connection attempts
 * were retried by the clients' kernels 1, 3, 7 and 15 s later, and those clients waited that
 * long for an answer. The kernel caps it at net.core.somaxconn (4096 on current Linux).
 */
export const LISTEN_BACKLOG = 4096;

/** How long the server waits on its clients; Node checks that headersTimeout ≤ requestTimeout. */
export const HTTP_SERVER_TIMEOUTS = {
  // An idle kept-alive connection outlives the idle time of the pools in front (Node's agent 5 s,
  // nginx and load balancers 60 s): they close it first, never sending on one being closed (a reset).
  keepAliveTimeout: 65_000,
  // Above keepAliveTimeout, Node's old rule (before 18 it timed headers from the connection's
  // start, cutting a kept-alive connection's late request); it still ends slow-header attacks.
  headersTimeout: 66_000,
  // A whole request (at most 100 kB) within the same time. For a body larger than the socket's
  // buffers it includes the wait for admission (HTTP_MAX_QUEUE_WAIT_MS, at most 30 s).
  requestTimeout: 66_000,
} satisfies ServerOptions;

export function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(HTTP_SERVER_TIMEOUTS, app).listen({
      port,
      backlog: LISTEN_BACKLOG,
    });
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
