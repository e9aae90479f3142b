import type Joi from 'joi';
import request from 'supertest';
import { createHttpApp } from '../../src/http/create-http-app';
import {
  deadLetterDiscardBody,
  deadLetterListQuery,
  deadLetterReplayBody,
} from '../../src/http/dead-letter-request-schemas';
import { ServiceMetrics } from '../../src/observability/metrics';
import { createLogger } from '../../src/logging/logger';
import type { DeadLetterQueue } from '../../src/messaging/dead-letter-queue';
import { deadLetterRouter } from '../../src/http/dead-letter-routes';

// The dead-letter routes validate with the schemas their API document is built from
// (dead-letter-request-schemas.ts): whatever a schema refuses, the route refuses with a 400.

const deadLetters = {
  list: async () => ({ items: [], total: 0 }),
  replay: async () => 0,
  discard: async (eventIds: string[]) => eventIds.length,
} as unknown as DeadLetterQueue;

const app = createHttpApp({
  service: 'dlq',
  logger: createLogger({ service: 'dlq', level: 'silent' }),
  metrics: new ServiceMetrics('dlq'),
  healthChecks: [],
  routers: [deadLetterRouter(deadLetters, 'token')],
});
const ADMIN = { Authorization: 'Bearer token' };

const accepts = (schema: Joi.Schema, value: unknown) =>
  schema.validate(value, { convert: true }).error === undefined;

const ids = (count: number, length = 10) =>
  Array.from({ length: count }, (_, index) => String(index).padStart(length, 'x'));

const selections: unknown[] = [
  {},
  { eventIds: ['a'] },
  { eventIds: [] },
  { eventIds: ['a', 'a'] },
  { eventIds: [''] },
  { eventIds: ids(1, 201) },
  { eventIds: ids(1000) },
  { eventIds: ids(1001) },
  { eventIds: 'a' },
  { eventIds: [1] },
  { limit: 1 },
  { limit: 100_000 },
  { limit: 100_001 },
  { limit: 0 },
  { limit: 1.5 },
  { limit: '5' },
  { eventIds: ['a'], limit: 2 },
  { other: 1 },
  { $where: '1' },
  [],
];

describe('the dead-letter routes and the schemas of their document', () => {
  it.each(selections.map((selection) => [JSON.stringify(selection), selection]))(
    'when the body is %s, then replay and the documented schema agree',
    async (_name, selection) => {
      const response = await request(app)
        .post('/api/admin/dlq/replay')
        .set(ADMIN)
        .set('content-type', 'application/json')
        .send(JSON.stringify(selection));
      expect(response.status === 400).toBe(!accepts(deadLetterReplayBody, selection));
    },
  );

  it.each(selections.map((selection) => [JSON.stringify(selection), selection]))(
    'when the body is %s, then discard and the documented schema agree',
    async (_name, selection) => {
      const response = await request(app)
        .post('/api/admin/dlq/discard')
        .set(ADMIN)
        .set('content-type', 'application/json')
        .send(JSON.stringify(selection));
      expect(response.status === 400).toBe(!accepts(deadLetterDiscardBody, selection));
    },
  );

  it('when replay has no body at all, then both take it as {}', async () => {
    await request(app).post('/api/admin/dlq/replay').set(ADMIN).expect(200);
    expect(accepts(deadLetterReplayBody, {})).toBe(true);
  });

  it.each([
    '',
    'limit=5&offset=10',
    'limit=500',
    'limit=0',
    'limit=x',
    'offset=-1',
    'offset=1000001',
    'sort=failedAt',
    'limit[$gt]=1',
  ])(
    'when the listing query is %p, then the route and the documented schema agree',
    async (query) => {
      const response = await request(app).get(`/api/admin/dlq?${query}`).set(ADMIN);
      const parsed = Object.fromEntries(new URLSearchParams(query));
      expect(response.status === 400).toBe(!accepts(deadLetterListQuery, parsed));
    },
  );
});
