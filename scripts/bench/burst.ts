/**
 * The burst phase (CONTRACT.md, "Speed", this season's additions): `clients` clients, one order
 * each, all at the same instant, each on a connection of its own; first over the spread's
 * products (stock for all), then on one product with stock for half of them. Each round on an
 * idle system, drained afterwards like the other phases.
 */
import { readFileSync } from 'node:fs';
import type { StoredOrder } from './bench-system';
import { openCommandWindow } from './commands';
import { TARGETS } from './config';
import type { Outcome } from './http';
import type { Released } from './load';
import { atOnce } from './load';
import type { BenchContext } from './phases';
import { checkStock, productFor, reportCommands, reportDrain, reportSettling } from './phases';
import { formatRate, formatShare, percentiles, throughput } from './stats';

interface BurstRound {
  name: string;
  clients: number;
  products: number;
  stock: number;
}

export async function burstPhase(ctx: BenchContext, clients: number): Promise<void> {
  checkOwnLimits(clients);
  const { products } = ctx.config;
  // Stock for every order on each product, as the spread phase has: none is turned away.
  await burstRound(ctx, { name: 'burst', clients, products, stock: clients });
  await burstRound(ctx, { name: 'burst-hot', clients, products: 1, stock: clients >> 1 });
}

async function burstRound(ctx: BenchContext, round: BurstRound): Promise<void> {
  const { system, calibration, report } = ctx;
  report.section(
    `${round.name}: ${round.clients} clients at once, one order each on its own connection, over ${round.products} product(s) of stock ${round.stock}`,
  );
  const scope = await system.newScope(round.name, round.products, round.stock);
  const starts = Array.from({ length: round.clients }, (_, index) =>
    system.prepareOrder(scope.userId, productFor(scope, index)),
  );
  const window = await openCommandWindow(system.counters, system.polls, calibration);
  const released = await atOnce(starts);
  const answers = tally(released);
  const accepted = answers.accepted.size;
  const drained = await system.drain(scope, accepted);
  const commands = await window.close();
  const orders = await system.ordersOf(scope.userId);

  report.info('clients started (before the release)', `in ${released.startMs.toFixed(0)} ms`);
  reportAnswers(ctx, answers);
  reportFinal(ctx, round, released, answers, orders);
  reportDrain(ctx, drained, accepted);
  const { confirmed, lastFinalAt } = throughput(orders);
  reportSettling(ctx, drained.settling, confirmed, lastFinalAt);
  await checkStock(ctx, scope, confirmed, 'stock at the end');
  reportCommands(ctx, commands, accepted, false);
}

/** The answers and failures of one burst, sorted. */
interface Answers {
  /** How many answers of each status (a 201 whose body names no order: `201 unreadable`). */
  byStatus: Map<string, number>;
  /** Connections that brought no answer, by error code (`timeout`: none within the limit). */
  failures: Map<string, number>;
  /** Each answer's time from the release, ms. */
  answerMs: number[];
  /** The ids of the orders answered 201. */
  accepted: Set<string>;
  shed: number;
  /** 503s with a Retry-After and the contract's error body. */
  shedWellFormed: number;
  /** The 503s' error codes (`none`: no error body), to say why they were turned away. */
  shedCodes: Map<string, number>;
}

function tally({ outcomes, releasedAt }: Released<Outcome>): Answers {
  const answers: Answers = {
    byStatus: new Map(),
    failures: new Map(),
    answerMs: [],
    accepted: new Set(),
    shed: 0,
    shedWellFormed: 0,
    shedCodes: new Map(),
  };
  const add = (counts: Map<string, number>, key: string) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const outcome of outcomes) {
    if (outcome.kind === 'failed') {
      add(answers.failures, outcome.reason);
      continue;
    }
    answers.answerMs.push(outcome.at - releasedAt);
    let status = String(outcome.status);
    if (outcome.status === 201) {
      const id = (parseJson(outcome.text) as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') answers.accepted.add(id);
      else status = '201 unreadable';
    }
    if (outcome.status === 503) {
      const body = parseJson(outcome.text);
      answers.shed += 1;
      if (isRetryAfter(outcome.retryAfter) && isErrorBody(body)) answers.shedWellFormed += 1;
      add(answers.shedCodes, isErrorBody(body) ? body.error.code : 'none');
    }
    add(answers.byStatus, status);
  }
  return answers;
}

