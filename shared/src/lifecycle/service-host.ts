import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Router } from 'express';
import type { Connection } from 'mongoose';
import type { ServiceConfig } from '../config/config';
import { connectDatabase, hasAtomicUpdates, isDatabaseUp } from '../database/connect-database';
import { createHttpApp } from '../http/create-http-app';
import type { HealthCheck } from '../http/health';
import { upOrDown } from '../http/health';
import { ServiceMetrics } from '../http/metrics';
import { AggregateStores } from '../aggregates/aggregate-stores';
import type { Logger } from '../logging/logger';
import { flushTracing } from '../observability/tracing-lifecycle';
import { apiDocsRouter } from '../http/api-docs-routes';
import type { OpenApiDocument } from '../http/openapi';
import { createLogger, errorFields } from '../logging/logger';
import { DeadLetterIndex } from '../messaging/dead-letters';
import { deadLetterRouter } from '../messaging/dead-letter-routes';
import type { EventBus } from '../messaging/event-bus';
import { settlesWithin } from '../concurrency/timing';
import { RabbitEventBus } from '../messaging/rabbit-event-bus';

/** What the host builds for every service before the service adds its own parts. */
export interface ServiceInfrastructure<C extends ServiceConfig = ServiceConfig> {
  config: C;
  logger: Logger;
  db: Connection;
  bus: EventBus;
  metrics: ServiceMetrics;
  /** Where the service defines the store of each of its aggregates: its only write path. */
  stores: Pick<AggregateStores, 'define'>;
}

/** What a service adds: its routes, and hooks into start-up and clean-up. */
export interface ServiceParts {
  routers: Router[];
  /** The service's API document: served at /api/openapi.json, with Swagger UI at /api/docs. */
  apiDocument: OpenApiDocument;
  healthChecks?: HealthCheck[];
  /** Runs after the database is connected and before traffic (seeding, for instance). */
  onStart?: () => Promise<void>;
  /** Deletes the service's own records older than the retention (idempotency keys, say). */
  prune?: (cutoff: Date) => Promise<void>;
}

/**
 * How the instances of a service share its queue. `competing`: all consume at once. For a
 * service whose handlers rely on the database applying a conditional update atomically:
 * `one-at-a-time-without-atomic-updates`, competing on MongoDB, and on a database that applies
 * an update by reading and writing back (FerretDB) one instance at a time, the others standing
 * by (RabbitMQ's single active consumer).
 */
export type ConsumerPolicy = 'competing' | 'one-at-a-time-without-atomic-updates';

export interface ServiceDefinition<C extends ServiceConfig> {
  name: string;
  config: C;
  /** Default `competing`. */
  consumers?: ConsumerPolicy;
  /** Wires the service: builds repositories, subscribes handlers, returns routers. */
  compose: (infrastructure: ServiceInfrastructure<C>) => ServiceParts | Promise<ServiceParts>;
}

