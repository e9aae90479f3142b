import type { Server } from 'node:http';
import type { Express, Router } from 'express';
import type { Connection } from 'mongoose';
import type { AggregateStores } from '../aggregates/aggregate-stores';
import type { ServiceConfig } from './service-settings';
import type { ConsumerPolicy } from '../database/database-capabilities';
import type { HealthCheck } from '../http/health';
import type { ServiceMetrics } from '../observability/metrics';
import type { OpenApiDocument } from '../http/openapi';
import type { Logger } from '../logging/logger';
import type { EventBus } from '../messaging/event-bus';
import type { RabbitEventBus } from '../messaging/rabbit-event-bus';
import type { PeriodicTask } from './periodic-task';

/** A service as it tells the host what it is: its name, settings and how it is composed. */
export interface ServiceDefinition<C extends ServiceConfig> {
  name: string;
  config: C;
  /** Default `competing`. */
  consumers?: ConsumerPolicy;
  /** Wires the service: builds repositories, subscribes handlers, returns routers. */
  compose: (infrastructure: ServiceInfrastructure<C>) => ServiceParts | Promise<ServiceParts>;
}

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

/** What a service adds: its routes, and its own steps in start-up and shutdown. */
export interface ServiceParts {
  routers: Router[];
  /** The service's API document: served at /api/openapi.json, with Swagger UI at /api/docs. */
  apiDocument: OpenApiDocument;
  healthChecks?: HealthCheck[];
  /** Runs after the database is connected and before traffic (seeding, for instance). */
  onStart?: () => Promise<void>;
  /**
   * Runs at shutdown once no new request or message is taken and the outbox has made its last
   * publishes, before the bus and the database close (providers, refresh timers). A handler
   * still running past its share of the shutdown budget may still be running then.
   */
  onStop?: () => Promise<void> | void;
  /** Deletes the service's own records older than the retention (idempotency keys, say). */
  prune?: (cutoff: Date) => Promise<void>;
  /** Work on a clock (expiring overdue orders, say); stopped, the round in progress awaited, at shutdown. */
  periodicTasks?: PeriodicTask[];
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
