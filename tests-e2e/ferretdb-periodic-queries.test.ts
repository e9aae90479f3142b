import { randomUUID } from 'node:crypto';
import { BSONRegExp, Double, Int32, MongoClient, ObjectId, Timestamp } from 'mongodb';
import type { Collection, Document, Filter } from 'mongodb';
import { createTestEnvironment, eventually } from '@ecommerce/shared/testing';
import type { TestEnvironment } from '@ecommerce/shared/testing';
import mongoose from 'mongoose';
import { orderModel } from '../services/order-service/src/data-access/order-model';
import { overdueOrders } from '../services/order-service/src/data-access/order-repository';
import type { Plan } from './support/ferretdb-tables';
import { analyzeTable, compressionsOf, tableReads } from './support/ferretdb-tables';

/**
 * The development database's periodic queries and list totals (scripts/ferretdb,
 * periodic-queries-and-counts-use-their-indexes.patch). FerretDB v1 pushed no range down and
 * wrote a boolean equality as `@>`, which no index answers: the outbox scan
 * `find({outboxPending: true})` and the prune `deleteMany({createdAt: {$lt: cutoff}})` read
 * whole tables, and a list's total (`countDocuments(filter, {limit})`) decoded every match in Go.
 * Patched, each reads from the field's index about the rows it returns, and its results stay
 * MongoDB's: a boolean equality matches booleans and the arrays holding true, a date range only
 * dates (and arrays holding one), a count is exact whatever the types stored.
 */
let env: TestEnvironment;
let client: MongoClient;

beforeAll(async () => {
  env = await createTestEnvironment('ferretdb-periodic-queries');
  client = await MongoClient.connect(env.mongodbUri('periodic'));
});

afterAll(async () => {
  await client?.close();
  await env?.dispose();
});

type Stored = Document & { _id: string };

const base = Date.UTC(2026, 0, 1);
const ids = (documents: Stored[]) => documents.map((document) => document._id).sort();

/**
 * The documents matching `filter` as FerretDB's own evaluation in Go finds them: a filter under
 * `$and` is not pushed down to PostgreSQL (nor was any range or boolean before the patch).
 */
const matchedInGo = (collection: Collection<Stored>, filter: Filter<Stored>) =>
  collection
    .find({ $and: [filter] } as Filter<Stored>)
    .toArray()
    .then(ids);

/** The same, pushed down as the services send it. */
const matched = (collection: Collection<Stored>, filter: Filter<Stored>) =>
  collection.find(filter).toArray().then(ids);

/** A count counted in Go: a filter under `$and` is not counted in SQL. */
const countedInGo = async (collection: Collection<Stored>, filter: Filter<Stored>) => {
  const [result] = await collection
    .aggregate([{ $match: { $and: [filter] } }, { $group: { _id: 1, n: { $sum: 1 } } }])
    .toArray();
  return (result?.n as number | undefined) ?? 0;
};

/** Some ordinary documents, and every odd type for `field` that MongoDB tells apart. */
async function seeded(name: string, indexes: Document[], documents: Stored[]) {
  const collection = client.db().collection<Stored>(name);
  for (const index of indexes) await collection.createIndex(index);
  for (let i = 0; i < documents.length; i += 1000) {
    await collection.insertMany(documents.slice(i, i + 1000));
  }
  return collection;
}

