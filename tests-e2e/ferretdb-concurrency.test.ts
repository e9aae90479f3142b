import { execFileSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { createTestEnvironment, eventually } from '@ecommerce/shared/testing';
import type { TestEnvironment } from '@ecommerce/shared/testing';

/**
 * The development database itself (scripts/ferretdb): FerretDB v1 on PostgreSQL holds one pool
 * connection for an update's read while it takes another for its write, so with its default
 * pool of 50 it hung for good once 50 updates arrived together. The embedding lets at most 40
 * commands run at once, whatever the clients send; every service, test and benchmark relies on it.
 * And an update command held the read connection of each of its statements until its last one
 * was done, so one bulk write of 90 updates hung it too (scripts/ferretdb/patches).
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
  // Disjoint documents: concurrent updates of one document lose writes on FerretDB (README).
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
