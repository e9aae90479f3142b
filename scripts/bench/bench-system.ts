import { metricValue } from '@ecommerce/shared/testing';
import type { ServiceName } from '@ecommerce/tests-e2e';
import { SERVICES, System } from '@ecommerce/tests-e2e';
import type { Calibration, PerService } from './commands';
import { PollLedger, calibrate, perService, readCommandCounters, waitUntilQuiet } from './commands';
import type { BenchConfig } from './config';
import { expectStatus, requestText } from './http';
import { sleep } from './load';
import type { OrderTimes } from './stats';

interface OrderBody {
  id: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

interface Page<T> {
  items: T[];
  total: number;
}

export interface HeapFigures {
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface Product {
  productId: string;
  available: number;
  reserved: number;
}

/** What a phase owns: its user (so its orders can be told apart) and its products. */
export interface PhaseScope {
  userId: string;
  products: { productId: string; stock: number }[];
}

/**
 * The three services started as processes, and everything the bench asks of them. Every request
 * that reaches a database while a phase is measured goes through here and is noted in `polls`,
 * so that its cost can be taken out of the phase's command count.
 */
export class BenchSystem {
  readonly polls = new PollLedger();
  private calibration?: Calibration;
  private phaseCount = 0;

  private constructor(
    private readonly system: System,
    private readonly config: BenchConfig,
  ) {}

  static async start(config: BenchConfig): Promise<BenchSystem> {
    process.env.E2E_LOG_LEVEL ??= 'warn';
    const prefetch = String(config.prefetch);
    const system = await System.start('bench', {
      env: {
        'order-service': { PREFETCH: prefetch },
        'inventory-service': { PREFETCH: prefetch },
        'notification-service': { PREFETCH: prefetch },
      },
    });
    return new BenchSystem(system, config);
  }

  get urls(): Record<ServiceName, string> {
    return perServiceUrl(this.system);
  }

  counters = (): Promise<PerService> => readCommandCounters(this.urls);

  async calibrate(): Promise<Calibration> {
    // A throwaway user and product: the same queries as the phases' polls, on no data.
    const [product] = await this.createProducts(1, 1);
    this.calibration = await calibrate(this.counters, {
      notifications: () => this.notificationCount('calibration'),
      product: () => this.product(product.productId),
    });
    return this.calibration;
  }

  /** A new user and `count` products of `stock` units each, for one phase alone. */
  async newScope(label: string, count: number, stock: number): Promise<PhaseScope> {
    this.phaseCount += 1;
    const userId = `bench-${label}-${this.system.env.runId}-${this.phaseCount}`.slice(0, 100);
    return { userId, products: await this.createProducts(count, stock) };
  }

  private async createProducts(count: number, stock: number) {
    const products = [];
    for (let i = 0; i < count; i++) {
      products.push({ productId: await this.system.createProduct(stock), stock });
    }
    return products;
  }

  /** Places one order of one unit and returns how long the POST took, ms. */
  async placeOrder(userId: string, productId: string): Promise<number> {
    const started = performance.now();
    await expectStatus(201, 'POST', this.system.orders(), {
      body: { userId, products: [{ productId, quantity: 1 }], totalPrice: 1 },
    });
    return performance.now() - started;
  }

  /**
   * Orders placed and not yet final, in the whole run (every phase drains before the next), from
   * the order service's `order_status_changes_total`: no database command.
   */
  async pendingOrders(): Promise<number> {
    const text = await requestText(`${this.system.url('order-service')}/metrics`);
    const reached = (status: string) =>
      metricValue(text, 'order_status_changes_total', { status }) ?? 0;
    return reached('PENDING') - reached('CONFIRMED') - reached('CANCELLED');
  }

  async notificationCount(userId: string): Promise<number> {
    this.polls.note('notifications');
    const page = await expectStatus<Page<unknown>>(
      200,
      'GET',
      this.system.notifications(`?recipient=${encodeURIComponent(userId)}&limit=1`),
      { admin: true },
    );
    return page.total;
  }

  async product(productId: string): Promise<Product> {
    this.polls.note('product');
    return expectStatus<Product>(200, 'GET', this.system.inventory(`/${productId}`));
  }

  /** Every order in the store (outside any measured window: it costs a count). */
  async storedOrders(): Promise<number> {
    return (await expectStatus<Page<unknown>>(200, 'GET', this.system.orders('?limit=1'))).total;
  }

  /**
   * Waits until the phase has left nothing behind: every order final, every notification
   * written, no unit still reserved, and the services back to their idle command rate. Orders
   * stuck PENDING for `stallMs` fail the run (the next phase would not start idle); the later
   * stages give up after `SETTLE_STALL_MS` without progress and say what was left, for the
   * phase to report as a missed check.
   */
  async drain(scope: PhaseScope, orders: number): Promise<Drained> {
    const interval = this.config.pollIntervalMs;
    const final = new ProgressWatch(this.config.stallMs, this.config.maxWaitMs);
    await final.until(interval, async () => {
      const pending = await this.pendingOrders();
      return { done: pending === 0, progress: pending, state: `${pending} orders PENDING` };
    });
    const settle = new ProgressWatch(SETTLE_STALL_MS, this.config.maxWaitMs, { fatal: false });
    let notifications = 0;
    await settle.until(interval, async () => {
      notifications = await this.notificationCount(scope.userId);
      const done = notifications >= orders;
      return { done, progress: notifications, state: `${notifications} notifications` };
    });
    let reserved = 0;
    await settle.until(interval, async () => {
      reserved = (await this.stock(scope)).reduce((total, p) => total + p.reserved, 0);
      return { done: reserved === 0, progress: reserved, state: `${reserved} units reserved` };
    });
    const quiet =
      this.calibration === undefined || (await waitUntilQuiet(this.counters, this.calibration));
    return { notifications, reserved, quiet, failedPolls: final.failedPolls + settle.failedPolls };
  }