describe('the outbox scan: a boolean equality', () => {
  const flagged = (i: number) => i % 250 === 7;
  const regular = (): Stored[] =>
    Array.from({ length: 3000 }, (_, i) => ({
      _id: `doc-${i}`,
      outboxPending: flagged(i),
      version: 1,
    }));
  // What MongoDB's equality to true makes of other values: an array holding true matches (not
  // one holding it in an object), a string, a number, an object or an empty array does not.
  // (FerretDB v1 stores no arrays of arrays.)
  const odd: Stored[] = [
    { _id: 'array-true', outboxPending: [false, true] },
    { _id: 'array-only-true', outboxPending: [true] },
    { _id: 'array-false', outboxPending: [false] },
    { _id: 'object-in-array', outboxPending: [{ pending: true }] },
    { _id: 'empty-array', outboxPending: [] },
    { _id: 'string', outboxPending: 'true' },
    { _id: 'number', outboxPending: 1 },
    { _id: 'object', outboxPending: { pending: true } },
    { _id: 'null', outboxPending: null },
    { _id: 'missing' },
  ];
  const expected = [
    ...regular()
      .filter((document) => document.outboxPending === true)
      .map((document) => document._id),
    'array-true',
    'array-only-true',
  ].sort();
  let outbox: Collection<Stored>;
  let outboxReadOnce: Collection<Stored>;

  beforeAll(async () => {
    [outbox, outboxReadOnce] = await Promise.all(
      ['outbox', 'outbox-read-once'].map((name) =>
        seeded(name, [{ outboxPending: 1 }], [...regular(), ...odd]),
      ),
    );
  }, 60_000);

  it('then it finds the flagged documents and the arrays holding true, as MongoDB does', async () => {
    expect(await matchedInGo(outbox, { outboxPending: true })).toEqual(expected);
    expect(await matched(outbox, { outboxPending: true })).toEqual(expected);
    expect(await matched(outbox, { outboxPending: { $eq: true } })).toEqual(expected);
    expect(await matched(outbox, { outboxPending: false })).toEqual(
      await matchedInGo(outbox, { outboxPending: false }),
    );
  });

  it('then PostgreSQL reads it from the index and reads no other row', async () => {
    const explained = await client.db().command({
      explain: { find: 'outbox-read-once', filter: { outboxPending: true } },
    });
    expect(scans(explained.queryPlanner)).toEqual([
      expect.objectContaining({ index: expect.stringMatching(/outboxpending/) }),
      expect.objectContaining({ index: expect.stringMatching(/outboxpending/) }),
    ]);

    // Two index scans a statement (the value, the non-empty arrays).
    const reads = await readsOf('outbox-read-once', 2, async () => {
      for (let round = 0; round < 5; round++) {
        expect(await matched(outboxReadOnce, { outboxPending: true })).toHaveLength(
          expected.length,
        );
      }
    });
    // Before the patch each scan read the whole table (3,010 rows) in a sequential scan. Now the
    // flagged rows and the non-empty arrays (4 of them), which the handler filters.
    expect(reads.sequentialRows).toBe(0);
    expect(reads.indexRows).toBeLessThanOrEqual((reads.indexScans / 2) * (expected.length + 4));
  }, 60_000);
});

