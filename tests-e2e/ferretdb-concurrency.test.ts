import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Double, MongoClient, ObjectId } from 'mongodb';
import { createTestEnvironment, eventually } from '@ecommerce/shared/testing';
import type { TestEnvironment } from '@ecommerce/shared/testing';

/**
 * The development database itself (scripts/ferretdb): FerretDB v1 on PostgreSQL holds one pool
 * connection for an update's read while it takes another for its write, so with its default
 * pool of 50 it hung for good once 50 updates arrived together. The embedding lets at most 40
 * commands run at once, whatever the clients send; every service, test and benchmark relies on it.
 * And an update command held the read connection of each of its statements until its last one
 * was done, so one bulk write of 90 updates hung it too; and it applied an update by reading the
 * document and writing it back unlocked, so two clients' compare-and-sets of one document could
 * both apply (scripts/ferretdb/patches).
 */
let env: TestEnvironment;
let client: MongoClient;

beforeAll(async () => {
  env = await createTestEnvironment('ferretdb-concurrency');
  client = await MongoClient.connect(env.mongodbUri('load'), { maxPoolSize: 200 });
});

afterAll(async () => {
  await client?.close();
  await env?.dispose();
});

it('when 150 updates arrive at once, then every one of them completes', async () => {
  const documents = client.db().collection<{ _id: string; n: number }>('documents');
  await documents.insertMany(Array.from({ length: 150 }, (_, i) => ({ _id: `d${i}`, n: 0 })));

  const results = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      documents.updateOne({ _id: `d${i}` }, { $inc: { n: 1 } }),
    ),
  );

  expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(150);
  expect(await documents.countDocuments({ n: 1 })).toBe(150);
}, 30_000);

it('when bulk writes of 200 updates each arrive at once, then every update completes', async () => {
  const documents = client.db().collection<{ _id: string; n: number }>('bulk');
  // Disjoint documents: what is measured here is the connections each command holds.
  const idsOfWrite = (write: number) => Array.from({ length: 200 }, (_, i) => `w${write}-d${i}`);
  const writes = [0, 1, 2, 3].map(idsOfWrite);
  await documents.insertMany(writes.flat().map((_id) => ({ _id, n: 0 })));

  const results = await Promise.all(
    writes.map((ids) =>
      documents.bulkWrite(
        ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
        { ordered: false },
      ),
    ),
  );

  expect(results.map((result) => result.modifiedCount)).toEqual([200, 200, 200, 200]);
  expect(await documents.countDocuments({ n: 1 })).toBe(800);
}, 30_000);

describe('when two clients write one document at the same moment', () => {
  let other: MongoClient;
  beforeAll(async () => {
    other = await MongoClient.connect(env.mongodbUri('load'));
  });
  afterAll(async () => {
    await other?.close();
  });

  interface Versioned {
    _id: string;
    version: number;
    status: string;
    outbox: number[];
  }

  it('then of three compare-and-sets on its version exactly one applies, and it stays applied', async () => {
    // The aggregate store's write beside its clean-up from another instance: each matches the
    // version it read; before the patch both matched, and the later one erased the earlier.
    const documents = client.db().collection<Versioned>('compare-and-set');
    const othersView = other.db().collection<Versioned>('compare-and-set');
    const rounds = 100;
    await documents.insertMany(
      Array.from({ length: rounds }, (_, i) => ({
        _id: `d${i}`,
        version: 1,
        status: 'PENDING',
        outbox: [1],
      })),
    );

    // One document at a time, so that its three writes really meet.
    const outcomes: Array<{ applied: number; confirmedKept: boolean }> = [];
    for (let i = 0; i < rounds; i++) {
      const _id = `d${i}`;
      const [replaced, cleaned, found] = await Promise.all([
        documents.replaceOne(
          { _id, version: 1 },
          { version: 2, status: 'CONFIRMED', outbox: [1, 2] },
        ),
        othersView.updateOne({ _id, version: 1 }, { $set: { version: 2, outbox: [] } }),
        othersView.findOneAndUpdate({ _id, version: 1 }, { $set: { version: 2, status: 'GONE' } }),
      ]);
      const stored = await documents.findOne({ _id });
      outcomes.push({
        applied: replaced.matchedCount + cleaned.matchedCount + (found ? 1 : 0),
        confirmedKept: replaced.matchedCount === 0 || stored?.status === 'CONFIRMED',
      });
    }

    expect(outcomes.filter((outcome) => outcome.applied !== 1)).toEqual([]);
    expect(outcomes.filter((outcome) => !outcome.confirmedKept)).toEqual([]);
  }, 30_000);

  it('then every increment of either client counts', async () => {
    const documents = client.db().collection<{ _id: string; n: number }>('increments');
    const othersView = other.db().collection<{ _id: string; n: number }>('increments');
    await documents.insertOne({ _id: 'shared', n: 0 });

    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? documents : othersView).updateOne({ _id: 'shared' }, { $inc: { n: 1 } }),
      ),
    );

    expect(await documents.findOne({ _id: 'shared' })).toEqual({ _id: 'shared', n: 200 });
  }, 30_000);
});

