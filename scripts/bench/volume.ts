/**
 * The volume phase (CONTRACT.md, "Speed", this season's additions): the store filled to
 * `volumeStored` orders (finished ones written straight into the databases: volume-fill.ts),
 * then what must stay flat as it grows: the lists and an order by id, read through the API one
 * request at a time; the console's pages in a browser; and the spread phase's rate.
 */
import { MongoClient } from 'mongodb';
import type { ServiceName } from '@ecommerce/tests-e2e';
import { SERVICES, checkpoint } from '@ecommerce/tests-e2e';
import { COUNT_LIMIT, NEWEST_FIRST } from '@ecommerce/shared';
import { TARGETS } from './config';
import { loadConsolePages } from './console-pages';
import { expectStatus } from './http';
import type { BenchContext, CapacityResult } from './phases';
import { capacityPhase, spreadPlan } from './phases';
import type { Percentiles } from './stats';
import { formatShare, percentiles } from './stats';
import type { FilledStore } from './volume-fill';
import { fillStore } from './volume-fill';

/** Requests timed per read, one at a time, after an untimed one (a p99 of 200 is their 2nd worst). */
const READ_SAMPLES = 200;
/** Each query timed alone on the database, for the split of a list's time. */
const DATABASE_SAMPLES = 50;
/**
 * A read that slow is far past its target: fewer samples then (its p99 is their worst), so that
 * a list taking seconds does not hold the run for an hour.
 */
const SAMPLING_BUDGET_MS = 30_000;
/** Loads of each console page. */
const PAGE_LOADS = 5;

export async function volumePhase(
  ctx: BenchContext,
  firstSpread: CapacityResult | undefined,
): Promise<void> {
  const { system, config, report } = ctx;
  const placed = await system.storedOrders();
  const missing = Math.max(0, config.volumeStored - placed);
  report.section(
    `volume: ${missing} finished orders written into the store beside the ${placed} placed, with as many reservations and notifications`,
  );
  const filled = await fillStore(
    missing,
    (name) => system.databaseUri(name),
    (written) => console.log(`  … ${written} orders written`),
  );
  report.info(
    'filled',
    `${missing} orders in ${filled.seconds.toFixed(1)} s (${(missing / Math.max(filled.seconds, 0.001)).toFixed(0)} orders/s, 3 documents each)`,
  );
  report.info('orders stored', String(placed + missing));
  // What follows measures a store of that size, not the write-back of the fill: 1.6 GB of WAL in
  // 30 s, whose checkpoint otherwise overlaps the reads and the spread that follow.
  const writtenBack = checkpoint();
  report.info(
    'the fill written to disk (CHECKPOINT)',
    'seconds' in writtenBack
      ? `in ${writtenBack.seconds.toFixed(1)} s`
      : `not done, the figures below include its write-back: ${writtenBack.refused}`,
  );
  await readsPhase(ctx, filled);
  await databaseSplit(ctx, filled);
  await consolePhase(ctx);
  await spreadAgain(ctx, firstSpread);
}

/** One read of the API, timed `READ_SAMPLES` times; `path` gets the request's index. */
interface Read {
  figure: string;
  service: ServiceName;
  path: (index: number) => string;
  admin?: boolean;
  /** Its p99 target, ms (none: a figure for information). */
  p99Ms?: number;
}

interface ListBody {
  total?: number;
  totalIsExact?: boolean;
}

async function readsPhase(ctx: BenchContext, filled: FilledStore): Promise<void> {
  const { report } = ctx;
  report.section(
    `volume: reads, ${READ_SAMPLES} each one at a time after an untimed one (fewer past ${SAMPLING_BUDGET_MS / 1000} s)`,
  );
  for (const read of readsOf(filled)) {
    const { ms, last } = await timeRead(ctx, read);
    const figure = `${read.figure} p50 / p99`;
    const value = `${formatPercentiles(ms, READ_SAMPLES)}${totalOf(last)}`;
    if (read.p99Ms === undefined) report.info(figure, value);
    else report.check(figure, value, `p99 < ${read.p99Ms} ms`, ms.p99 < read.p99Ms);
  }
}

/**
 * The contract's reads (the newest orders, with a status, a customer's, an order by id) and
 * those behind the console's pages (the inventory, the dead letters, an order's notifications).
 */
function readsOf({ regularUserId, orderIds }: FilledStore): Read[] {
  const { listP99Ms: list, byIdP99Ms: byId } = TARGETS.volume;
  const anOrder = (index: number) => encodeURIComponent(orderIds[index % orderIds.length]);
  const orderList = (figure: string, query: string): Read => ({
    figure,
    service: 'order-service',
    path: () => `/api/orders?${query}limit=20`,
    p99Ms: list,
  });
  const orders = [
    orderList('newest orders', ''),
    orderList('newest CONFIRMED', 'status=CONFIRMED&'),
    orderList('newest CANCELLED', 'status=CANCELLED&'),
  ];
  const customer: Read[] = regularUserId
    ? [
        orderList(`a customer's orders (${regularUserId})`, `userId=${regularUserId}&`),
        {
          figure: `a customer's notifications`,
          service: 'notification-service',
          path: () => `/api/notifications?recipient=${regularUserId}&limit=20`,
          admin: true,
        },
      ]
    : [];
  const byIds: Read[] =
    orderIds.length > 0
      ? [
          {
            figure: 'an order by id (random ids)',
            service: 'order-service',
            path: (index) => `/api/orders/${anOrder(index)}`,
            p99Ms: byId,
          },
          {
            figure: "an order's notifications (order detail)",
            service: 'notification-service',
            path: (index) => `/api/notifications?orderId=${anOrder(index)}`,
            admin: true,
          },
        ]
      : [];
  return [
    ...orders,
    ...customer,
    ...byIds,
    {
      figure: 'newest notifications',
      service: 'notification-service',
      path: () => '/api/notifications?limit=20',
      admin: true,
    },
    { figure: 'the inventory', service: 'inventory-service', path: () => '/api/inventory' },
    ...SERVICES.map((service): Read => ({
      figure: `${service} dead letters`,
      service,
      path: () => '/api/admin/dlq?limit=100',
      admin: true,
    })),
  ];
}

