import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServiceName } from '@ecommerce/tests-e2e';
import { SERVICES, System } from '@ecommerce/tests-e2e';
import { FatalError, ProgressWatch } from '../bench/bench-system';
import { expectStatus, request } from '../bench/http';
import { sleep, withDeadline } from '../bench/load';
import type { Rig } from './faults';
import { inject } from './faults';
import type { FinalState, InvariantResult } from './invariants';
import { checkInvariants } from './invariants';
import { OrderLoad } from './load';
import type { ChaosOptions } from './options';
import type { FaultKind, PlannedFault } from './schedule';
import { FAULT_DESCRIPTIONS, planFaults, seededRandom } from './schedule';
import { ChaosDatabase, rabbitmqRuns, startRabbitmq } from './servers';
import { Toxiproxy } from './toxiproxy';

/** A fault as it happened. */
export interface FaultRecord {
  fault: PlannedFault;
  /** From the start of the load, ms. */
  startedMs: number;
  detail: string;
  /** When the fault was over: the server back, the route restored (epoch ms). */
  overAt: number;
  /** From the fault's end to every service healthy. */
  recoveredMs: number;
}

export interface ChaosResult {
  faults: FaultRecord[];
  invariants: InvariantResult[];
  figures: string;
  passed: boolean;
}

const PRODUCTS = 10;
/** Every service must answer its health check with 200 this soon after a fault is over. */
const RECOVERY_TIMEOUT_MS = 90_000;
/** The load goes on at least this long after the last fault. */
const LOAD_AFTER_FAULTS_MS = 5_000;
/** Once the faults are over, each stage of settling (orders final, stock released) must move within this. */
const SETTLE_STALL_MS = 60_000;