  async stock(scope: PhaseScope): Promise<Product[]> {
    const products = [];
    for (const { productId } of scope.products) products.push(await this.product(productId));
    return products;
  }

  /** The phase's orders with their timestamps, read page by page through the API. */
  async ordersOf(userId: string): Promise<OrderTimes[]> {
    const orders: OrderTimes[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await expectStatus<Page<OrderBody>>(
        200,
        'GET',
        this.system.orders(`?userId=${encodeURIComponent(userId)}&limit=100&offset=${offset}`),
      );
      for (const order of page.items) {
        orders.push({
          status: order.status,
          createdAt: Date.parse(order.createdAt),
          updatedAt: Date.parse(order.updatedAt),
        });
      }
      if (page.items.length < 100 || offset + 100 >= page.total) return orders;
    }
  }

  residentMemoryMb(): PerService {
    return perService((name) => this.system.services[name].residentMemoryMb());
  }

  /** Where each service's memory is, from its `/metrics`: what the resident figure is made of. */
  async heapMb(): Promise<Record<ServiceName, HeapFigures>> {
    const entries = await Promise.all(
      SERVICES.map(async (name) => {
        const text = await requestText(`${this.system.url(name)}/metrics`);
        const mb = (metric: string) => Math.round((metricValue(text, metric) ?? 0) / 2 ** 20);
        const figures = {
          heapUsed: mb('nodejs_heap_size_used_bytes'),
          heapTotal: mb('nodejs_heap_size_total_bytes'),
          external: mb('nodejs_external_memory_bytes'),
        };
        return [name, figures] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<ServiceName, HeapFigures>;
  }

  /** The services' warnings and errors, the first few of each: why a phase failed. */
  complaints(max = 8): string {
    return SERVICES.map((name) => {
      const lines = this.system.services[name]
        .logs()
        .split('\n')
        .filter((line) => /"level":"(warn|error)"/.test(line));
      return [`--- ${name}: ${lines.length} warnings and errors, the first ones:`]
        .concat(lines.slice(0, max))
        .join('\n');
    }).join('\n');
  }

  async stop(): Promise<void> {
    await this.system.stop();
  }
}

function perServiceUrl(system: System): Record<ServiceName, string> {
  return Object.fromEntries(SERVICES.map((name) => [name, system.url(name)])) as Record<
    ServiceName,
    string
  >;
}

/** An error a probe throws to end the wait at once, not to be polled again. */
export class FatalError extends Error {}

/** What a drain found once it stopped waiting. */
export interface Drained {
  notifications: number;
  reserved: number;
  /** False when the services kept sending more commands than an idle system does. */
  quiet: boolean;
  /** Polls answered with an error (and tried again): the system was not healthy meanwhile. */
  failedPolls: number;
}

/** A notification or a released hold that does not move for this long is not coming. */
const SETTLE_STALL_MS = 15_000;

/**
 * Polls until done. A state that stops changing for `stallMs` is an error naming it, or, when
 * not `fatal`, the end of the wait (the caller judges what was left).
 */
export class ProgressWatch {
  private readonly deadline: number;
  /** Polls that failed (a 5xx, a timeout) and were tried again. */
  failedPolls = 0;

  constructor(
    private readonly stallMs: number,
    maxWaitMs: number,
    private readonly options: { fatal: boolean } = { fatal: true },
  ) {
    this.deadline = Date.now() + maxWaitMs;
  }

  async until(
    intervalMs: number,
    probe: () => Promise<{ done: boolean; progress: number; state: string }>,
  ): Promise<void> {
    let last: number | undefined;
    let lastChange = Date.now();
    let state = 'no answer yet';
    for (;;) {
      try {
        const answer = await probe();
        if (answer.done) return;
        state = answer.state;
        if (answer.progress !== last) {
          last = answer.progress;
          lastChange = Date.now();
        }
      } catch (error) {
        if (error instanceof FatalError) throw error;
        // A failed poll is no progress, not the end: the stall limit decides. It is still a
        // request the bench sent, and the ledger has counted it.
        state = `last poll failed: ${error instanceof Error ? error.message : String(error)}`;
        this.failedPolls += 1;
      }
      if (Date.now() - lastChange > this.stallMs) {
        if (!this.options.fatal) return;
        throw new Error(`Stalled: ${state}, unchanged for ${this.stallMs / 1000} s`);
      }
      if (Date.now() > this.deadline) throw new Error(`Gave up waiting: ${state}`);
      await sleep(intervalMs);
    }
  }
}