async function timeRead(
  { system }: BenchContext,
  read: Read,
): Promise<{ ms: Percentiles; last: unknown }> {
  const options = { admin: read.admin };
  let last: unknown;
  const ms = await timeRepeatedly(READ_SAMPLES, async (index) => {
    last = await expectStatus(
      200,
      'GET',
      `${system.urls[read.service]}${read.path(index)}`,
      options,
    );
  });
  return { ms, last };
}

/**
 * `run` once untimed, then `samples` times one after the other, timed, or as many as fit in
 * SAMPLING_BUDGET_MS (the count says how many).
 */
async function timeRepeatedly(
  samples: number,
  run: (index: number) => Promise<void>,
): Promise<Percentiles> {
  const started = performance.now();
  await run(samples);
  const ms: number[] = [];
  // At least one timed, however long the untimed one took.
  for (
    let i = 0;
    i < samples && (i === 0 || performance.now() - started < SAMPLING_BUDGET_MS);
    i++
  ) {
    const before = performance.now();
    await run(i);
    ms.push(performance.now() - before);
  }
  return percentiles(ms);
}

/** A list's `total` as the API gave it: exact, or a lower bound (`totalIsExact` false). */
function totalOf(body: unknown): string {
  const { total, totalIsExact } = (body ?? {}) as ListBody;
  if (total === undefined) return '';
  return totalIsExact === false ? `; total > ${total} (not exact)` : `; total ${total}`;
}

/** p50 / p99 (max), and how many samples when fewer than `asked` (SAMPLING_BUDGET_MS). */
function formatPercentiles({ p50, p99, max, count }: Percentiles, asked: number): string {
  const samples = count < asked ? `, ${count} samples` : '';
  return `${p50.toFixed(1)} / ${p99.toFixed(1)} ms (max ${max.toFixed(0)}${samples})`;
}

/**
 * A list answers with a page and a count, queried at once (shared/src/database/find-page.ts):
 * the same two queries timed apart on the order service's database, to tell which one costs.
 */
async function databaseSplit(ctx: BenchContext, filled: FilledStore): Promise<void> {
  const { system, report } = ctx;
  report.section(
    `volume: the lists' two queries timed apart on the database, ${DATABASE_SAMPLES} each`,
  );
  const client = await new MongoClient(system.databaseUri('order-service'), {
    maxPoolSize: 1,
  }).connect();
  try {
    const orders = client.db().collection('orders');
    const filters: [string, Record<string, string>][] = [
      ['newest orders', {}],
      ['newest CONFIRMED', { status: 'CONFIRMED' }],
      ['newest CANCELLED', { status: 'CANCELLED' }],
      ...(filled.regularUserId
        ? [
            ["a customer's orders", { userId: filled.regularUserId }] as [
              string,
              Record<string, string>,
            ],
          ]
        : []),
    ];
    // The two queries of shared's findPage, as it sends them.
    for (const [name, filter] of filters) {
      const page = await timeRepeatedly(DATABASE_SAMPLES, async () => {
        await orders.find(filter).sort(NEWEST_FIRST).limit(20).toArray();
      });
      const count = await timeRepeatedly(DATABASE_SAMPLES, async () => {
        await orders.countDocuments(filter, { limit: COUNT_LIMIT });
      });
      report.info(
        `${name}: page of 20 / count to ${COUNT_LIMIT}`,
        `${formatPercentiles(page, DATABASE_SAMPLES)} / ${formatPercentiles(count, DATABASE_SAMPLES)}`,
      );
    }
  } finally {
    await client.close();
  }
}

async function consolePhase(ctx: BenchContext): Promise<void> {
  const { system, report } = ctx;
  report.section(
    `volume: the console's pages in Chromium, ${PAGE_LOADS} loads each, fresh each time`,
  );
  const target = TARGETS.volume.pageMs;
  for (const page of await loadConsolePages(system, PAGE_LOADS)) {
    const { p50, max } = percentiles(page.loadMs);
    const failed = page.failures.length;
    report.check(
      `${page.name} page: request → data shown, p50 / max`,
      [
        page.loadMs.length > 0 &&
          `${p50.toFixed(0)} / ${max.toFixed(0)} ms (document loaded at p50 ${percentiles(page.documentMs).p50.toFixed(0)} ms; ${page.rows} rows)`,
        failed > 0 && `${failed} of ${PAGE_LOADS} not shown: ${page.failures[0]}`,
      ]
        .filter(Boolean)
        .join('; '),
      `max < ${target} ms`,
      failed === 0 && max < target,
    );
  }
}

async function spreadAgain(ctx: BenchContext, firstSpread: CapacityResult | undefined) {
  const { report } = ctx;
  // Its target is the share of the first spread's rate (below), not the spread's own rate.
  const plan = { ...spreadPlan(ctx.config, 'volume-spread'), rateTarget: undefined };
  const again = await capacityPhase(ctx, plan);
  if (!firstSpread) {
    report.info('share of the first spread rate', 'not measured (spread phase not run)');
    return;
  }
  const share = again.rate.perSecond / firstSpread.rate.perSecond;
  report.check(
    'rate with the store full / first spread rate',
    formatShare(share),
    `≥ ${formatShare(TARGETS.volumeShare)}`,
    share >= TARGETS.volumeShare,
  );
}