describe('the prune of old records: a range of dates', () => {
  const regular = (): Stored[] =>
    Array.from({ length: 3000 }, (_, i) => ({
      _id: `key-${i}`,
      createdAt: new Date(base + i * 60_000),
    }));
  const cutoff = new Date(base + 100 * 60_000);
  // MongoDB compares a date with dates only (no number, string or timestamp, however close), and
  // an array by the dates it holds.
  const odd: Stored[] = [
    { _id: 'at-cutoff', createdAt: cutoff },
    { _id: 'number-below', createdAt: base },
    { _id: 'double-below', createdAt: new Double(base + 0.5) },
    { _id: 'int-below', createdAt: new Int32(5) },
    { _id: 'string-below', createdAt: '2020-01-01' },
    { _id: 'timestamp-below', createdAt: new Timestamp({ t: 5, i: 1 }) },
    { _id: 'regex', createdAt: new BSONRegExp('2020') },
    { _id: 'old-in-array', createdAt: [new Date(base + 10 ** 9), new Date(base - 1000)] },
    { _id: 'new-array', createdAt: [new Date(base + 10 ** 9)] },
    { _id: 'array-of-numbers', createdAt: [base - 1000, 1] },
    { _id: 'object-in-array', createdAt: [{ at: new Date(base - 1000) }] },
    { _id: 'empty-array', createdAt: [] },
    { _id: 'object', createdAt: { at: new Date(base - 1000) } },
    { _id: 'null', createdAt: null },
    { _id: 'missing' },
  ];
  const filters: Array<[string, Filter<Stored>]> = [
    ['$lt', { createdAt: { $lt: cutoff } }],
    ['$lte', { createdAt: { $lte: cutoff } }],
    ['$gt', { createdAt: { $gt: new Date(base + 2900 * 60_000) } }],
    ['$gte and $lt', { createdAt: { $gte: new Date(base + 50 * 60_000), $lt: cutoff } }],
    ['an empty range', { createdAt: { $gt: cutoff, $lt: new Date(base) } }],
  ];
  let keys: Collection<Stored>;
  let keysReadOnce: Collection<Stored>;

  beforeAll(async () => {
    [keys, keysReadOnce] = await Promise.all(
      ['keys', 'keys-read-once'].map((name) =>
        seeded(name, [{ createdAt: 1 }], [...regular(), ...odd]),
      ),
    );
  }, 60_000);

  it.each(filters)(
    'then %s matches the dates and arrays of dates that MongoDB matches',
    async (_, filter) => {
      const expected = await matchedInGo(keys, filter);
      expect(await matched(keys, filter)).toEqual(expected);
      expect(await keys.countDocuments(filter, { limit: 10_000 })).toBe(expected.length);
      expect(await keys.countDocuments(filter, { limit: 7 })).toBe(Math.min(7, expected.length));
    },
  );

  it('then $lt matches only dates below the cutoff', async () => {
    const expected = [
      ...regular()
        .slice(0, 100)
        .map((document) => document._id),
      'old-in-array',
    ].sort();
    expect(await matchedInGo(keys, { createdAt: { $lt: cutoff } })).toEqual(expected);
  });

  it('then PostgreSQL reads the range from the index, and a prune deletes only what it reads', async () => {
    const prune = { createdAt: { $lt: cutoff } };
    const explained = await client.db().command({
      explain: { find: 'keys-read-once', filter: prune },
    });
    expect(scans(explained.queryPlanner)).toEqual([
      expect.objectContaining({ index: expect.stringMatching(/createdat/) }),
      expect.objectContaining({ index: expect.stringMatching(/createdat/) }),
    ]);

    const expected = await matchedInGo(keys, prune);
    // Two index scans for the read (the range, the non-empty arrays).
    const reads = await readsOf('keys-read-once', 2, async () => {
      expect((await keysReadOnce.deleteMany(prune)).deletedCount).toBe(expected.length);
    });
    // Before the patch the prune read the whole table (3,015 rows) in a sequential scan. Now the
    // rows of the range, with the other numbers in it (4: two doubles, an int and a
    // timestamp, which the type recorded beside them leaves out) and the non-empty arrays (4)
    // that may hold a date in it; then the delete finds each by its _id (if its counts showed).
    expect(reads.sequentialRows).toBe(0);
    expect(reads.indexRows).toBeLessThanOrEqual(2 * expected.length + 4 + 4);
    expect(await matchedInGo(keysReadOnce, prune)).toEqual([]);
    expect(await keysReadOnce.countDocuments()).toBe(3000 + odd.length - expected.length);
  }, 60_000);
});

