import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import { AggregateStores } from '../aggregates/aggregate-stores';
import { settlesWithin } from '../concurrency/timing';
import type { ServiceConfig } from './service-settings';
import { connectDatabase, isDatabaseUp } from '../database/connect-database';
import {
  needsSingleActiveConsumer,
  PRUNE_INTERVAL_MS,
  readDatabaseCapabilities,
} from '../database/database-capabilities';
import { apiDocsRouter } from '../http/api-docs-routes';
import { AdmissionQueue } from '../http/admission-queue';
import { createHttpApp } from '../http/create-http-app';
import { upOrDown } from '../http/health';
import { ServiceMetrics } from '../observability/metrics';
import type { Logger } from '../logging/logger';
import { createLogger } from '../logging/logger';
import { deadLetterRouter } from '../http/dead-letter-routes';
import { DeadLetterIndex } from '../messaging/dead-letters';
import { afterForeground } from '../messaging/event-bus';
import { RabbitEventBus } from '../messaging/rabbit-event-bus';
import { listen } from './http-server';
import type { PeriodicTask } from './periodic-task';
import { runPeriodically } from './periodic-task';
import type { RunningService, ServiceDefinition, ServiceParts } from './service-definition';
import { StartedSteps } from './started-steps';

// Shares of SHUTDOWN_TIMEOUT_MS; the rest (20 %) is for closing the bus and the database.
const HANDLERS_SHARE = 0.4;
const REQUESTS_EXTRA_SHARE = 0.2;
const OUTBOX_SHARE = 0.2;

/**
 * Starts a service the same way for all three, as named steps that stop in reverse order:
 * database → event bus → the service's parts → indexes and seeding → outbox publication →
 * periodic tasks (pruning, the service's own) → taking work (messages and requests). Shutdown thus stops taking messages and
 * requests first, at the same moment, and closes the database last. It shares
 * SHUTDOWN_TIMEOUT_MS: handlers in progress get HANDLERS_SHARE of it (requests a little more),
 * the outbox's last publishes OUTBOX_SHARE, and the rest is for closing; what is cut short is
 * redelivered or republished later. The broker may be down at start-up: the service still
 * serves (health says `degraded`) and connects when it can.
 */
export async function startService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<RunningService> {
  const { name, config } = definition;
  const logger = createLogger({ service: name, level: config.logLevel });
  const metrics = new ServiceMetrics(name);
  const budgetMs = config.shutdownTimeoutMs;
  const steps = new StartedSteps(logger, budgetMs);

  const db = await steps.run(
    'database',
    () =>
      connectDatabase(config.mongodbUri, logger, {
        onCommand: (command) => metrics.dbCommands.inc({ command }),
      }),
    (db) => db.close(),
  );
  const bus = await steps.run(
    'event bus',
    () => createEventBus(definition, { db, logger, metrics }),
    (bus) => bus.close(),
  );
  // The API is the service's foreground: in a burst, the events of stored changes wait for it.
  const admission = new AdmissionQueue({
    maxInProgress: config.httpMaxRequestsInProgress,
    maxQueued: config.httpMaxQueuedRequests,
    maxQueueWaitMs: config.httpMaxQueueWaitMs,
  });
  const stores = new AggregateStores({
    publisher: afterForeground(admission, bus),
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
  });
  metrics.outboxPending = () => stores.unconfirmedEvents;
  const parts = await steps.run(
    "the service's parts",
    () => definition.compose({ config, logger, db, bus, metrics, stores }),
    (parts) => parts.onStop?.(),
  );
  await steps.run('indexes and seeding', async () => {
    await db.syncIndexes();
    await parts.onStart?.();
  });
  await steps.run(
    'outbox publication',
    () => stores.start(),
    async () => {
      if (!(await settlesWithin(stores.stop(), budgetMs * OUTBOX_SHARE))) {
        logger.warn('Outbox not flushed at shutdown; it is published after the restart');
      }
    },
  );
  const prune = async (now = new Date()) => {
    const cutoff = new Date(now.getTime() - config.retentionHours * 3_600_000);
    await parts.prune?.(cutoff);
  };
  const tasks: PeriodicTask[] = [
    { name: 'prune old records', everyMs: PRUNE_INTERVAL_MS, run: prune },
    ...(parts.periodicTasks ?? []),
  ];
  await steps.run(
    'periodic tasks',
    async () => tasks.map((task) => runPeriodically(task, logger)),
    async (running) => void (await Promise.all(running.map((task) => task.stop()))),
  );
  const { http } = await steps.run(
    'taking work: messages and requests',
    async () => ({
      stopFollowingDatabase: consumeWhileDatabaseIsUp(bus, db),
      http: await serveHttp(definition, { db, bus, logger, metrics, parts, admission }),
    }),
    // Both intakes close at the same moment; requests in progress get as long as the handlers,
    // and a little more.
    async ({ stopFollowingDatabase, http }) => {
      stopFollowingDatabase();
      await Promise.all([
        bus.stopConsuming(budgetMs * HANDLERS_SHARE),
        http.close(budgetMs * (HANDLERS_SHARE + REQUESTS_EXTRA_SHARE)),
      ]);
    },
  );
  logger.info('Service started', { port: http.port });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('Stopping');
      await steps.stopAll();
      logger.info('Stopped');
    })());

  return {
    name,
    app: http.app,
    server: http.server,
    port: http.port,
    db,
    bus,
    logger,
    metrics,
    shutdownTimeoutMs: budgetMs,
    prune,
    stop,
  };
}