export interface RunningService {
  name: string;
  app: Express;
  server: Server;
  port: number;
  db: Connection;
  bus: RabbitEventBus;
  logger: Logger;
  metrics: ServiceMetrics;
  shutdownTimeoutMs: number;
  /** Deletes the service's own old records (idempotency keys, say), as if `now` were the time. */
  prune: (now?: Date) => Promise<void>;
  /** Graceful stop: no new requests or messages, finish what is in hand, close everything. */
  stop: () => Promise<void>;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Starts a service the same way for all three: database, event bus, the service's parts and
 * their aggregate stores (outbox publication included), periodic pruning, HTTP. The broker may be down at start-up: the service still serves
 * (health says `degraded`) and connects when it can.
 */
export async function startService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<RunningService> {
  const { name, config } = definition;
  const logger = createLogger({ service: name, level: config.logLevel });
  const metrics = new ServiceMetrics(name);
  const db = await connectDatabase(config.mongodbUri, logger, {
    onCommand: (command) => metrics.dbCommands.inc({ command }),
  });
  const singleActiveConsumer =
    definition.consumers === 'one-at-a-time-without-atomic-updates' &&
    !(await hasAtomicUpdates(db));
  if (singleActiveConsumer) {
    logger.info(
      'One instance consumes at a time (single active consumer): this database applies an update by reading and writing back, so concurrent instances could both apply conflicting ones',
    );
  }
  const bus = new RabbitEventBus({
    url: config.rabbitmqUrl,
    service: name,
    exchange: config.eventExchange,
    prefetch: config.prefetch,
    maxAttempts: config.maxAttempts,
    retryBaseDelayMs: config.retryBaseDelayMs,
    maxDeliveries: config.maxDeliveries,
    singleActiveConsumer,
    reconnectMaxDelayMs: config.reconnectMaxDelayMs,
    logger,
    deadLetterIndex: new DeadLetterIndex(db),
    metrics,
  });
  const stores = new AggregateStores({
    publisher: bus,
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
  });

  metrics.deadLetterQueueDepth = () => bus.deadLetterQueue.depth();
  metrics.outboxPending = () => stores.unconfirmedEvents;
  const parts = await definition.compose({
    config,
    logger,
    db,
    bus,
    metrics,
    stores,
  });
  await db.syncIndexes();
  await parts.onStart?.();
  bus.start();
  stores.start();
  // Handlers need the database: while it is away, leave the messages in the broker.
  db.on('disconnected', () => void bus.pause());
  db.on('reconnected', () => void bus.resume());
  db.on('connected', () => void bus.resume());

  // No TTL indexes on FerretDB: records past the retention are deleted by the service itself.
  const prune = async (now = new Date()) => {
    const cutoff = new Date(now.getTime() - config.retentionHours * 3_600_000);
    await parts.prune?.(cutoff);
  };
  const pruneTimer = setInterval(
    () =>
      void prune().catch((error: unknown) =>
        logger.warn('Pruning old records failed', errorFields(error)),
      ),
    PRUNE_INTERVAL_MS,
  ).unref();

  let draining = false;
  const app = createHttpApp({
    isDraining: () => draining,
    service: name,
    logger,
    metrics,
    healthChecks: [
      { name: 'mongodb', critical: true, status: () => upOrDown(isDatabaseUp(db)) },
      { name: 'rabbitmq', critical: true, status: () => upOrDown(bus.isConnected) },
      ...(parts.healthChecks ?? []),
    ],
    routers: [
      apiDocsRouter(parts.apiDocument),
      ...parts.routers,
      deadLetterRouter(bus.deadLetterQueue, config.adminToken),
    ],
  });
  const server = await listen(app, config.port);
  const port = (server.address() as AddressInfo).port;
  logger.info('Service started', { port });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('Stopping');
      draining = true;
      clearInterval(pruneTimer);
      // 40 % of the budget for handlers in progress, 20 % each for requests and the last outbox
      // publishes, the rest for closing; what is cut short is redelivered or republished later.
      const budgetMs = config.shutdownTimeoutMs;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await bus.stopConsuming(budgetMs * 0.4);
      if (!(await settlesWithin(serverClosed, budgetMs * 0.2))) server.closeAllConnections();
      if (!(await settlesWithin(stores.stop(), budgetMs * 0.2))) {
        logger.warn('Outbox not flushed at shutdown; it is published after the restart');
      }
      await bus.close();
      await db.close();
      logger.info('Stopped');
    })());

  return {
    name,
    app,
    server,
    port,
    db,
    bus,
    logger,
    metrics,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    prune,
    stop,
  };
}

function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * The process around a service: starts it, stops it gracefully on SIGTERM or SIGINT (exit 0, or 1
 * if that takes longer than the timeout), and exits on errors nothing handled.
 */
export function runService(name: string, start: () => Promise<RunningService>): void {
  const fallbackLogger = createLogger({ service: name });
  let running: RunningService | undefined;

  const shutdown = async (signal: string) => {
    const logger = running?.logger ?? fallbackLogger;
    logger.info('Shutdown requested', { signal });
    const timeoutMs = running?.shutdownTimeoutMs ?? 0;
    const timer = setTimeout(() => {
      logger.error('Shutdown took too long, exiting', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    try {
      await running?.stop();
      await flushTracing();
      process.exit(0);
    } catch (error) {
      logger.error('Shutdown failed', errorFields(error));
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  // A programmer error leaves the process in an unknown state: log it and let the supervisor
  // (docker, the start script) start a fresh one. Unacked messages are redelivered.
  const crash = (kind: string) => (error: unknown) => {
    (running?.logger ?? fallbackLogger).error(kind, errorFields(error));
    process.exit(1);
  };
  process.on('uncaughtException', crash('Uncaught exception'));
  process.on('unhandledRejection', crash('Unhandled promise rejection'));

  start().then((service) => (running = service), crash('Service failed to start'));
}