describe("the expiry's read of overdue orders: a range of an index that only waiting orders hold", () => {
  // The order service's model and filter, on 20,000 orders of which 50 are PENDING (final orders
  // have no expiresAt) and 40 of those overdue.
  const now = new Date(base + 20_000 * 60_000);
  const orders = (): Stored[] =>
    Array.from({ length: 20_000 }, (_, i) => {
      const pending = i % 500 === 0 || i >= 19_990;
      const createdAt = new Date(base + i * 60_000);
      return {
        _id: `order-${i}`,
        userId: `customer-${i % 50}`,
        status: pending ? 'PENDING' : 'CONFIRMED',
        createdAt,
        ...(pending && { expiresAt: new Date(createdAt.getTime() + 15 * 60_000) }),
      };
    });
  const overdue = orders()
    .filter((order) => order.expiresAt && order.expiresAt < now)
    .map((order) => order._id)
    .sort();
  let connection: mongoose.Connection;
  let model: ReturnType<typeof orderModel>;
  // The same model on a collection of its own for the reads counted: FerretDB's evaluation in Go
  // reads the whole table, and PostgreSQL may count that late, in the other test's window.
  let readOnce: ReturnType<typeof orderModel>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(env.mongodbUri('periodic')).asPromise();
    model = orderModel(connection);
    readOnce = connection.model('OrderReadOnce', model.schema, 'orders-read-once');
    for (const each of [model, readOnce]) {
      await each.createIndexes();
      const all = orders();
      for (let i = 0; i < all.length; i += 1000) {
        await each.collection.insertMany(all.slice(i, i + 1000) as never[]);
      }
    }
  }, 90_000);

  afterAll(() => connection?.close());

  it('then it finds the overdue PENDING orders, as FerretDB finds them in Go', async () => {
    expect(overdue).toHaveLength(40);
    const found = await model.find(overdueOrders(now), { _id: 1 }).lean();
    expect(found.map((order) => order._id).sort()).toEqual(overdue);
    const inGo = await model.find({ $and: [overdueOrders(now)] }, { _id: 1 }).lean();
    expect(inGo.map((order) => order._id).sort()).toEqual(overdue);
  });

  it('then PostgreSQL reads only the expiresAt index, and about as many rows as are overdue', async () => {
    const explained = await client.db().command({
      explain: { find: readOnce.collection.collectionName, filter: overdueOrders(now) },
    });
    expect(scans(explained.queryPlanner)).toEqual([
      expect.objectContaining({ index: expect.stringMatching(/expiresat/) }),
      expect.objectContaining({ index: expect.stringMatching(/expiresat/) }),
    ]);
    // Two index scans a statement (the range, the non-empty arrays).
    const reads = await readsOf(readOnce.collection.collectionName, 2, async () => {
      expect(await readOnce.find(overdueOrders(now)).limit(100).lean()).toHaveLength(40);
    });
    // A range of createdAt, or the status index, would read thousands of rows here.
    expect(reads.sequentialRows).toBe(0);
    expect(reads.indexRows).toBeLessThanOrEqual((reads.indexScans / 2) * overdue.length);
  }, 60_000);
});

describe('a document over 2 kB, as an order with its history is', () => {
  // A count checks the type of each row it counts, so it reads every row: pglz, PostgreSQL's
  // default, took 24 ms to count 10,001 orders, lz4 15 (scripts/ferretdb/main.go, tunedURL).
  it('then PostgreSQL compresses it with lz4', async () => {
    const collection = client.db().collection<Stored>('large-documents');
    await collection.insertMany([
      {
        _id: 'large',
        history: Array.from({ length: 12 }, (_, i) => ({ eventId: randomUUID(), i })),
      },
      { _id: 'small', status: 'PENDING' },
    ]);
    expect(compressionsOf(client.db().databaseName, 'large-documents')).toEqual(['lz4', 'none']);
  });
});

