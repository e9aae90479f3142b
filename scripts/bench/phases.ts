/**
 * The phases, each on an idle system and each leaving it idle again (drained) for the next one.
 * Each returns its figures and adds them to the report beside their targets.
 */
import { SERVICES } from '@ecommerce/tests-e2e';
import type { BenchSystem, Drained, PhaseScope, Settling } from './bench-system';
import type { Calibration, CommandWindow } from './commands';
import { openCommandWindow, sum } from './commands';
import type { BenchConfig, FloorSetting } from './config';
import { formatFloorSetting, TARGETS } from './config';
import type { FloorResult } from './floor';
import { runFloor } from './floor';
import { closedLoop, steadyRate } from './load';
import type { Report } from './report';
import type { Throughput } from './stats';
import { formatMs, formatRate, formatShare, percentiles, throughput, timesToFinal } from './stats';

export interface BenchContext {
  system: BenchSystem;
  config: BenchConfig;
  calibration: Calibration;
  report: Report;
  /** The floor's pool and prefetch, chosen before the first floor phase (`floorSettingOf`). */
  floorSetting?: FloorSetting;
}

export function reportCalibration({ report, calibration }: BenchContext): void {
  report.section('calibration (idle system)');
  const costs = (kind: keyof Calibration['costPerPoll']) =>
    sum(calibration.costPerPoll[kind]).toFixed(2);
  report.info('idle background, commands/s', sum(calibration.backgroundPerSecond).toFixed(2));
  report.info(
    'commands per poll: notif. / product',
    [costs('notifications'), costs('product')].join(' / '),
  );
}

export async function latencyPhase(ctx: BenchContext): Promise<void> {
  const { system, config, report } = ctx;
  const { rate, seconds } = config.latency;
  report.section(`latency: ${rate} orders/s for ${seconds} s over ${config.products} products`);
  const total = Math.round(rate * seconds);
  const scope = await system.newScope('latency', config.products, total);
  const postMs: number[] = [];
  const arrivals = await steadyRate(rate, seconds, async (index) => {
    postMs.push(await system.placeOrder(scope.userId, productFor(scope, index)));
  });
  reportDrain(ctx, await system.drain(scope, arrivals.placed), arrivals.placed);
  const orders = await system.ordersOf(scope.userId);
  const post = percentiles(postMs);
  const toFinal = percentiles(timesToFinal(orders));
  const confirmed = orders.filter((order) => order.status === 'CONFIRMED').length;
  report.check(
    'orders placed / CONFIRMED',
    `${arrivals.placed} / ${confirmed}`,
    'all CONFIRMED',
    confirmed === arrivals.placed,
  );
  // Arrivals are only steady if the bench kept to its schedule.
  report.info('arrival schedule, worst lag', `${arrivals.worstLagMs.toFixed(0)} ms`);
  report.info('POST p50 / p95 / p99', formatMs(post));
  report.check(
    'POST→final p50 / p95 / p99',
    formatMs(toFinal),
    `p99 < ${TARGETS.postToFinalP99Ms} ms`,
    toFinal.p99 < TARGETS.postToFinalP99Ms,
  );
  await checkStock(ctx, scope, confirmed, 'stock after latency');
}

export interface CapacityResult {
  rate: Throughput;
  commands: CommandWindow;
}

interface CapacityPlan {
  /** A slug: it names the phase's user and the floor's databases. */
  name: string;
  /** None for the volume phase's spread: its target is its share of the first spread's rate. */
  rateTarget?: number;
  orders: number;
  products: number;
  stock: number;
  /** The exact number that must confirm, when stock is short; else all of them. */
  confirms: number;
  /** The share of the floor's rate the system must reach, when the floor runs beside it. */
  floorShare?: number;
}

export const spreadPlan = (config: BenchConfig, name = 'spread'): CapacityPlan => ({
  name,
  rateTarget: TARGETS.spreadPerSecond,
  orders: config.spreadOrders,
  products: config.products,
  // Ample: every order could go to the same product and still be served.
  stock: config.spreadOrders,
  confirms: config.spreadOrders,
  floorShare: TARGETS.floorShare.spread,
});

export const hotPlan = (config: BenchConfig): CapacityPlan => ({
  name: 'hot',
  rateTarget: TARGETS.hotPerSecond,
  orders: config.hot.orders,
  products: 1,
  stock: config.hot.stock,
  confirms: Math.min(config.hot.stock, config.hot.orders),
  floorShare: TARGETS.floorShare.hot,
});

/**
 * `plan.orders` orders from the configured clients, as fast as they are accepted; the rate comes
 * from the orders' own timestamps, the command count from the services' counters less the
 * bench's polls.
 */
