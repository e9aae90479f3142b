import { metricValue } from '@ecommerce/shared/testing';
import type { ServiceName } from '@ecommerce/tests-e2e';
import { ConsoleProcess, SERVICES, System } from '@ecommerce/tests-e2e';
import type { Calibration, PerService } from './commands';
import { PollLedger, calibrate, perService, readCommandCounters, waitUntilQuiet } from './commands';
import type { BenchConfig } from './config';
import { TARGETS } from './config';
import type { Outcome } from './http';
import { expectStatus, onOwnConnection, requestText } from './http';
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

/** An order as the bench reads it back: its id, status and timestamps. */
export type StoredOrder = OrderTimes & { id: string };

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

  /** The database of one service (the run's own, deleted at the end). */
  databaseUri(name: ServiceName): string {
    return this.system.env.mongodbUri(name);
  }

  /** The console's server in front of these services; the caller stops it. */
  startConsole(): Promise<ConsoleProcess> {
    return ConsoleProcess.start(this.system);
  }

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

  /** The same order, built now and placed on a connection of its own when called (the burst). */
  prepareOrder(userId: string, productId: string): () => Promise<Outcome> {
    return onOwnConnection('POST', this.system.orders(), {
      body: { userId, products: [{ productId, quantity: 1 }], totalPrice: 1 },
    });
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

  /**
   * Every order in the store: those placed in this run, whose databases are its own. From the
   * order service's metrics, as `pendingOrders`: a list's `total` may stop counting at some size.
   */
  async storedOrders(): Promise<number> {
    const text = await requestText(`${this.system.url('order-service')}/metrics`);
    return metricValue(text, 'order_status_changes_total', { status: 'PENDING' }) ?? 0;
  }

  /**
   * Waits until the phase has left nothing behind: every order final, every notification
   * written, no unit still reserved, and the services back to their idle command rate. Orders
   * stuck PENDING for `stallMs` fail the run (the next phase would not start idle); the later
   * stages give up after `SETTLE_STALL_MS` without progress and say what was left, for the
   * phase to report as a missed check. On the way it reads the units still reserved as soon as
   * the last order is final, and `TARGETS.settledAfterMs` later.
   */
  async drain(scope: PhaseScope, orders: number): Promise<Drained> {
    const interval = this.config.pollIntervalMs;
    const final = new ProgressWatch(this.config.stallMs, this.config.maxWaitMs);
    const nextPoll = pollSoonerNearTheEnd(interval);
    await final.until(interval, async () => {
      const pending = await this.pendingOrders();
      const state = `${pending} orders PENDING`;
      return { done: pending === 0, progress: pending, state, nextPollMs: nextPoll(pending) };
    });
    const settling = await this.settling(scope);
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
    return {
      notifications,
      reserved,
      settling,
      quiet,
      failedPolls: final.failedPolls + settle.failedPolls,
    };
  }

  /** Units reserved now (just after the last order became final), and a while later. */
  private async settling(scope: PhaseScope): Promise<Settling> {
    const readAt = Date.now();
    const reservedWhenFinal = await this.reserved(scope);
    await sleep(readAt + TARGETS.settledAfterMs - Date.now());
    const laterAt = Date.now();
    return { readAt, reservedWhenFinal, laterAt, reservedLater: await this.reserved(scope) };
  }

  private async reserved(scope: PhaseScope): Promise<number> {
    return (await this.stock(scope)).reduce((total, p) => total + p.reserved, 0);
  }

  /** Every product of the phase, read at once (a snapshot as near one instant as it gets). */
  async stock(scope: PhaseScope): Promise<Product[]> {
    return Promise.all(scope.products.map(({ productId }) => this.product(productId)));
  }

  /** The phase's orders with their timestamps, read page by page through the API. */
  async ordersOf(userId: string): Promise<StoredOrder[]> {
    const orders: StoredOrder[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await expectStatus<Page<OrderBody>>(
        200,
        'GET',
        this.system.orders(`?userId=${encodeURIComponent(userId)}&limit=100&offset=${offset}`),
      );
      for (const order of page.items) {
        orders.push({
          id: order.id,
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
  settling: Settling;
  /** False when the services kept sending more commands than an idle system does. */
  quiet: boolean;
  /** Polls answered with an error (and tried again): the system was not healthy meanwhile. */
  failedPolls: number;
}

/** Units still reserved when the phase's last order was seen final, and a while later. */
export interface Settling {
  /** When the first reading began (`Date.now()`), just after no order was PENDING any more. */
  readAt: number;
  reservedWhenFinal: number;
  laterAt: number;
  reservedLater: number;
}

/** A notification or a released hold that does not move for this long is not coming. */
const SETTLE_STALL_MS = 15_000;

/** How often the count of pending orders is read once the end is near. */
const TAIL_POLL_MS = 50;
/** So few orders left that the next one final may be the last. */
const TAIL_ORDERS = 10;

/**
 * The delay before the next reading of the pending orders: the usual interval while many are
 * left, a short one once those left would be done within two intervals at the pace of the last
 * one (or are only a few), so that the moment the last order becomes final is seen within
 * TAIL_POLL_MS. (Each reading is the order service's metrics: no database command, a little CPU.)
 */
function pollSoonerNearTheEnd(intervalMs: number): (pending: number) => number {
  let last: { pending: number; at: number } | undefined;
  return (pending) => {
    const now = Date.now();
    const perMs = last ? Math.max(0, last.pending - pending) / Math.max(1, now - last.at) : 0;
    last = { pending, at: now };
    const nearTheEnd = pending <= 2 * perMs * intervalMs || pending <= TAIL_ORDERS;
    return nearTheEnd ? TAIL_POLL_MS : intervalMs;
  };
}

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

  /** `nextPollMs`, when the probe gives it, replaces `intervalMs` before the next poll. */
  async until(
    intervalMs: number,
    probe: () => Promise<{ done: boolean; progress: number; state: string; nextPollMs?: number }>,
  ): Promise<void> {
    let last: number | undefined;
    let lastChange = Date.now();
    let state = 'no answer yet';
    for (;;) {
      let delay = intervalMs;
      try {
        const answer = await probe();
        if (answer.done) return;
        state = answer.state;
        delay = answer.nextPollMs ?? intervalMs;
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
      await sleep(delay);
    }
  }
}
