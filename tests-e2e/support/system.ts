import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ServerProxies, TestEnvironment } from '@ecommerce/shared/testing';
import { createTestEnvironment, eventually, proxiesTo } from '@ecommerce/shared/testing';
import { call } from './http';

export const ADMIN_TOKEN = 'e2e-admin-token';
export const SERVICES = ['order-service', 'inventory-service', 'notification-service'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = path.resolve(__dirname, '../..');

/** One service running as its own process, from its build, as in production. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output: string[] = [];

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [...serviceNodeArgs(), path.join(ROOT, 'services', this.name, 'dist/main.js')],
      {
        cwd: ROOT,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.logs()}`);
        const response = await fetch(`${this.url}/api/health`);
        if (response.status !== 200) throw new Error(`${this.name} is ${response.status}`);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  /** Sends a signal and resolves with the exit code once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill(signal);
    return exited;
  }

  /** Resident memory of the process, from /proc (Linux). */
  residentMemoryMb(): number {
    const status = readFileSync(`/proc/${this.child?.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }

  logs(): string {
    return this.output.join('');
  }
}

/** The three services on a private vhost and private databases of the shared servers. */
export class System {
  private productCount = 0;

  /** The first instance of each service (the only one unless started with `replicas`). */
  readonly services: Record<ServiceName, ServiceProcess>;

  private constructor(
    readonly env: TestEnvironment,
    /** Every instance of each service, competing for its queue. */
    readonly instances: Record<ServiceName, ServiceProcess[]>,
    private readonly serverProxies?: ServerProxies,
  ) {
    this.services = Object.fromEntries(
      SERVICES.map((name) => [name, instances[name][0]]),
    ) as Record<ServiceName, ServiceProcess>;
  }

  /**
   * Starts the three services; `env` adds or overrides settings of some of them. With
   * `throughProxies`, every service reaches RabbitMQ and the database through one proxy each,
   * which a test cuts to make that server vanish for this system alone. With `replicas`, that
   * many instances of each service. `mongodbUrl` puts the databases on a server of the caller's
   * own, and `route` gives each service its own way to a server (a fault-injecting proxy).
   */
  static async start(
    label: string,
    options: {
      env?: Partial<Record<ServiceName, Record<string, string>>>;
      throughProxies?: boolean;
      replicas?: number;
      mongodbUrl?: string;
      route?: (name: ServiceName, server: 'rabbitmq' | 'database', url: string) => string;
    } = {},
  ): Promise<System> {
    const env = await createTestEnvironment(label, { mongodbUrl: options.mongodbUrl });
    // One database proxy for all: the path of each service's URI names its own database.
    const proxies = options.throughProxies
      ? await proxiesTo(env.rabbitmqUrl, env.mongodbUri('any'))
      : undefined;
    const route = options.route ?? ((_name, _server, url: string) => url);
    const replicas = options.replicas ?? 1;
    const newInstance = async (name: ServiceName) => {
      const port = await freePort();
      return new ServiceProcess(name, port, {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        MONGODB_URI: route(
          name,
          'database',
          proxies?.database.route(env.mongodbUri(name)) ?? env.mongodbUri(name),
        ),
        RABBITMQ_URL: route(
          name,
          'rabbitmq',
          proxies?.rabbitmq.route(env.rabbitmqUrl) ?? env.rabbitmqUrl,
        ),
        ADMIN_TOKEN,
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
        OUTBOX_POLL_INTERVAL_MS: '1000',
        RETRY_BASE_DELAY_MS: '200',
        ...options.env?.[name],
      });
    };
    const instances = Object.fromEntries(
      await Promise.all(
        SERVICES.map(
          async (name) =>
            [
              name,
              await Promise.all(Array.from({ length: replicas }, () => newInstance(name))),
            ] as const,
        ),
      ),
    ) as Record<ServiceName, ServiceProcess[]>;
    const system = new System(env, instances, proxies);
    const started = await Promise.allSettled(
      system.allInstances().map((instance) => instance.start()),
    );
    const failure = started.find((result) => result.status === 'rejected');
    // Ready once the seeded catalogue has reached the order service's price list (prod1: the
    // README's laptop), as a user of a started system expects.
    const notReady = failure
      ? failure.reason
      : await system.priceKnown('prod1', 999.99).then(
          () => undefined,
          (error: unknown) => error,
        );
    if (notReady) {
      // The caller gets no System to stop: stop what did start, and delete the vhost and databases.
      await system.stop().catch(() => undefined);
      throw notReady;
    }
    return system;
  }

  /** The proxies to cut and restore; only for a system started `throughProxies`. */
  get proxies(): ServerProxies {
    if (!this.serverProxies) throw new Error('Start the system with throughProxies: true');
    return this.serverProxies;
  }

  url(name: ServiceName): string {
    return this.services[name].url;
  }

  /** `/api/orders…` on the order service. */
  orders(path = ''): string {
    return `${this.url('order-service')}/api/orders${path}`;
  }

  /** `/api/inventory…` on the inventory service. */
  inventory(path = ''): string {
    return `${this.url('inventory-service')}/api/inventory${path}`;
  }

  /** `/api/notifications…` on the notification service. */
  notifications(query = ''): string {
    return `${this.url('notification-service')}/api/notifications${query}`;
  }

  /** `/api/prices…` on the order service: the price list orders are priced with. */
  prices(path = ''): string {
    return `${this.url('order-service')}/api/prices${path}`;
  }

  /**
   * A product for one test alone, so that its stock assertions are exact, at `price` (1 unless
   * given). Resolves once the order service has its price, so that orders for it can be placed.
   */
  async createProduct(available: number, price = 1): Promise<string> {
    this.productCount += 1;
    const productId = `${this.env.runId}-p${this.productCount}`.slice(-64);
    const response = await call('POST', this.inventory(`/${productId}`), {
      admin: true,
      body: { quantity: available, price },
    });
    if (response.status !== 201) throw new Error(`Creating ${productId}: ${response.status}`);
    await this.priceKnown(productId, price);
    return productId;
  }

  /** Waits until the order service prices the product at `price`. */
  async priceKnown(productId: string, price: number): Promise<void> {
    await eventually(
      async () => {
        const { status, body } = await call('GET', this.prices(`/${productId}`));
        if (status !== 200 || body.price !== price) {
          throw new Error(`The order service prices ${productId} at ${body?.price ?? 'nothing'}`);
        }
      },
      { timeoutMs: 30_000, intervalMs: 25 },
    );
  }

  /** Every instance's log lines that mention `text`, each after its instance: for a failure's message. */
  logLinesMentioning(text: string): string[] {
    return this.allInstances().flatMap((instance) =>
      instance
        .logs()
        .split('\n')
        .filter((line) => line.includes(text))
        .map((line) => `${instance.name}:${instance.port} ${line}`),
    );
  }

  allInstances(): ServiceProcess[] {
    return SERVICES.flatMap((name) => this.instances[name]);
  }

  /** Stops every service with SIGTERM and returns the exit codes of their first instances. */
  async stop(): Promise<Record<ServiceName, number | null>> {
    const others = Promise.all(
      SERVICES.flatMap((name) => this.instances[name].slice(1)).map((instance) => instance.stop()),
    );
    const codes = await Promise.all(SERVICES.map((name) => this.services[name].stop()));
    await others;
    await Promise.all(Object.values(this.serverProxies ?? {}).map((proxy) => proxy.close()));
    await this.env.dispose();
    return Object.fromEntries(SERVICES.map((name, i) => [name, codes[i]])) as Record<
      ServiceName,
      number | null
    >;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Node.js flags for the services alone: SERVICE_HEAP_FLAGS, the heap bounds every way of running
 * them sets (scripts/lib/common.sh exports them), then SERVICE_NODE_ARGS, how to profile them
 * under the bench, since NODE_OPTIONS refuses `--cpu-prof` and would reach the bench too. For
 * example SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" npm run bench.
 */
function serviceNodeArgs(): string[] {
  return [process.env.SERVICE_HEAP_FLAGS, process.env.SERVICE_NODE_ARGS]
    .flatMap((flags) => (flags ?? '').split(' '))
    .filter(Boolean);
}
