import { randomUUID } from 'node:crypto';
import { BSONRegExp, MongoClient, ObjectId, Timestamp } from 'mongodb';
import type { Collection, Document, Filter } from 'mongodb';
import { createTestEnvironment, eventually } from '@ecommerce/shared/testing';
import type { TestEnvironment } from '@ecommerce/shared/testing';
import type { Plan } from './support/ferretdb-tables';
import { tableReads } from './support/ferretdb-tables';

/**
 * The development database's list queries (scripts/ferretdb): FerretDB v1 answered
 * `find(filter).sort({createdAt: -1, _id: 1}).skip(s).limit(l)` by reading every document the
 * filter might match and sorting them in Go (18–24 s at 245,000 orders), though the collection
 * declares indexes for it. Patched, it reads the first skip+limit from the index, plus what a
 * descending sort in MongoDB's order could put among them (list-queries-use-their-indexes.patch):
 * the results must stay MongoDB's, whatever the types of `createdAt` and `userId`.
 */
let env: TestEnvironment;
let client: MongoClient;

beforeAll(async () => {
  env = await createTestEnvironment('ferretdb-list-queries');
  client = await MongoClient.connect(env.mongodbUri('lists'));
});

afterAll(async () => {
  await client?.close();
  await env?.dispose();
});

const newestFirst = { createdAt: -1, _id: 1 } as const;
type Order = Document & { _id: string };

/** The order service's indexes (services/order-service/src/data-access/order-model.ts). */
async function ordersCollection(name: string): Promise<Collection<Order>> {
  const orders = client.db().collection<Order>(name);
  await orders.createIndex({ createdAt: -1, _id: 1 });
  await orders.createIndex({ userId: 1, createdAt: -1 });
  await orders.createIndex({ status: 1, createdAt: -1 });
  return orders;
}

const ids = (documents: Order[]) => documents.map((document) => document._id);

/** One page as the order service asks for it (shared/src/database/find-page.ts). */
const page = (orders: Collection<Order>, filter: Filter<Order>, skip: number, limit = 20) =>
  orders.find(filter).sort(newestFirst).skip(skip).limit(limit).toArray().then(ids);

/**
 * Every matching document, sorted: without a limit FerretDB reads them all and sorts them in Go,
 * as it did before the patch (MongoDB's order across types).
 */
const everything = (orders: Collection<Order>, filter: Filter<Order>) =>
  orders.find(filter).sort(newestFirst).toArray().then(ids);