export async function capacityPhase(
  ctx: BenchContext,
  plan: CapacityPlan,
): Promise<CapacityResult> {
  const { system, config, calibration, report } = ctx;
  report.section(
    `${plan.name}: ${plan.orders} orders over ${plan.products} product(s) of stock ${plan.stock}, ${config.clients} clients`,
  );
  const scope = await system.newScope(plan.name, plan.products, plan.stock);
  const window = await openCommandWindow(system.counters, system.polls, calibration);
  await closedLoop(config.clients, plan.orders, async (index) => {
    await system.placeOrder(scope.userId, productFor(scope, index));
  });
  const drained = await system.drain(scope, plan.orders);
  const commands = await window.close();
  const rate = throughput(await system.ordersOf(scope.userId));

  report.check(
    'orders CONFIRMED / CANCELLED',
    `${rate.confirmed} / ${rate.cancelled}`,
    plan.confirms === plan.orders ? 'all CONFIRMED' : `exactly ${plan.confirms} CONFIRMED`,
    rate.confirmed === plan.confirms && rate.final === plan.orders,
  );
  report.info('first created → last final', `${(rate.spanMs / 1000).toFixed(1)} s`);
  if (plan.rateTarget === undefined) {
    report.info('orders final per second', formatRate(rate.perSecond));
  } else {
    report.check(
      'orders final per second',
      formatRate(rate.perSecond),
      `≥ ${plan.rateTarget}/s`,
      rate.perSecond >= plan.rateTarget,
    );
  }
  reportDrain(ctx, drained, plan.orders);
  reportSettling(ctx, drained.settling, rate.confirmed, rate.lastFinalAt);
  await checkStock(ctx, scope, rate.confirmed, 'stock at the end');
  reportCommands(ctx, commands, plan.orders, plan.name === 'spread');
  return { rate, commands };
}

export function reportCommands(
  { report }: BenchContext,
  commands: CommandWindow,
  orders: number,
  isTarget: boolean,
): void {
  const perOrder = sum(commands.net) / Math.max(1, orders);
  const figure = 'db commands per order';
  const value = `${perOrder.toFixed(1)} (${sum(commands.raw)} counted − ${sum(commands.polls).toFixed(0)} polls)`;
  if (isTarget) {
    report.check(
      figure,
      value,
      `≤ ${TARGETS.commandsPerOrder}`,
      perOrder <= TARGETS.commandsPerOrder,
    );
  } else {
    report.info(figure, value);
  }
  report.info(
    '  per service: order / inventory / notif.',
    SERVICES.map((name) => (commands.net[name] / Math.max(1, orders)).toFixed(1)).join(' / '),
  );
}

/** Every order notified once; and whether the services went back to idle. */
export function reportDrain({ report }: BenchContext, drained: Drained, orders: number): void {
  report.check(
    'notifications written',
    `${drained.notifications} of ${orders}`,
    'one per order',
    drained.notifications === orders,
  );
  if (drained.failedPolls > 0) {
    report.info('polls that failed while draining', String(drained.failedPolls));
  }
  if (!drained.quiet) {
    report.info('after draining', 'the services kept sending commands (not idle within 15 s)');
  }
}

/**
 * Settled when final: the units still reserved when the last order became final, as a share of
 * the units the phase's orders took (`units`: those CONFIRMED), and none a little later.
 */
export function reportSettling(
  { report }: Pick<BenchContext, 'report'>,
  settling: Settling,
  units: number,
  lastFinalAt: number,
): void {
  const share = units === 0 ? 0 : settling.reservedWhenFinal / units;
  const since = (at: number) => `${Math.max(0, at - lastFinalAt)} ms after the last final`;
  report.check(
    'units reserved when the last order is final',
    `${settling.reservedWhenFinal} of ${units} (${(share * 100).toFixed(1)} %), read ${since(settling.readAt)}`,
    `≤ ${formatShare(TARGETS.reservedWhenFinalShare)}`,
    share <= TARGETS.reservedWhenFinalShare,
  );
  report.check(
    `units reserved ${TARGETS.settledAfterMs / 1000} s later`,
    `${settling.reservedLater}, read ${since(settling.laterAt)}`,
    '0',
    settling.reservedLater === 0,
  );
}

/** Stock never oversold: what left `available` is what was confirmed, and nothing is held. */
export async function checkStock(
  { system, report }: Pick<BenchContext, 'system' | 'report'>,
  scope: PhaseScope,
  confirmedUnits: number,
  figure: string,
): Promise<void> {
  const products = await system.stock(scope);
  const sold = scope.products.reduce((total, p, i) => total + p.stock - products[i].available, 0);
  const reserved = products.reduce((total, p) => total + p.reserved, 0);
  const negative = products.some((p) => p.available < 0);
  const available = products.reduce((total, p) => total + p.available, 0);
  report.check(
    figure,
    `available ${available}, reserved ${reserved}, sold ${sold}`,
    `sold = ${confirmedUnits}, reserved 0`,
    sold === confirmedUnits && reserved === 0 && !negative,
  );
}

