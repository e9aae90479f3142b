import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { EXACT_TOTAL_LIMIT, connectDatabase, createLogger, findPage } from '../../src';
import type { TestEnvironment } from '../../src/testing';
import { createTestEnvironment } from '../../src/testing';

interface Entry {
  _id: string;
  owner: string;
  createdAt: Date;
}

const logger = createLogger({
  service: 'find-page-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
let env: TestEnvironment;
let db: Connection;
let model: Model<Entry>;

beforeAll(async () => {
  env = await createTestEnvironment('page');
  db = await connectDatabase(env.mongodbUri('page'), logger);
  const schema = new Schema<Entry>({ _id: String, owner: String, createdAt: Date });
  schema.index({ owner: 1, createdAt: -1 });
  model = db.model<Entry>('Entry', schema, 'entries');
  await db.syncIndexes();
  // One owner with exactly the limit, one with one more; one shared moment, so ids break ties.
  const createdAt = new Date('2026-01-01T00:00:00Z');
  const entries = (owner: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      _id: `${owner}-${String(i).padStart(5, '0')}`,
      owner,
      createdAt,
    }));
  await model.insertMany(
    [...entries('exact', EXACT_TOTAL_LIMIT), ...entries('more', EXACT_TOTAL_LIMIT + 1)],
    {
      ordered: false,
    },
  );
}, 60_000);

afterAll(async () => {
  await db?.close();
  await env?.dispose();
});

describe('when a list is counted', () => {
  it('then up to the limit the total is exact', async () => {
    const page = await findPage(model, { owner: 'exact' }, { limit: 2, offset: 0 });
    expect(page).toMatchObject({ total: EXACT_TOTAL_LIMIT, totalIsExact: true });
    expect(page.items.map((entry) => entry._id)).toEqual(['exact-00000', 'exact-00001']);
  });

  it('then beyond it the total says "more than the limit"', async () => {
    const page = await findPage(model, { owner: 'more' }, { limit: 1, offset: EXACT_TOTAL_LIMIT });
    expect(page).toMatchObject({ total: EXACT_TOTAL_LIMIT, totalIsExact: false });
    expect(page.items.map((entry) => entry._id)).toEqual([`more-${EXACT_TOTAL_LIMIT}`]);
  });
});
