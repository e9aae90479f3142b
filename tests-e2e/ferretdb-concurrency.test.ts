import { MongoClient } from 'mongodb';
import { createTestEnvironment } from '@ecommerce/shared/testing';
import type { TestEnvironment } from '@ecommerce/shared/testing';

/**
 * The development database itself (scripts/ferretdb): FerretDB v1 on PostgreSQL holds one pool
 * connection for an update's read while it takes another for its write, so with its default
 * pool of 50 it hung for good once 50 updates arrived together. The embedding lets at most 40
 * commands run at once, whatever the clients send; every service, test and benchmark relies on it.
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