/** The bus, not yet connected: handlers subscribe to it while the service is composed. */
async function createEventBus<C extends ServiceConfig>(
  { name, config, consumers = 'competing' }: ServiceDefinition<C>,
  { db, logger, metrics }: { db: Connection; logger: Logger; metrics: ServiceMetrics },
): Promise<RabbitEventBus> {
  const capabilities = await readDatabaseCapabilities(db);
  const singleActiveConsumer = needsSingleActiveConsumer(consumers, capabilities);
  logger.info('Database capabilities', { ...capabilities, singleActiveConsumer });
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
  metrics.deadLetterQueueDepth = () => bus.deadLetterQueue.depth();
  metrics.workQueues = () => bus.workQueueStatus();
  return bus;
}

/**
 * Connects to the broker and consumes, pausing while the database is away (handlers need it:
 * the broker keeps the messages meanwhile). Returns what stops following the database.
 */
function consumeWhileDatabaseIsUp(bus: RabbitEventBus, db: Connection): () => void {
  const pause = () => void bus.pause();
  const resume = () => void bus.resume();
  bus.start();
  if (!isDatabaseUp(db)) pause();
  db.on('disconnected', pause);
  db.on('reconnected', resume);
  db.on('connected', resume);
  return () => {
    db.off('disconnected', pause);
    db.off('reconnected', resume);
    db.off('connected', resume);
  };
}

interface HttpServing {
  app: Express;
  server: Server;
  port: number;
  /** Refuses new requests (draining), waits for those in progress at most `maxWaitMs`. */
  close: (maxWaitMs: number) => Promise<void>;
}

async function serveHttp<C extends ServiceConfig>(
  { name, config }: ServiceDefinition<C>,
  {
    db,
    bus,
    logger,
    metrics,
    parts,
    admission,
  }: {
    db: Connection;
    bus: RabbitEventBus;
    logger: Logger;
    metrics: ServiceMetrics;
    parts: ServiceParts;
    admission: AdmissionQueue;
  },
): Promise<HttpServing> {
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
    documents: [apiDocsRouter(parts.apiDocument)],
    routers: [...parts.routers, deadLetterRouter(bus.deadLetterQueue, config.adminToken)],
    admission,
  });
  const server = await listen(app, config.port);
  server.on('connection', () => admission.connectionOpened());
  return {
    app,
    server,
    port: (server.address() as AddressInfo).port,
    close: async (maxWaitMs) => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (!(await settlesWithin(closed, maxWaitMs))) server.closeAllConnections();
    },
  };
}