describe('when a document is replaced on condition of its _id and its version', () => {
  // On FerretDB such a compare-and-set is one conditional UPDATE, without reading the document
  // (scripts/ferretdb/patches): it must match as MongoDB's equality does.
  interface Stored {
    _id: string;
    version: number | number[];
    state?: string;
  }
  const replace = async (stored: Omit<Stored, '_id'>, filter: Record<string, unknown>) => {
    const documents = client.db().collection<Stored>('replacements');
    const _id = randomUUID();
    await documents.insertOne({ _id, ...stored });
    const result = await documents.replaceOne({ _id, ...filter }, { version: 9, state: 'new' });
    return { matched: result.matchedCount, stored: await documents.findOne({ _id }) };
  };

  it('then it is written when the version is the stored one', async () => {
    const { matched, stored } = await replace({ version: 3, state: 'old' }, { version: 3 });
    expect(matched).toBe(1);
    expect(stored).toMatchObject({ version: 9, state: 'new' });
  });

  it('then nothing is written when the version moved on', async () => {
    const { matched, stored } = await replace({ version: 4, state: 'old' }, { version: 3 });
    expect(matched).toBe(0);
    expect(stored).toMatchObject({ version: 4, state: 'old' });
  });

  it('then a number matches whatever its type (3 and 3.0), and an array holding it', async () => {
    expect((await replace({ version: 3 }, { version: new Double(3) })).matched).toBe(1);
    expect((await replace({ version: [2, 3] }, { version: 3 })).matched).toBe(1);
  });

  it('then a string condition is exact, and a missing field does not match', async () => {
    expect((await replace({ version: 1, state: 'old' }, { state: 'old' })).matched).toBe(1);
    expect((await replace({ version: 1, state: 'old' }, { state: 'Old' })).matched).toBe(0);
    expect((await replace({ version: 1 }, { state: 'old' })).matched).toBe(0);
  });

  it('then a value of another type does not match: a date for a number, an ObjectId for its hex', async () => {
    // FerretDB stores a date as its milliseconds and an ObjectId as its hex string.
    const documents = client
      .db()
      .collection<{ _id: string | ObjectId; version: unknown; owner?: unknown }>('mixed');
    const objectId = new ObjectId();
    await documents.insertMany([
      { _id: 'dated', version: new Date(3) },
      { _id: 'referenced', version: 1, owner: objectId },
      { _id: objectId.toHexString(), version: 1 },
    ]);
    const replaced = (filter: Record<string, unknown>) =>
      documents.replaceOne(filter, { version: 9 }).then((result) => result.matchedCount);
    expect(await replaced({ _id: 'dated', version: 3 })).toBe(0);
    expect(await replaced({ _id: 'referenced', version: 1, owner: objectId.toHexString() })).toBe(
      0,
    );
    expect(await replaced({ _id: objectId, version: 1 })).toBe(0);
    expect(await documents.findOne({ _id: objectId.toHexString() })).toMatchObject({
      version: 1,
    });
  });

  it('then a replacement that names another _id is refused', async () => {
    const documents = client.db().collection<{ _id: string; version: number }>('replacements');
    await documents.insertOne({ _id: 'fixed', version: 1 });
    await expect(
      // The driver's types leave `_id` out of a replacement; the server must refuse another one.
      documents.replaceOne({ _id: 'fixed', version: 1 }, {
        _id: 'other',
        version: 2,
      } as unknown as { version: number }),
    ).rejects.toThrow(/immutable field '_id'/);
    expect(await documents.findOne({ _id: 'fixed' })).toEqual({ _id: 'fixed', version: 1 });
  });
});

it('when a document is looked up by _id among many, then its index answers, not a table scan', async () => {
  const documents = client.db().collection<{ _id: string; version: number }>('lookups');
  await documents.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: `d${i}`, version: 1 })));

  // The filter of the aggregate store's compare-and-set: on FerretDB it was `_jsonb->'_id' @> …`,
  // which no index answers (scripts/ferretdb/patches).
  const explained = await client.db().command({
    explain: { find: 'lookups', filter: { _id: 'd250', version: 1 } },
  });

  expect(JSON.stringify(explained)).toMatch(/"Index Scan"|IDHACK|"indexName":"_id_"/);
  expect(await documents.findOne({ _id: 'd250', version: 1 })).toEqual({ _id: 'd250', version: 1 });
  expect(await documents.findOne({ _id: 'd250', version: 2 })).toBeNull();
});

/** FerretDB's PostgreSQL database (scripts/ensure-infra.sh), as the script's variable names it. */
const POSTGRESQL_URL =
  process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb';
const psql = (sql: string) =>
  execFileSync('psql', ['-X', '-Atq', POSTGRESQL_URL, '-c', sql], { encoding: 'utf8' }).trim();

it('when one document is updated many times, then its table is vacuumed', async () => {
  const documents = client.db().collection<{ _id: string; n: number }>('churn');
  await documents.insertOne({ _id: 'hot', n: 0 });
  for (let i = 0; i < 300; i++) await documents.updateOne({ _id: 'hot' }, { $inc: { n: 1 } });

  // FerretDB's schema is the MongoDB database, its table the collection's name and a hash.
  const vacuumsOfTable = () =>
    Number(
      psql(
        `SELECT coalesce(sum(vacuum_count + autovacuum_count), 0) FROM pg_stat_user_tables ` +
          `WHERE schemaname = '${client.db().databaseName}' AND relname LIKE 'churn%'`,
      ),
    );
  // The embedding vacuums every 10 s while autovacuum is off (statistics show the dead rows a
  // few seconds late); autovacuum, when on, wakes every minute.
  const autovacuumOn = psql('SHOW autovacuum') === 'on';
  await eventually(async () => expect(vacuumsOfTable()).toBeGreaterThan(0), {
    timeoutMs: autovacuumOn ? 150_000 : 45_000,
    intervalMs: 500,
  });
}, 180_000);