describe("a list's total: a count with a limit", () => {
  const hexCustomer = 'abcdefabcdefabcdefabcdef';
  const regular = (): Stored[] =>
    Array.from({ length: 3000 }, (_, i) => ({
      _id: randomUUID(),
      userId: i % 100 === 0 ? 'alice' : i % 100 === 50 ? hexCustomer : `u${i % 60}`,
      status: i % 10 < 5 ? 'CONFIRMED' : i % 10 < 9 ? 'CANCELLED' : 'PENDING',
      createdAt: new Date(base + i * 1000),
    }));
  // What MongoDB's equality to a string makes of other values: an array holding it matches, an
  // ObjectId with its hex, a regular expression with its pattern, an array holding either, or the
  // string in an object, does not.
  const odd: Stored[] = [
    { _id: 'array', userId: ['carol', 'alice'], status: 'CONFIRMED', createdAt: new Date(base) },
    { _id: 'two-arrays', userId: ['alice'], status: ['PENDING', 'CONFIRMED'] },
    { _id: 'object-id', userId: new ObjectId(hexCustomer), status: 'PENDING' },
    { _id: 'object-ids', userId: [new ObjectId(hexCustomer)], status: 'PENDING' },
    { _id: 'regex', userId: new BSONRegExp('alice'), status: new BSONRegExp('CONFIRMED') },
    { _id: 'regexes', userId: [new BSONRegExp('alice')], status: 'CONFIRMED' },
    { _id: 'objects', userId: [{ id: 'alice' }], status: [{ status: 'CONFIRMED' }] },
    { _id: 'empty', userId: [], status: [] },
    { _id: 'missing' },
  ];
  const filters: Array<[string, Filter<Stored>]> = [
    ['every order', {}],
    ['a status', { status: 'CONFIRMED' }],
    ['a rare status', { status: 'PENDING' }],
    ['a customer', { userId: 'alice' }],
    ['a customer whose id looks like an ObjectId', { userId: hexCustomer }],
    ['an ObjectId', { userId: new ObjectId(hexCustomer) }],
    ['a customer and a status', { userId: 'alice', status: 'CONFIRMED' }],
    ['a status and a customer', { status: 'PENDING', userId: 'alice' }],
    ['$eq', { status: { $eq: 'CANCELLED' } }],
    ['no such value', { status: 'REFUNDED' }],
    // Not counted in SQL: FerretDB counts them in Go, as before.
    ['a number', { version: 1 }],
    ['$in', { status: { $in: ['PENDING', 'CANCELLED'] } }],
    ['$or', { $or: [{ status: 'PENDING' }, { userId: 'alice' }] }],
  ];
  let orders: Collection<Stored>;
  let ordersReadOnce: Collection<Stored>;

  beforeAll(async () => {
    const indexes = [
      { createdAt: -1, _id: 1 },
      { userId: 1, createdAt: -1 },
      { status: 1, createdAt: -1 },
    ];
    [orders, ordersReadOnce] = await Promise.all(
      ['orders', 'orders-read-once'].map((name) => seeded(name, indexes, [...regular(), ...odd])),
    );
  }, 60_000);

  it.each(filters)(
    'then the count of %s is the number of matches, up to the limit',
    async (_, filter) => {
      const all = await countedInGo(orders, filter);
      expect(all).toBe((await matchedInGo(orders, filter)).length);
      for (const limit of [1, 7, 200, 10_001]) {
        expect(await orders.countDocuments(filter, { limit })).toBe(Math.min(limit, all));
      }
      // Without a limit, as the dead-letter list counts.
      expect(await orders.countDocuments(filter)).toBe(all);
      expect(await orders.countDocuments(filter, { skip: 5, limit: 20 })).toBe(
        Math.max(0, Math.min(25, all) - 5),
      );
      // The counting stage's own shape, as other clients send it.
      const [counted] = await orders
        .aggregate([{ $match: filter }, { $limit: 10 }, { $count: 'n' }])
        .toArray();
      expect(counted?.n ?? 0).toBe(Math.min(10, all));
    },
  );

  it('then PostgreSQL counts the first rows that an index finds, and reads no others', async () => {
    const counted: Array<[Filter<Stored>, number]> = [
      [{ status: 'CONFIRMED' }, 20],
      [{ userId: 'alice' }, 20],
      [{}, 20],
    ];
    for (const [filter] of counted) {
      const explained = await client.db().command({
        explain: {
          aggregate: 'orders-read-once',
          pipeline: [{ $match: filter }, { $limit: 20 }, { $group: { _id: 1, n: { $sum: 1 } } }],
          cursor: {},
        },
      });
      expect(explained).toMatchObject({ limitPushdown: true });
      const plan = JSON.stringify(explained.queryPlanner);
      expect(plan).toContain('"Node Type":"Limit"');
      expect(plan).not.toContain('Bitmap');
      if (Object.keys(filter).length > 0) expect(plan).not.toContain('Seq Scan');
    }

    const rounds = 3;
    const reads = await readsOf('orders-read-once', 1, async () => {
      for (let round = 0; round < rounds; round++) {
        for (const [filter, limit] of counted) {
          expect(await ordersReadOnce.countDocuments(filter, { limit })).toBe(limit);
        }
      }
    });
    // Before the patch each count read every row that matched (1,500, 30 and 3,009) and decoded
    // it in Go; now the first 20 of an index scan (a few more where a value of another type
    // holds the same JSON string), and of the empty filter's sequential scan, which stops there.
    expect(reads.sequentialRows).toBeLessThanOrEqual(rounds * 21);
    expect(reads.indexRows).toBeLessThanOrEqual(reads.indexScans * 25);
  }, 60_000);

  it('then a count reads from the index whatever statistics PostgreSQL holds of the table', async () => {
    // Statistics taken while one customer's orders were the whole table (as a store that grew
    // from its first orders keeps them until the next ANALYZE): PostgreSQL then expects a count
    // of hers or of a status to match nearly every row, or, with the type check beside the
    // equality, to read them all, and chose to scan the whole table (118 ms for a customer's 100
    // among 200,000) or to read every index entry first.
    const analyzed = await seeded(
      'orders-analyzed',
      [
        { userId: 1, createdAt: -1 },
        { status: 1, createdAt: -1 },
      ],
      Array.from({ length: 500 }, (_, i) => ({
        _id: randomUUID(),
        userId: 'first-customer',
        status: 'CANCELLED',
        createdAt: new Date(base + i * 1000),
      })),
    );
    analyzeTable(client.db().databaseName, 'orders-analyzed');
    await analyzed.insertMany(regular());

    for (const query of [
      { userId: 'first-customer' },
      { userId: 'alice' },
      { status: 'CONFIRMED' },
    ]) {
      // countDocuments's own pipeline, as the services send it.
      const explained = await client.db().command({
        explain: {
          aggregate: 'orders-analyzed',
          pipeline: [{ $match: query }, { $limit: 10_001 }, { $group: { _id: 1, n: { $sum: 1 } } }],
          cursor: {},
        },
      });
      const plan = JSON.stringify(explained.queryPlanner);
      expect(plan).toContain('"Node Type":"Index Scan"');
      expect(plan).not.toContain('Seq Scan');
      expect(plan).not.toContain('Bitmap');
    }
  }, 60_000);
});