/**
 * The floor beside a capacity phase: the same clients, products and stock, on the pool and
 * prefetch that serve the floor best (`floorSettingOf`), not the services' own.
 */
export async function floorPhase(
  ctx: BenchContext,
  plan: CapacityPlan,
  system: Throughput | undefined,
): Promise<void> {
  const { config, report } = ctx;
  const setting = await floorSettingOf(ctx);
  report.section(
    `floor beside ${plan.name} (${config.floorQueueType} queues, ${formatFloorSetting(setting)}${config.floorReleaseHolds ? ', holds released' : ''})`,
  );
  const floor = await runFloorOf(config, plan, setting);
  const { throughput: rate } = floor;
  const available = floor.stock.reduce((total, p) => total + p.available, 0);
  report.check(
    'floor CONFIRMED / CANCELLED, notifications',
    `${rate.confirmed} / ${rate.cancelled}, ${floor.notifications}`,
    `${plan.confirms} CONFIRMED`,
    rate.confirmed === plan.confirms && floor.notifications === plan.orders,
  );
  report.info('floor stock: available', String(available));
  report.info('floor: first created → last final', `${(rate.spanMs / 1000).toFixed(1)} s`);
  report.info('floor orders final per second', formatRate(rate.perSecond));
  if (!system || plan.floorShare === undefined) return; // the floor alone (BENCH_FLOOR_ONLY=1)
  const share = system.perSecond / rate.perSecond;
  report.check(
    `system's share of the floor (${plan.name})`,
    formatShare(share),
    `≥ ${formatShare(plan.floorShare)}`,
    share >= plan.floorShare,
  );
}

function runFloorOf(
  config: BenchConfig,
  plan: Pick<CapacityPlan, 'name' | 'orders' | 'products' | 'stock'>,
  setting: FloorSetting,
): Promise<FloorResult> {
  return runFloor({
    label: plan.name,
    orders: plan.orders,
    clients: config.clients,
    prefetch: setting.prefetch,
    queueType: config.floorQueueType,
    maxPoolSize: setting.pool,
    releaseHolds: config.floorReleaseHolds,
    products: Array.from({ length: plan.products }, (_, i) => ({
      productId: `floor-${plan.name}-p${i + 1}`,
      stock: plan.stock,
    })),
    stallMs: config.stallMs,
    maxWaitMs: config.maxWaitMs,
  });
}

/**
 * The floor runs as fast as the servers allow, so its pool and prefetch are its own: the fastest
 * of BENCH_FLOOR_SETTINGS on a short run of each over the spread's products (once, before the
 * first floor phase; a setting whose run fails is left out). One setting given: that one.
 */
export async function floorSettingOf(ctx: BenchContext): Promise<FloorSetting> {
  const { config, report } = ctx;
  if (ctx.floorSetting) return ctx.floorSetting;
  if (config.floorSettings.length === 1) return (ctx.floorSetting = config.floorSettings[0]);
  const orders = config.floorCalibrationOrders;
  report.section(
    `floor calibration: ${orders} orders over ${config.products} products, ${config.clients} clients, with each setting`,
  );
  let best: { setting: FloorSetting; perSecond: number } | undefined;
  for (const setting of config.floorSettings) {
    const name = `tune-${setting.pool}-${setting.prefetch}`;
    const plan = { name, orders, products: config.products, stock: orders };
    try {
      const { throughput: rate, notifications } = await runFloorOf(config, plan, setting);
      if (rate.confirmed !== orders || notifications !== orders) {
        throw new Error(`${rate.confirmed} CONFIRMED, ${notifications} notified of ${orders}`);
      }
      report.info(`floor, ${formatFloorSetting(setting)}`, formatRate(rate.perSecond));
      if (!best || rate.perSecond > best.perSecond) best = { setting, perSecond: rate.perSecond };
    } catch (error) {
      report.info(`floor, ${formatFloorSetting(setting)}`, `failed: ${String(error)}`);
    }
  }
  if (!best) throw new Error('The floor failed with every setting it tried');
  report.info('floor setting chosen (the fastest)', formatFloorSetting(best.setting));
  return (ctx.floorSetting = best.setting);
}

export async function memoryPhase({ system, report }: BenchContext): Promise<void> {
  report.section('memory at the end');
  const rss = system.residentMemoryMb();
  const heap = await system.heapMb();
  for (const name of SERVICES) {
    report.check(
      `${name} resident`,
      `${rss[name]} MB`,
      `< ${TARGETS.rssMb} MB`,
      rss[name] < TARGETS.rssMb,
    );
    const { heapUsed, heapTotal, external } = heap[name];
    report.info(
      `${name} heap used / heap / external`,
      `${heapUsed} / ${heapTotal} / ${external} MB`,
    );
  }
}

/** Orders go round the phase's products in turn. */
export function productFor(scope: PhaseScope, index: number): string {
  return scope.products[index % scope.products.length].productId;
}
