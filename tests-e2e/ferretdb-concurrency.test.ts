import { MongoClient } from 'mongodb';
import { createTestEnvironment } from '@ecommerce/shared/testing';
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
  const ids = Array.from({ length: 200 }, (_, i) => `d${i}`);
  await documents.insertMany(ids.map((_id) => ({ _id, n: 0 })));

  const results = await Promise.all(
    Array.from({ length: 4 }, () =>
      documents.bulkWrite(
        ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
        { ordered: false },
      ),
    ),
  );

  expect(results.map((result) => result.modifiedCount)).toEqual([200, 200, 200, 200]);
  expect(await documents.countDocuments({ n: 4 })).toBe(200);
}, 30_000);