function reportAnswers({ report }: BenchContext, answers: Answers): void {
  const failed = [...answers.failures.values()].reduce((a, b) => a + b, 0);
  report.check(
    'connection errors',
    failed === 0 ? '0' : `${failed}: ${describeCounts(answers.failures)}`,
    '0',
    failed === 0,
  );
  const shedShare = answers.answerMs.length === 0 ? 0 : answers.shed / answers.answerMs.length;
  const others = [...answers.byStatus.keys()].filter((status) => !['201', '503'].includes(status));
  report.check(
    'answers by status',
    `${describeCounts(answers.byStatus)} (${formatShare(shedShare)} 503)`,
    `201 or 503, ≤ ${formatShare(TARGETS.burst.shedShare)} 503`,
    others.length === 0 && shedShare <= TARGETS.burst.shedShare,
  );
  if (answers.shed === 0) {
    report.info('503s with Retry-After and an error body', 'none answered 503');
  } else {
    report.check(
      '503s with Retry-After and an error body',
      `${answers.shedWellFormed} of ${answers.shed} (${describeCounts(answers.shedCodes)})`,
      'all',
      answers.shedWellFormed === answers.shed,
    );
  }
  const post = percentiles(answers.answerMs);
  report.check(
    'POST p50 / p99 / max (from the release)',
    [post.p50, post.p99, post.max].map((ms) => ms.toFixed(0)).join(' / ') + ' ms',
    `p99 < ${TARGETS.burst.postP99Ms} ms`,
    post.p99 < TARGETS.burst.postP99Ms,
  );
}

/** Every order answered 201 is final, and when the last one became so. */
function reportFinal(
  { report }: BenchContext,
  round: BurstRound,
  released: Released<Outcome>,
  answers: Answers,
  orders: StoredOrder[],
): void {
  const mine = orders.filter((order) => answers.accepted.has(order.id));
  const final = mine.filter((order) => order.status !== 'PENDING');
  const confirmed = mine.filter((order) => order.status === 'CONFIRMED').length;
  const accepted = answers.accepted.size;
  report.check(
    'orders answered 201 / final',
    `${accepted} / ${final.length}`,
    'every 201 final',
    final.length === accepted,
  );
  // Stock for all in the first round; in the second, for half of the clients.
  const confirms = Math.min(accepted, round.stock);
  report.check(
    'orders CONFIRMED / CANCELLED',
    `${confirmed} / ${final.length - confirmed}`,
    confirms === accepted ? 'all CONFIRMED' : `exactly ${confirms} CONFIRMED`,
    confirmed === confirms,
  );
  if (orders.length !== mine.length) {
    // A client that lost its connection after the order was taken: stored, never answered.
    report.info('orders stored without a 201', String(orders.length - mine.length));
  }
  const lastFinal = final.reduce((last, order) => Math.max(last, order.updatedAt), 0);
  const allFinalMs = Math.max(1, lastFinal - released.releasedAtEpoch);
  const allFinal = `${(allFinalMs / 1000).toFixed(1)} s`;
  if (round.clients <= TARGETS.burst.allFinalUpToClients) {
    report.check(
      'release → every 201 final',
      allFinal,
      `≤ ${TARGETS.burst.allFinalMs / 1000} s`,
      final.length === accepted && allFinalMs <= TARGETS.burst.allFinalMs,
    );
  } else {
    report.info('release → every 201 final', allFinal);
  }
  report.info(
    'orders final per second (from the release)',
    formatRate(final.length / (allFinalMs / 1000)),
  );
}

/**
 * The bench's own limits must not be what fails: each client holds a file descriptor, here and
 * in the order service (which inherits this process's limit; scripts/bench.sh raises it to the
 * hard limit), and a local port for its connection and for a while after.
 */
function checkOwnLimits(clients: number): void {
  const openFiles = readProc('/proc/self/limits', /Max open files\s+(\d+|unlimited)/);
  // The services' sockets to the servers, the bench's keep-alive sockets, pipes, and a margin.
  const needed = clients + 512;
  if (openFiles !== undefined && openFiles < needed) {
    throw new Error(
      `The burst of ${clients} needs about ${needed} open files, and this process may open ${openFiles}: raise ulimit -n`,
    );
  }
  const ports = readProc('/proc/sys/net/ipv4/ip_local_port_range', /(\d+)\s+(\d+)/, true);
  // Both rounds' connections, the first ones possibly still in TIME_WAIT.
  if (ports !== undefined && ports < 2 * clients + 1_000) {
    throw new Error(
      `The burst of ${clients} needs about ${2 * clients + 1_000} local ports, and ${ports} are configured (net.ipv4.ip_local_port_range)`,
    );
  }
}

/** A number from a /proc file (undefined off Linux, or when unlimited); `range`: last − first. */
function readProc(file: string, pattern: RegExp, range = false): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const match = pattern.exec(text);
  if (!match || match[1] === 'unlimited') return undefined;
  return range ? Number(match[2]) - Number(match[1]) + 1 : Number(match[1]);
}

/** `201: 1990, 503: 10`, most frequent first. */
function describeCounts(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Seconds (a whole number) or an HTTP date, as RFC 9110 allows. */
function isRetryAfter(value: string | undefined): boolean {
  return value !== undefined && (/^\d+$/.test(value.trim()) || !Number.isNaN(Date.parse(value)));
}

interface ErrorBody {
  error: { code: string; message: string };
}

/** The contract's error body: `{error: {code: UPPER_SNAKE, message}}`. */
function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return (
    typeof error?.code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(error.code) &&
    typeof error.message === 'string'
  );
}