interface Scan {
  node: string;
  index?: string;
}

/** The scans of a PostgreSQL plan (FORMAT JSON): the node and the index it reads, if any. */
function scans(plan: Plan): Scan[] {
  const own = /Scan$/.test(String(plan['Node Type'])) && plan['Node Type'] !== 'Function Scan';
  return [
    ...(own ? [{ node: String(plan['Node Type']), index: plan['Index Name'] as string }] : []),
    ...(plan.Plan ? scans(plan.Plan) : []),
    ...(plan.Plans ?? []).flatMap(scans),
  ].filter((scan) => scan.node !== 'Bitmap Heap Scan');
}

/**
 * How a collection's table was read while `run` ran: index scans, rows read by them, and rows
 * read by sequential scans. A backend of PostgreSQL adds its counts to these only when it flushes
 * them, within 10 s of going idle in principle; FerretDB's pooled backends were seen to leave the
 * later of several identical statements unflushed for minutes. So this waits for `scans` index
 * scans at least (one statement's), and the caller bounds the rows per scan of what did show.
 */
async function readsOf(collection: string, scans: number, run: () => Promise<void>) {
  const before = tableReads(client.db().databaseName, collection);
  await run();
  const after = await eventually(
    () => {
      const now = tableReads(client.db().databaseName, collection);
      expect(now.indexScans - before.indexScans).toBeGreaterThanOrEqual(scans);
      return now;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  return {
    sequentialRows: after.sequentialRows - before.sequentialRows,
    indexScans: after.indexScans - before.indexScans,
    indexRows: after.indexRows - before.indexRows,
  };
}