/** Dates newest first, ties by _id: what MongoDB returns for documents that all have a date. */
const byDateThenId = (documents: Order[]) =>
  [...documents]
    .sort(
      (a, b) =>
        (b.createdAt as Date).getTime() - (a.createdAt as Date).getTime() ||
        (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
    )
    .map((document) => document._id);

const base = Date.UTC(2026, 0, 1);
/** A customer id of 24 hex digits: an ObjectId with that hex must not match it. */
const hexCustomer = 'abcdefabcdefabcdefabcdef';

describe('when orders are listed newest first from a collection of 5,000', () => {
  let orders: Collection<Order>;
  /** The same documents, read by the test of what PostgreSQL reads alone. */
  let ordersReadOnce: Collection<Order>;
  let regular: Order[];
  let newest: number;

  beforeAll(async () => {
    // Three orders per second, so that ties on createdAt (broken by _id) straddle the pages.
    regular = Array.from({ length: 5000 }, (_, i) => ({
      _id: randomUUID(),
      userId: i % 100 === 0 ? 'alice' : i % 100 === 50 ? hexCustomer : `u${i % 60}`,
      status: i % 10 < 5 ? 'CONFIRMED' : i % 10 < 9 ? 'CANCELLED' : 'PENDING',
      createdAt: new Date(base + Math.floor(i / 3) * 1000),
    }));
    newest = base + Math.floor(4999 / 3) * 1000;
    // What MongoDB's equality and sort make of other types: an array holding the customer
    // matches, a regular expression sorts before dates in a descending sort, a string, a number
    // and a missing createdAt after them (in that order), an ObjectId is not its hex string.
    const others: Order[] = [
      {
        _id: 'alice-array',
        userId: ['carol', 'alice'],
        status: 'CONFIRMED',
        createdAt: new Date(newest + 500),
      },
      {
        _id: 'alice-old-array',
        userId: ['alice'],
        status: 'CANCELLED',
        createdAt: new Date(base - 1000),
      },
      { _id: 'alice-regex', userId: 'alice', status: 'CONFIRMED', createdAt: new BSONRegExp('x') },
      { _id: 'alice-string', userId: 'alice', status: 'CONFIRMED', createdAt: '2099-01-01' },
      { _id: 'alice-number', userId: 'alice', status: 'CONFIRMED', createdAt: 5 },
      { _id: 'alice-missing', userId: 'alice', status: 'CONFIRMED' },
      {
        _id: 'hex-object-id',
        userId: new ObjectId(hexCustomer),
        status: 'PENDING',
        createdAt: new Date(newest + 700),
      },
    ];
    [orders, ordersReadOnce] = await Promise.all(
      ['orders', 'orders-read-once'].map(async (name) => {
        const collection = await ordersCollection(name);
        for (let i = 0; i < regular.length; i += 1000) {
          await collection.insertMany(regular.slice(i, i + 1000));
        }
        await collection.insertMany(others);
        return collection;
      }),
    );
  }, 60_000);

  it("then a customer's list holds the arrays that hold the customer, and sorts as MongoDB does", async () => {
    const alices = regular.filter((order) => order.userId === 'alice');
    const expected = [
      'alice-regex',
      'alice-array',
      ...byDateThenId(alices),
      'alice-old-array',
      'alice-string',
      'alice-number',
      'alice-missing',
    ];
    expect(await everything(orders, { userId: 'alice' })).toEqual(expected);
    for (const skip of [0, 20, 40, 50, 60]) {
      expect(await page(orders, { userId: 'alice' }, skip)).toEqual(
        expected.slice(skip, skip + 20),
      );
    }
    expect(await page(orders, { userId: 'alice' }, 3, 7)).toEqual(expected.slice(3, 10));
    expect(await page(orders, { userId: 'carol' }, 0)).toEqual(['alice-array']);

    const hexOrders = regular.filter((order) => order.userId === hexCustomer);
    expect(await page(orders, { userId: hexCustomer }, 0)).toEqual(
      byDateThenId(hexOrders).slice(0, 20),
    );
  }, 60_000);

  it('then every page of the newest orders is the slice of the whole list, ties broken by _id', async () => {
    const all = await everything(orders, {});
    expect(all.slice(0, 3)).toEqual(['alice-regex', 'hex-object-id', 'alice-array']);
    expect(all.slice(3, 3 + 5000)).toEqual(byDateThenId(regular));
    expect(all.slice(-4)).toEqual([
      'alice-old-array',
      'alice-string',
      'alice-number',
      'alice-missing',
    ]);
    for (const skip of [0, 20, 40, 1000, 4980, all.length - 5, all.length]) {
      expect(await page(orders, {}, skip)).toEqual(all.slice(skip, skip + 20));
    }

    const confirmed = await everything(orders, { status: 'CONFIRMED' });
    for (const skip of [0, 20, 2480]) {
      expect(await page(orders, { status: 'CONFIRMED' }, skip)).toEqual(
        confirmed.slice(skip, skip + 20),
      );
    }
  }, 60_000);

  it('then a page deep in the list holds the whole documents, as the whole list does', async () => {
    // The rows that a page skips are read reduced to the fields that sort and filter them
    // (periodic-queries-and-counts-use-their-indexes.patch): none of them may be returned.
    for (const filter of [{}, { status: 'CONFIRMED' }, { userId: 'alice' }]) {
      const all = await orders.find(filter).sort(newestFirst).toArray();
      for (const skip of [1, 3, 20, 45, 1000, 2480, all.length - 5]) {
        if (skip >= all.length) continue;
        const found = await orders.find(filter).sort(newestFirst).skip(skip).limit(20).toArray();
        expect(found).toEqual(all.slice(skip, skip + 20));
      }
    }
  }, 60_000);

  describe('then PostgreSQL reads them from the indexes', () => {
    const queries: Array<[string, Filter<Order>]> = [
      ['the newest', {}],
      ['a status', { status: 'CONFIRMED' }],
      ["a customer's", { userId: 'alice' }],
    ];

    it.each(queries)('%s: the first 20 from an index, in its order', async (_, filter) => {
      // FerretDB's explain shows the PostgreSQL plan of the query it runs for the find.
      const explained = await client.db().command({
        explain: { find: 'orders-read-once', filter, sort: newestFirst, limit: 20 },
      });
      expect(explained).toMatchObject({ sortPushdown: true, limitPushdown: true });
      // The documents of the window (prepareTopQuery in the patch): read in the order of an
      // index on createdAt, no sort, no scan of the table.
      const window =
        findPlan(explained.queryPlanner, (plan) => plan['Subplan Name'] === 'CTE window') ?? {};
      expect(findPlan(window, (plan) => /Scan/.test(String(plan['Node Type'])))).toMatchObject({
        'Node Type': 'Index Scan',
        'Index Name': expect.stringMatching(/createdat/),
      });
      expect(findPlan(window, (plan) => plan['Node Type'] === 'Sort')).toBeUndefined();
    });

    it('all three together: no row read by a sequential scan, a few dozen rows per query', async () => {
      const before = tableReads(client.db().databaseName, 'orders-read-once');
      const rounds = 5;
      for (let i = 0; i < rounds; i++) {
        for (const [, filter] of queries) {
          expect(await page(ordersReadOnce, filter, 0)).toHaveLength(20);
        }
      }
      // Each backend reports its counts within 10 s of going idle: once every query's index
      // scan shows, the rest of its reads do too.
      const after = await eventually(
        () => {
          const now = tableReads(client.db().databaseName, 'orders-read-once');
          expect(now.indexScans - before.indexScans).toBeGreaterThanOrEqual(
            rounds * queries.length,
          );
          return now;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      // Nothing else reads this table. Before the patch every query read all of it (5,007 rows)
      // in a sequential scan.
      expect(after.sequentialRows - before.sequentialRows).toBe(0);
      expect(after.indexRows - before.indexRows).toBeLessThanOrEqual(rounds * queries.length * 30);
    }, 60_000);
  });
});

describe('when a list meets values that sort before dates or among them', () => {
  it('then it is still sorted as MongoDB does', async () => {
    const orders = await ordersCollection('odd-orders');
    const dated = Array.from({ length: 60 }, (_, i) => ({
      _id: randomUUID(),
      userId: 'bob',
      status: 'CONFIRMED',
      createdAt: new Date(base + Math.floor(i / 2) * 1000),
    }));
    await orders.insertMany([
      ...dated,
      // A timestamp sorts before every date; an array by its greatest element; a boolean, an
      // object and a number (stored as a greater JSON number than any date) after the dates.
      { _id: 'bob-timestamp', userId: 'bob', createdAt: new Timestamp({ t: 1_767_225_600, i: 1 }) },
      { _id: 'bob-array', userId: 'bob', createdAt: [new Date(base), new Date(base + 100_000)] },
      { _id: 'bob-bool', userId: 'bob', createdAt: true },
      { _id: 'bob-object', userId: 'bob', createdAt: { day: 1 } },
      { _id: 'bob-big-number', userId: 'bob', createdAt: 9e15 },
      { _id: 'bob-missing', userId: 'bob' },
    ]);
    const expected = [
      'bob-timestamp',
      'bob-array',
      ...byDateThenId(dated),
      'bob-bool',
      'bob-object',
      'bob-big-number',
      'bob-missing',
    ];

    expect(await everything(orders, { userId: 'bob' })).toEqual(expected);
    for (const skip of [0, 20, 50]) {
      expect(await page(orders, { userId: 'bob' }, skip)).toEqual(expected.slice(skip, skip + 20));
      expect(await page(orders, {}, skip)).toEqual(expected.slice(skip, skip + 20));
    }
  }, 60_000);
});

/** The first node of a PostgreSQL plan (FORMAT JSON), depth first, that matches. */
function findPlan(plan: Plan, matches: (plan: Plan) => boolean): Plan | undefined {
  if (matches(plan)) return plan;
  for (const child of plan.Plans ?? []) {
    const found = findPlan(child, matches);
    if (found) return found;
  }
  const nested = plan.Plan as Plan | undefined;
  return nested ? findPlan(nested, matches) : undefined;
}
