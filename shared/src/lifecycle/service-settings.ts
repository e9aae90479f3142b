import Joi from 'joi';
import type { ConfigDefinition, ConfigOf } from '../config/config';
import { loadConfig, serviceEnvFiles, setting } from '../config/config';
import { MAX_ATTEMPTS_LIMIT } from '../messaging/retry-schedule';

/** The settings every service has; each service adds its own defaults and extra settings. */
export function serviceSettings(defaults: { port: number; database: string }) {
  return {
    port: setting('PORT', 'HTTP port', Joi.number().port().default(defaults.port)),
    // Admission control of the API (http/admission-queue.ts). The defaults are sized so that a
    // burst of 2,000 orders at once on two cores (about 250 orders/s) is queued and served, not shed.
    httpMaxRequestsInProgress: setting(
      'HTTP_MAX_REQUESTS_IN_PROGRESS',
      'API requests worked on at once; more wait in the queue',
      // They mostly wait on the database, which runs 10 commands at once and takes each
      // collection's writes together, up to 100 a command: 512 keep it fed, and bound what they
      // hold (a body is 100 kB at most: 50 MB).
      Joi.number().integer().min(1).max(100_000).default(512),
    ),
    httpMaxQueuedRequests: setting(
      'HTTP_MAX_QUEUED_REQUESTS',
      'API requests waiting for their turn; one more is answered 503 at once',
      // A crowd of 5,000 at once fits (with the places); the order service answers about 1,300
      // of them a second, so all start well within HTTP_MAX_QUEUE_WAIT_MS. A waiting request
      // holds its connection and headers only (its body is read once admitted).
      Joi.number().integer().min(0).max(100_000).default(8192),
    ),
    httpMaxQueueWaitMs: setting(
      'HTTP_MAX_QUEUE_WAIT_MS',
      'Longest an API request waits for its turn before it is answered 503; also its Retry-After',
      // Well above the 2 s a burst's answers should take, so that a slower run is served, not
      // shed; below the 30 s after which clients commonly give up and send it again (the cap,
      // which the server's request timeout outlasts: lifecycle/http-server.ts).
      Joi.number().integer().min(1).max(30_000).default(10_000),
    ),
    logLevel: setting(
      'LOG_LEVEL',
      'winston log level (silent: no logs, for tests)',
      Joi.string().valid('silent', 'error', 'warn', 'info', 'debug').default('info'),
    ),
    mongodbUri: setting(
      'MONGODB_URI',
      'MongoDB connection string, database included',
      // Not Joi's uri(): a replica set's string lists its members, host:port,host:port, which
      // no single-host URI grammar accepts.
      Joi.string()
        .pattern(/^mongodb(\+srv)?:\/\/[^\s/]+(\/\S*)?$/, 'mongodb:// or mongodb+srv:// URI')
        .default(`mongodb://127.0.0.1:27017/${defaults.database}`),
    ),
    rabbitmqUrl: setting(
      'RABBITMQ_URL',
      'AMQP URL of RabbitMQ',
      Joi.string()
        .uri({ scheme: ['amqp', 'amqps'] })
        .default('amqp://user:password@127.0.0.1:5672'),
    ),
    eventExchange: setting(
      'EVENT_EXCHANGE',
      'Topic exchange all events are published to',
      Joi.string().default('ecommerce.events'),
    ),
    adminToken: setting(
      'ADMIN_TOKEN',
      'Bearer token of the admin routes',
      Joi.string().min(8).default('dev-admin-token-change-me'),
    ),
    prefetch: setting(
      'PREFETCH',
      'Messages a service handles at once',
      Joi.number().integer().min(1).max(1000).default(10),
    ),
    maxAttempts: setting(
      'MAX_ATTEMPTS',
      'Attempts per message before it is dead-lettered',
      Joi.number().integer().min(1).max(MAX_ATTEMPTS_LIMIT).default(5),
    ),
    maxDeliveries: setting(
      'MAX_DELIVERIES',
      'Deliveries of a message without an ack (its handler never finished: a crash, a dropped connection) before the broker dead-letters it',
      Joi.number().integer().min(1).max(100).default(5),
    ),
    retryBaseDelayMs: setting(
      'RETRY_BASE_DELAY_MS',
      'Delay before the first retry; doubles per attempt',
      Joi.number().integer().min(1).default(1000),
    ),
    reconnectMaxDelayMs: setting(
      'RECONNECT_MAX_DELAY_MS',
      'Longest wait between two attempts to reconnect to RabbitMQ (consuming again within about this long of its return)',
      Joi.number().integer().min(100).default(1_000),
    ),
    outboxPollIntervalMs: setting(
      'OUTBOX_POLL_INTERVAL_MS',
      'How often the outbox scan runs while this process has unpublished events (and every tenth interval regardless)',
      Joi.number().integer().min(10).default(1000),
    ),
    retentionHours: setting(
      'RETENTION_HOURS',
      'How long idempotency keys are kept (the contract keeps them 24 h at least)',
      Joi.number().min(24).default(48),
    ),
    shutdownTimeoutMs: setting(
      'SHUTDOWN_TIMEOUT_MS',
      'Longest a graceful shutdown may take before the process exits anyway',
      Joi.number().integer().min(100).default(8000),
    ),
  };
}

export type ServiceSettings = ReturnType<typeof serviceSettings>;
export type ServiceConfig = ConfigOf<ServiceSettings>;

/**
 * Loads a service's settings: the process environment first, then the service's own `.env`,
 * then the repository's `.env` (two levels up from the service's folder), then defaults.
 */
export function loadServiceConfig<D extends ConfigDefinition>(
  definition: D,
  serviceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<D> {
  return loadConfig(definition, { env, envFiles: serviceEnvFiles(serviceRoot) });
}
