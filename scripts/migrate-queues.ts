/**
 * `npm run migrate-queues -- [<service>...]`: redeclares the services' work queues, every lane's
 * (`<service>`, `<service>.<lane>`), as this version declares them (quorum queues with a delivery
 * limit) where they exist with other arguments, a classic queue of an earlier version most often,
 * keeping every message, and binds each to its own lane's event types only (see
 * shared/src/messaging/queue-migration.ts). Stop the instances of the services concerned first;
 * a queue that still has consumers is left alone. Without arguments: the three services.
 *
 * Settings (RABBITMQ_URL, EVENT_EXCHANGE, MAX_DELIVERIES…) are read as each service reads them:
 * environment, then its .env files. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import amqp from 'amqplib';
import type {
  ConsumerPolicy,
  DatabaseCapabilities,
  EventBus,
  MigrationOutcome,
  ServiceConfig,
  TopologyOptions,
} from '@ecommerce/shared';
import {
  connectDatabase,
  createLogger,
  defineServiceTopology,
  needsSingleActiveConsumer,
  readDatabaseCapabilities,
  MigrationRefusedError,
  migrateWorkQueues,
} from '@ecommerce/shared';
import {
  INVENTORY_CONSUMERS,
  loadInventoryServiceConfig,
  subscribeInventoryHandlers,
} from '@ecommerce/inventory-service';
import {
  loadNotificationServiceConfig,
  subscribeNotificationHandlers,
} from '@ecommerce/notification-service';
import { loadOrderServiceConfig, subscribeOrderHandlers } from '@ecommerce/order-service';

interface ServiceQueue {
  loadConfig: () => ServiceConfig;
  /** The service's own subscriptions: the bindings and lanes come from the code that consumes. */
  subscribe: (bus: EventBus, dependencies: never) => void;
  /** How its instances share the queue (its start.ts says so too). */
  consumers: ConsumerPolicy;
}

const QUEUES: Record<string, ServiceQueue> = {
  'order-service': {
    loadConfig: loadOrderServiceConfig,
    subscribe: subscribeOrderHandlers,
    consumers: 'competing',
  },
  'inventory-service': {
    loadConfig: loadInventoryServiceConfig,
    subscribe: subscribeInventoryHandlers,
    consumers: INVENTORY_CONSUMERS,
  },
  'notification-service': {
    loadConfig: loadNotificationServiceConfig,
    subscribe: subscribeNotificationHandlers,
    consumers: 'competing',
  },
};

const USAGE = `Usage: npm run migrate-queues -- [${Object.keys(QUEUES).join('|')}]...`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((name) => !(name in QUEUES));
  if (unknown.length > 0) {
    console.error(`Unknown service ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  let failed = false;
  for (const name of argv.length > 0 ? argv : Object.keys(QUEUES)) {
    try {
      console.log(await migrate(name, QUEUES[name]));
    } catch (error) {
      failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`${name}: not migrated: ${reason}`);
      if (!(error instanceof MigrationRefusedError))
        console.error('  nothing was lost; run it again');
    }
  }
  return failed ? 1 : 0;
}

async function migrate(
  name: string,
  { loadConfig, subscribe, consumers }: ServiceQueue,
): Promise<string> {
  const config = loadConfig();
  const topology = defineServiceTopology({
    service: name,
    exchange: config.eventExchange,
    ...subscriptionsOf(subscribe),
    maxAttempts: config.maxAttempts,
    retryBaseDelayMs: config.retryBaseDelayMs,
    maxDeliveries: config.maxDeliveries,
    // Only a service that cares asks the database (a competing queue is the broker's alone).
    singleActiveConsumer:
      consumers !== 'competing' &&
      needsSingleActiveConsumer(consumers, await databaseCapabilities(config.mongodbUri)),
  });
  const connection = await amqp.connect(config.rabbitmqUrl);
  try {
    return (await migrateWorkQueues(connection, topology)).map(describe).join('\n');
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** As the service decides it at start-up (shared/src/lifecycle/service-host.ts). */
async function databaseCapabilities(uri: string): Promise<DatabaseCapabilities> {
  const logger = createLogger({ service: 'migrate-queues', level: 'error' });
  const db = await connectDatabase(uri, logger, { maxWaitMs: 10_000 });
  try {
    return await readDatabaseCapabilities(db);
  } finally {
    await db.close();
  }
}

function describe(result: MigrationOutcome): string {
  switch (result.outcome) {
    case 'as-declared':
      return `${result.queue}: already as declared, nothing to do`;
    case 'created':
      return `${result.queue}: did not exist, declared`;
    case 'migrated':
      return `${result.queue}: redeclared, ${result.messagesMoved} message(s) kept`;
  }
}

/** The event types a service subscribes to, and their lanes, recorded from its own code. */
function subscriptionsOf(
  subscribe: ServiceQueue['subscribe'],
): Pick<TopologyOptions, 'consumes' | 'lanes'> {
  const consumes: TopologyOptions['consumes'] = [];
  const lanes: Record<string, TopologyOptions['consumes']> = {};
  const recorder: EventBus = {
    subscribe: (eventType, _handler, options) => {
      consumes.push(eventType);
      if (options?.lane !== undefined) (lanes[options.lane] ??= []).push(eventType);
    },
    publish: () => Promise.reject(new Error('The migration publishes nothing')),
  };
  subscribe(recorder, undefined as never);
  return { consumes, lanes };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
