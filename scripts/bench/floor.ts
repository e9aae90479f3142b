/**
 * The floor: what an order costs on these servers when nothing but its necessary work is done
 * (CONTRACT.md, "Speed": 3 confirmed hops, 5 single-document writes, stock writes serialised
 * per product). It runs on the same RabbitMQ and database as the system, in a vhost and
 * databases of its own that are deleted afterwards.
 *
 * One process per role (floor-role.ts), as the system has one per service: the work is then
 * spread over as many event loops, connections and OS processes as the system's, so the share
 * compares designs, not process layouts. The 32 clients live in the order role's process (the
 * system's order service also takes the orders in), with no HTTP in between: HTTP is not part of
 * an order's necessary work on the database and broker.
 *
 * Each role's driver pool and prefetch are the floor's own (the bench tries a few and keeps the
 * fastest): the floor is the least work done as fast as the servers allow, not at the services'
 * settings. The services cap their pools at 10 because FerretDB v1 on PostgreSQL deadlocked for
 * good once ~50 updates were in flight at once (each held one of its PostgreSQL connections and
 * waited for a second); the project's FerretDB now lets at most 40 commands run at once whatever
 * its clients send (scripts/ferretdb/main.go, -max-commands), so a larger pool only queues there.
 * Its collections are created before the load starts, so that no collection is created while
 * the load runs.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { createTestEnvironment } from '@ecommerce/shared/testing';
import { FatalError, ProgressWatch } from './bench-system';
import type { FloorRole, FloorRoleConfig, FromRole, ToRole } from './floor-protocol';
import { COLLECTIONS, FLOOR_ROLES } from './floor-protocol';
import { sleep, withDeadline } from './load';
import type { OrderTimes, Throughput } from './stats';
import { throughput } from './stats';

export interface FloorRun {
  label: string;
  orders: number;
  clients: number;
  prefetch: number;
  queueType: 'quorum' | 'classic';
  maxPoolSize: number;
  releaseHolds: boolean;
  products: { productId: string; stock: number }[];
  stallMs: number;
  maxWaitMs: number;
}

export interface FloorResult {
  throughput: Throughput;
  notifications: number;
  stock: { productId: string; available: number; reserved: number }[];
}

const START_TIMEOUT_MS = 60_000;
/** No single command of the floor may take this long: it would mean the database is stuck. */
const BOUNDED = { serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 60_000 };
const STOP_TIMEOUT_MS = 10_000;

export async function runFloor(run: FloorRun): Promise<FloorResult> {
  const env = await createTestEnvironment(`bench-floor-${run.label}`);
  const uris = {
    order: env.mongodbUri('floor-order'),
    inventory: env.mongodbUri('floor-inventory'),
    notification: env.mongodbUri('floor-notification'),
  } satisfies Record<FloorRole, string>;
  const mongo = new MongoClient(uris.order.replace(/\/[^/]*$/, '/admin'), BOUNDED);
  const roles = new Map<FloorRole, RoleProcess>();
  // Every collection before the load: creating one under load can wedge FerretDB.
  const prepare = async () => {
    for (const role of FLOOR_ROLES) {
      for (const name of COLLECTIONS[role])
        await mongo.db(dbName(uris[role])).createCollection(name);
    }
    await mongo
      .db(dbName(uris.inventory))
      .collection<{ _id: string }>('products')
      .insertMany(
        run.products.map(({ productId, stock }) => ({
          _id: productId,
          available: stock,
          reserved: 0,
          holds: [],
        })),
      );
  };
  try {
    await withDeadline(prepare(), START_TIMEOUT_MS, 'floor: creating its collections');
    for (const role of FLOOR_ROLES) {
      roles.set(
        role,
        new RoleProcess({
          role,
          rabbitmqUrl: env.rabbitmqUrl,
          mongodbUri: uris[role],
          exchange: 'floor.events',
          prefetch: run.prefetch,
          queueType: run.queueType,
          maxPoolSize: run.maxPoolSize,
          releaseHolds: run.releaseHolds,
        }),
      );
    }
    await Promise.all([...roles.values()].map((role) => role.ready()));

    const order = roles.get('order') as RoleProcess;
    order.send({
      type: 'go',
      userId: `floor-${run.label}`,
      orders: run.orders,
      clients: run.clients,
      productIds: run.products.map((product) => product.productId),
    });
    await order.finished(run.orders, run.stallMs, run.maxWaitMs);

    const db = (role: FloorRole) => mongo.db(dbName(uris[role]));
    const orders = await db('order')
      .collection('orders')
      .find({}, { projection: { status: 1, createdAt: 1, updatedAt: 1 } })
      .toArray();
    const times: OrderTimes[] = orders.map((o) => ({
      status: String(o.status),
      createdAt: (o.createdAt as Date).getTime(),
      updatedAt: (o.updatedAt as Date).getTime(),
    }));
    // The last notifications come after the last order is final; wait for them, unmeasured.
    const notifications = await waitForCount(
      () => db('notification').collection('notifications').countDocuments(),
      run.orders,
      run.stallMs,
    );
    const stock = await db('inventory')
      .collection<{ _id: string; available: number; reserved: number }>('products')
      .find({})
      .toArray();
    return {
      throughput: throughput(times),
      notifications,
      stock: stock.map((p) => ({ productId: p._id, available: p.available, reserved: p.reserved })),
    };
  } finally {
    await Promise.all([...roles.values()].map((role) => role.stop()));
    await mongo.close().catch(() => undefined);
    await withDeadline(
      env.dispose(),
      STOP_TIMEOUT_MS * 3,
      'floor: deleting its vhost and databases',
    );
  }
}

