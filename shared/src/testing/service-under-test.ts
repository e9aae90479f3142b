import request from 'supertest';
import type { ConfigDefinition, ConfigOf } from '../config/config';
import { loadConfig } from '../config/config';
import type { RunningService } from '../lifecycle/service-definition';
import { EventProbe } from './event-probe';
import { TcpProxy } from './tcp-proxy';
import type { TestEnvironment } from './test-environment';
import { createTestEnvironment } from './test-environment';

export const TEST_ADMIN_TOKEN = 'test-admin-token';
/** The header that carries the tests' admin token. */
export const ADMIN = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

export interface ServiceUnderTestOptions<D extends ConfigDefinition> {
  /** Names the test's vhost and databases. */
  label: string;
  settings: D;
  start: (config: ConfigOf<D>) => Promise<RunningService>;
  /** Settings on top of the test defaults (fast polling and retries, quiet logs). */
  env?: Record<string, string>;
  /** Routing keys the probe listens to (all by default). */
  listenTo?: string[];
  /** Connect the service to RabbitMQ and the database through proxies a test can cut. */
  throughProxies?: boolean;
}

/** The proxies between the service and its servers, when started `throughProxies`. */
export interface ServerProxies {
  rabbitmq: TcpProxy;
  database: TcpProxy;
}

/** A proxy to RabbitMQ and one to the database (route each URL through its own). */
export async function proxiesTo(rabbitmqUrl: string, mongodbUri: string): Promise<ServerProxies> {
  return { rabbitmq: await TcpProxy.to(rabbitmqUrl), database: await TcpProxy.to(mongodbUri) };
}

/**
 * One service started in-process on its own vhost and database, with a probe on its exchange
 * and helpers to read what it did. `stop()` removes it all.
 */
export class ServiceUnderTest {
  private constructor(
    readonly service: RunningService,
    readonly env: TestEnvironment,
    readonly probe: EventProbe,
    private readonly serverProxies?: ServerProxies,
  ) {}

  /** The proxies to cut and restore; only for a service started `throughProxies`. */
  get proxies(): ServerProxies {
    if (!this.serverProxies) throw new Error('Start the service with throughProxies: true');
    return this.serverProxies;
  }

  static async start<D extends ConfigDefinition>(
    options: ServiceUnderTestOptions<D>,
  ): Promise<ServiceUnderTest> {
    const env = await createTestEnvironment(options.label);
    const mongodbUri = env.mongodbUri(options.label);
    const proxies = options.throughProxies
      ? await proxiesTo(env.rabbitmqUrl, mongodbUri)
      : undefined;
    const config = loadConfig(options.settings, {
      env: {
        PORT: '0',
        MONGODB_URI: proxies?.database.route(mongodbUri) ?? mongodbUri,
        RABBITMQ_URL: proxies?.rabbitmq.route(env.rabbitmqUrl) ?? env.rabbitmqUrl,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        // Quiet unless asked: TEST_LOG_LEVEL=info shows the service's logs while debugging.
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        OUTBOX_POLL_INTERVAL_MS: '100',
        RETRY_BASE_DELAY_MS: '50',
        RECONNECT_MAX_DELAY_MS: '500',
        ...options.env,
      },
    }) as ConfigOf<D> & { eventExchange: string };
    const probe = await EventProbe.connect(env.rabbitmqUrl, config.eventExchange, options.listenTo);
    const service = await options.start(config);
    await service.bus.whenConnected();
    return new ServiceUnderTest(service, env, probe, proxies);
  }

  /** A supertest agent on the service's app. */
  api() {
    return request(this.service.app);
  }

  /**
   * How many deliveries of `eventType` the service is done with: handled, skipped as duplicates
   * or dead-lettered. A retried delivery is not done: it comes back.
   */
  async eventsSettled(eventType: string): Promise<number> {
    const metrics = await this.service.metrics.registry
      .getSingleMetric('events_consumed_total')
      ?.get();
    return (metrics?.values ?? [])
      .filter(
        (value) => value.labels.event_type === eventType && value.labels.outcome !== 'retried',
      )
      .reduce((sum, value) => sum + value.value, 0);
  }

  /** The event's entry in the service's dead-letter listing; throws while it is not there. */
  async deadLetter(eventId: string): Promise<Record<string, unknown>> {
    const { items } = await this.service.bus.deadLetterQueue.list(100, 0);
    const item = items.find((candidate) => candidate.eventId === eventId);
    if (!item) throw new Error(`Event ${eventId} is not in the dead-letter queue`);
    return { ...item };
  }

  async stop(): Promise<void> {
    this.serverProxies?.rabbitmq.restore();
    this.serverProxies?.database.restore();
    await this.service.stop();
    await this.serverProxies?.rabbitmq.close();
    await this.serverProxies?.database.close();
    await this.probe.close();
    await this.env.dispose();
  }
}
