/**
 * `npm run bench`: the whole system under load, on this machine's RabbitMQ and database.
 *
 * Starts the three built services as processes (a private vhost and databases, as the
 * end-to-end tests do) and runs two phases, each ending when every order is final:
 *   1. latency: ORDERS orders arriving at RATE per second, well below capacity; reports the HTTP
 *      latency of POST /api/orders and the time from placing to CONFIRMED (the order's
 *      updatedAt − createdAt), p50/p95/p99;
 *   2. capacity: ORDERS orders from CONCURRENCY clients as fast as they are accepted; reports
 *      how many orders per second the system takes to their final status.
 * Then each service's resident memory. Targets are printed beside the figures; the script exits
 * 1 when one is missed. On FerretDB every update costs a few milliseconds and grows with the
 * collection, so capacity here is the database's, not the services' (see README, Benchmarks).
 *
 *   RATE=10 ORDERS=200 CONCURRENCY=8 npm run bench
 */
import { eventually } from '@ecommerce/shared/testing';
import { call } from '../tests-e2e/support/http';
import { SERVICES, System } from '../tests-e2e/support/system';

const ORDERS = Number(process.env.ORDERS ?? 200);
const RATE = Number(process.env.RATE ?? 8);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const TARGETS = { postP95Ms: 250, confirmP95Ms: 1_500, ordersPerSecond: 3, rssMb: 250 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  process.env.E2E_LOG_LEVEL ??= 'warn';
  const system = await System.start('bench');
  try {
    const orders = `${system.url('order-service')}/api/orders`;
    const productId = 'bench-product';
    await call('POST', `${system.url('inventory-service')}/api/inventory/${productId}`, {
      admin: true,
      body: { quantity: ORDERS * 10 },
    });

    const place = async (userId: string, latencies: number[]) => {
      const before = performance.now();
      const response = await call('POST', orders, {
        body: { userId, products: [{ productId, quantity: 1 }], totalPrice: 1 },
      });
      latencies.push(performance.now() - before);
      if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
    };
    const allFinal = (userId: string) =>
      eventually(
        async () => {
          const pending = await call('GET', `${orders}?userId=${userId}&status=PENDING&limit=1`);
          if (pending.body.total !== 0) throw new Error(`${pending.body.total} still PENDING`);
        },
        { timeoutMs: 300_000, intervalMs: 500 },
      );

    // Phase 1: latency at a steady arrival rate.
    const postLatencies: number[] = [];
    const placed: Promise<void>[] = [];
    for (let i = 0; i < ORDERS; i++) {
      placed.push(place('bench-latency', postLatencies));
      await sleep(1000 / RATE);
    }
    await Promise.all(placed);
    await allFinal('bench-latency');
    const confirmLatencies: number[] = [];
    for (let offset = 0; offset < ORDERS; offset += 100) {
      const page = await call('GET', `${orders}?userId=bench-latency&limit=100&offset=${offset}`);
      for (const order of page.body.items) {
        if (order.status !== 'CONFIRMED') throw new Error(`Order ${order.id} is ${order.status}`);
        confirmLatencies.push(Date.parse(order.updatedAt) - Date.parse(order.createdAt));
      }
    }

    // Phase 2: capacity, as fast as the clients are answered.
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          next += 1;
          await place('bench-capacity', []);
        }
      }),
    );
    await allFinal('bench-capacity');
    const ordersPerSecond = ORDERS / ((performance.now() - started) / 1000);

    const post = summary(postLatencies);
    const confirm = summary(confirmLatencies);
    const rss = Object.fromEntries(
      SERVICES.map((name) => [name, system.services[name].residentMemoryMb()]),
    );
    const rows: Array<[string, string, string]> = [
      ['latency phase', `${ORDERS} orders at ${RATE}/s`, ''],
      ['POST p50 / p95 / p99', ms(post), `p95 < ${TARGETS.postP95Ms} ms`],
      ['to CONFIRMED p50 / p95 / p99', ms(confirm), `p95 < ${TARGETS.confirmP95Ms} ms`],
      ['capacity phase', `${ORDERS} orders, ${CONCURRENCY} clients`, ''],
      ['orders final per second', ordersPerSecond.toFixed(1), `> ${TARGETS.ordersPerSecond}`],
      ...SERVICES.map((name): [string, string, string] => [
        `${name} RSS`,
        `${rss[name]} MB`,
        `< ${TARGETS.rssMb} MB`,
      ]),
    ];
    for (const [what, value, target] of rows) {
      console.log(`${what.padEnd(32)} ${value.padEnd(28)} ${target}`);
    }
    const missed =
      post.p95 > TARGETS.postP95Ms ||
      confirm.p95 > TARGETS.confirmP95Ms ||
      ordersPerSecond < TARGETS.ordersPerSecond ||
      Object.values(rss).some((mb) => mb > TARGETS.rssMb);
    if (missed) {
      console.log('A target was missed.');
      process.exitCode = 1;
    }
  } catch (error) {
    // Show what the services complained about: the figures are worthless, the cause is not.
    for (const name of SERVICES) {
      const complaints = system.services[name]
        .logs()
        .split('\n')
        .filter((line) => /"level":"(warn|error)"/.test(line));
      console.error(`--- ${name}: ${complaints.length} warnings and errors, the first ones:`);
      console.error(complaints.slice(0, 8).join('\n'));
    }
    throw error;
  } finally {
    await system.stop();
  }
}

function ms({ p50, p95, p99 }: { p50: number; p95: number; p99: number }): string {
  return `${p50.toFixed(0)} / ${p95.toFixed(0)} / ${p99.toFixed(0)} ms`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