function dbName(uri: string): string {
  return new URL(uri).pathname.slice(1);
}

async function waitForCount(
  count: () => Promise<number>,
  expected: number,
  stallMs: number,
): Promise<number> {
  const watch = new ProgressWatch(stallMs, stallMs * 10);
  let seen = 0;
  await watch.until(200, async () => {
    seen = await count();
    return { done: seen >= expected, progress: seen, state: `${seen} of ${expected} written` };
  });
  return seen;
}

/** One role's child process and the messages it sends. */
class RoleProcess {
  private readonly child: ChildProcess;
  private readonly messages: FromRole[] = [];
  private exited = false;
  private readonly output: string[] = [];

  constructor(readonly config: FloorRoleConfig) {
    this.child = fork(path.join(__dirname, 'floor-role.ts'), [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, FLOOR_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.on('message', (message: FromRole) => this.messages.push(message));
    this.child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.once('exit', () => (this.exited = true));
  }

  send(message: ToRole): void {
    this.child.send(message);
  }

  async ready(): Promise<void> {
    await this.waitFor((m) => m.type === 'ready', START_TIMEOUT_MS, 'to start');
  }

  /** Waits for `done`, failing when the count of final orders stops moving for `stallMs`. */
  async finished(orders: number, stallMs: number, maxWaitMs: number): Promise<void> {
    const watch = new ProgressWatch(stallMs, maxWaitMs);
    await watch.until(100, async () => {
      this.throwIfFailed();
      const done = this.messages.some((m) => m.type === 'done');
      const final = this.messages.reduce((n, m) => (m.type === 'progress' ? m.final : n), 0);
      this.messages.length = 0;
      return { done, progress: final, state: `floor: ${final} of ${orders} orders final` };
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.send({ type: 'stop' });
    const inTime = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS)]);
    // Only this child, by its own handle, when it did not stop by itself.
    if (!inTime) this.child.kill('SIGKILL');
  }

  private async waitFor(match: (m: FromRole) => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!this.messages.some(match)) {
      this.throwIfFailed();
      if (Date.now() > deadline) throw new Error(`floor ${this.config.role} took too long ${what}`);
      await sleep(50);
    }
  }

  private throwIfFailed(): void {
    const failure = this.messages.find((m) => m.type === 'failed');
    if (failure && failure.type === 'failed') throw new FatalError(`floor ${failure.error}`);
    if (this.exited) {
      throw new FatalError(
        `floor ${this.config.role} exited: ${this.output.join('').slice(-2000)}`,
      );
    }
  }
}