/**
 * One chaos run: the system under a steady load of orders while the planned faults strike one
 * after another; then, once the system is quiet, the invariants. Prints as it goes.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const random = seededRandom(options.seed);
  const plan = planFaults({
    kinds: options.faults,
    repeat: options.repeat,
    durationMs: options.durationSeconds * 1000,
    warmupMs: Math.min(10_000, (options.durationSeconds * 1000) / 10),
    random,
  });
  console.log(
    `Chaos: seed ${options.seed}, ${options.durationSeconds} s, ${options.clients} clients at ${options.rate} orders/s, ` +
      `${plan.length} faults (${options.faults.length} kinds × ${options.repeat})`,
  );
  console.log(`Replay this run: npm run chaos -- ${replayArguments(options)}`);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'chaos-'));
  const database = await ChaosDatabase.create(path.join(workDir, 'started'));
  let toxiproxy: Toxiproxy | undefined;
  let system: System | undefined;
  let passed = false;
  try {
    await database.ensureRunning();
    checkNotInterrupted();
    toxiproxy = await Toxiproxy.start();
    const routes = await routesFor(toxiproxy, database);
    checkNotInterrupted();
    system = await System.start('chaos', {
      mongodbUrl: database.url,
      route: (name, server, url) =>
        server === 'rabbitmq' ? routes[name].broker.route(url) : routes[name].database.route(url),
      // The services' own retry budget (1 s doubling over 5 attempts: about 15 s), as npm start
      // runs them: a fault shorter than that must cost no dead letter. Their logs are kept for
      // when an invariant breaks.
      env: Object.fromEntries(
        SERVICES.map((name) => [name, { RETRY_BASE_DELAY_MS: '1000', LOG_LEVEL: 'info' }]),
      ),
    });
    const result = await drive(
      { system, database, routes, random: seededRandom(~options.seed) },
      plan,
      options,
    );
    passed = result.passed;
    return result;
  } finally {
    // Whether the run ended, failed or was interrupted: no server left down, nothing left running.
    await step('starting what a fault cut short again', () => healServers(database));
    if (system && !passed) saveLogs(system, options.seed);
    const services = system;
    await step('stopping the services', () =>
      services ? withDeadline(services.stop(), 60_000, 'stopping the services') : undefined,
    );
    await step('stopping Toxiproxy', () => toxiproxy?.stop());
    await step("stopping the run's FerretDB", () => database.stop());
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** One step of the clean-up: a failure is said, and the next steps still run. */
async function step(what: string, work: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(`While ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A run stopped by a signal (Ctrl-C). */
export class ChaosInterrupted extends FatalError {
  constructor() {
    super('The chaos run was interrupted');
  }
}

/** Set by a signal: the run stops before its next fault (the one in progress heals first). */
const interruption = new AbortController();

export function interruptChaos(): void {
  interruption.abort();
}

function checkNotInterrupted(): void {
  if (interruption.signal.aborted) throw new ChaosInterrupted();
}

/** Waits `ms`, or less when the run is interrupted (then throws). */
async function pause(ms: number): Promise<void> {
  checkNotInterrupted();
  if (ms <= 0) return;
  await setTimeout(ms, undefined, { signal: interruption.signal }).catch(() => undefined);
  checkNotInterrupted();
}

/** A fault cut short leaves no server down: FerretDB thawed, RabbitMQ started again. */
async function healServers(database: ChaosDatabase): Promise<void> {
  const pid = database.pid();
  if (pid !== undefined) process.kill(pid, 'SIGCONT');
  if (!(await rabbitmqRuns())) await startRabbitmq();
}

async function drive(rig: Rig, plan: PlannedFault[], options: ChaosOptions): Promise<ChaosResult> {
  const { system } = rig;
  const expectedUnits = options.rate * options.durationSeconds * 1.5 * 2;
  // Less stock than the orders ask for, so that some are refused and their holds released.
  const stock = Math.max(20, Math.round((expectedUnits * 0.7) / PRODUCTS));
  const initialStock = new Map<string, number>();
  for (let i = 0; i < PRODUCTS; i++) initialStock.set(await system.createProduct(stock), stock);

  const load = new OrderLoad({
    ordersUrl: system.orders(),
    clients: options.clients,
    rate: options.rate,
    productIds: [...initialStock.keys()],
    cancelShare: 0.05,
    runId: system.env.runId,
    randomFor: (client) => seededRandom(options.seed + 1 + client),
  });
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const records: FaultRecord[] = [];
  console.log(`\n ${'#'.padStart(2)}  ${'at'.padStart(7)}  fault`);
  try {
    for (const [index, fault] of plan.entries()) {
      await pause(fault.atMs - elapsed());
      const startedMs = elapsed();
      const detail = await inject(fault, rig);
      const healed = Date.now();
      await waitHealthy(system);
      const record = { fault, startedMs, detail, overAt: healed, recoveredMs: Date.now() - healed };
      records.push(record);
      console.log(faultRow(index, record));
    }
    // Orders keep coming for a while after the last fault: the system must take them again.
    await pause(Math.max(options.durationSeconds * 1000 - elapsed(), LOAD_AFTER_FAULTS_MS));
  } finally {
    await load.stop();
  }
  const loadSeconds = elapsed() / 1000;
  console.log(`\nLoad stopped after ${loadSeconds.toFixed(0)} s; waiting for the system to settle`);
  const settledIn = await settle(system);
  const state = await readFinalState(system, load, initialStock, records);
  const invariants = checkInvariants(state);
  const figures = describeFigures(state, load, { loadSeconds, settledIn });
  printSummary(records, invariants, figures);
  return {
    faults: records,
    invariants,
    figures,
    passed: invariants.every((result) => result.held),
  };
}

async function routesFor(toxiproxy: Toxiproxy, database: ChaosDatabase) {
  const brokerUrl = process.env.TEST_RABBITMQ_URL ?? 'amqp://user:password@127.0.0.1:5672';
  const entries = await Promise.all(
    SERVICES.map(async (name) => {
      const routes = {
        broker: await toxiproxy.proxy(`${name}-rabbitmq`, brokerUrl),
        database: await toxiproxy.proxy(`${name}-database`, database.url),
      };
      return [name, routes] as const;
    }),
  );
  return Object.fromEntries(entries) as Rig['routes'];
}

async function waitHealthy(system: System): Promise<void> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  for (const name of SERVICES) {
    for (;;) {
      const status = await healthOf(system, name);
      if (status === 200) break;
      checkNotInterrupted();
      if (Date.now() > deadline) {
        throw new Error(
          `${name} was not healthy within ${RECOVERY_TIMEOUT_MS / 1000} s of a fault (${status})`,
        );
      }
      await sleep(200);
    }
  }
}

async function healthOf(system: System, name: ServiceName): Promise<number> {
  return (await request('GET', `${system.url(name)}/api/health`).catch(() => ({ status: 0 })))
    .status;
}

interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Waits until no order is PENDING, no unit is reserved and every final order has its
 * notification sent, or until a stage stops moving for SETTLE_STALL_MS.
 * Resolves with the seconds it took.
 */
async function settle(system: System): Promise<number> {
  const started = Date.now();
  // Not fatal: what is left when progress stops is for the invariants to name.
  const watch = new ProgressWatch(SETTLE_STALL_MS, 10 * 60_000, { fatal: false });
  await watch.until(1000, async () => {
    checkNotInterrupted();
    const pending = await total(system.orders('?status=PENDING&limit=1'));
    return { done: pending === 0, progress: pending, state: `${pending} orders PENDING` };
  });
  await watch.until(1000, async () => {
    checkNotInterrupted();
    const inventory = await expectStatus<{ totalReserved: number }>(
      200,
      'GET',
      system.inventory('?include=totals'),
    );
    const reserved = inventory.totalReserved;
    return { done: reserved === 0, progress: reserved, state: `${reserved} units reserved` };
  });
  const orders = await total(system.orders('?limit=1'));
  await watch.until(1000, async () => {
    checkNotInterrupted();
    const sent = await total(system.notifications('?status=SENT&limit=1'), true);
    return {
      done: sent >= orders,
      progress: sent,
      state: `${sent} notifications sent for ${orders} orders`,
    };
  });
  return (Date.now() - started) / 1000;
}

async function total(url: string, admin = false): Promise<number> {
  return (await expectStatus<Page<unknown>>(200, 'GET', url, { admin })).total;
}

/** Every item of a paged list, 100 at a time. */
async function everything<T>(url: (query: string) => string, admin = false): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await expectStatus<Page<T>>(200, 'GET', url(`?limit=100&offset=${offset}`), {
      admin,
    });
    items.push(...page.items);
    if (page.items.length < 100) return items;
  }
}

async function readFinalState(
  system: System,
  load: OrderLoad,
  initialStock: Map<string, number>,
  faults: FaultRecord[],
): Promise<FinalState> {
  const deadLetters = async (name: ServiceName) =>
    await total(`${system.url(name)}/api/admin/dlq?limit=1`, true);
  const perService = async <T>(read: (name: ServiceName) => Promise<T>) =>
    Object.fromEntries(
      await Promise.all(SERVICES.map(async (name) => [name, await read(name)])),
    ) as Record<ServiceName, T>;
  return {
    attempts: load.attempts,
    orders: await everything((query) => system.orders(query)),
    initialStock,
    products: await Promise.all(
      [...initialStock.keys()].map((id) =>
        expectStatus<FinalState['products'][number]>(200, 'GET', system.inventory(`/${id}`)),
      ),
    ),
    notifications: await everything((query) => system.notifications(query), true),
    deadLetters: await perService(deadLetters),
    health: await perService((name) => healthOf(system, name)),
    faultsOverAt: faults.map((record) => record.overAt),
  };
}

function describeFigures(
  state: FinalState,
  load: OrderLoad,
  times: { loadSeconds: number; settledIn: number },
): string {
  const count = (predicate: (status: number | null) => boolean) =>
    state.attempts.filter((attempt) => predicate(attempt.status)).length;
  const unanswered = state.attempts.filter((attempt) => attempt.status !== 201);
  const madeAnyway = unanswered.filter((attempt) =>
    state.orders.some((order) => order.userId === attempt.userId),
  ).length;
  const statuses = (status: string) =>
    state.orders.filter((order) => order.status === status).length;
  const unitsSold = state.orders
    .filter((order) => order.status === 'CONFIRMED')
    .reduce(
      (sum, order) => sum + order.products.reduce((lines, line) => lines + line.quantity, 0),
      0,
    );
  const deadLetters = Object.values(state.deadLetters).reduce((a, b) => a + b, 0);
  return [
    `${state.attempts.length} orders sent in ${times.loadSeconds.toFixed(0)} s`,
    `${count((status) => status === 201)} answered 201`,
    `${count((status) => status !== null && status >= 500)} answered 5xx`,
    `${count((status) => status === null)} without an answer`,
    `${madeAnyway} of those ${unanswered.length} stored`,
    `${load.cancellations} cancelled by their client`,
    `${statuses('CONFIRMED')} CONFIRMED / ${statuses('CANCELLED')} CANCELLED`,
    `${unitsSold} units sold`,
    `${state.notifications.length} notifications`,
    `${deadLetters} dead letters`,
    `settled ${times.settledIn.toFixed(0)} s after the load`,
  ].join(', ');
}

function faultRow(index: number, record: FaultRecord): string {
  const { fault } = record;
  const what = [
    fault.kind,
    fault.target,
    fault.kind === 'kill-postgres' ? undefined : `${(fault.holdMs / 1000).toFixed(1)} s`,
  ].filter(Boolean);
  return (
    ` ${String(index + 1).padStart(2)}  ${(record.startedMs / 1000).toFixed(1).padStart(6)}s  ` +
    `${what.join(', ').padEnd(44)}  ${record.detail}; healthy ${(record.recoveredMs / 1000).toFixed(1)} s later`
  );
}

function printSummary(
  records: FaultRecord[],
  invariants: InvariantResult[],
  figures: string,
): void {
  const kinds = new Map<FaultKind, number>();
  for (const record of records)
    kinds.set(record.fault.kind, (kinds.get(record.fault.kind) ?? 0) + 1);
  const slowest = (kind: FaultKind) =>
    Math.max(
      ...records.filter((record) => record.fault.kind === kind).map((record) => record.recoveredMs),
    );
  console.log(
    `\n${'fault'.padEnd(26)}  ${'times'.padStart(5)}  ${'slowest recovery'.padStart(16)}  what it is`,
  );
  console.log('-'.repeat(110));
  for (const [kind, times] of kinds) {
    console.log(
      `${kind.padEnd(26)}  ${String(times).padStart(5)}  ${`${(slowest(kind) / 1000).toFixed(1)} s`.padStart(16)}  ${FAULT_DESCRIPTIONS[kind]}`,
    );
  }
  console.log(`\n${figures}\n`);
  for (const result of invariants) {
    console.log(`${result.held ? 'held    ' : 'BROKEN  '}${result.invariant}`);
    for (const violation of result.violations) console.log(`          ${violation}`);
  }
  const broken = invariants.filter((result) => !result.held).length;
  console.log(broken === 0 ? '\nEvery invariant held.' : `\n${broken} invariant(s) broken.`);
}

/** Each service's log (every instance it was, one after another) under .data/chaos/. */
function saveLogs(system: System, seed: number): void {
  const dir = path.resolve(__dirname, `../../.data/chaos/seed-${seed}-${system.env.runId}`);
  mkdirSync(dir, { recursive: true });
  for (const name of SERVICES) {
    writeFileSync(path.join(dir, `${name}.log`), system.services[name].logs());
  }
  console.log(`The services' logs: ${path.relative(process.cwd(), dir)}/`);
}

function replayArguments(options: ChaosOptions): string {
  return [
    `--seed ${options.seed}`,
    `--duration ${options.durationSeconds}`,
    `--clients ${options.clients}`,
    `--rate ${options.rate}`,
    `--repeat ${options.repeat}`,
    `--faults ${options.faults.join(',')}`,
  ].join(' ');
}
