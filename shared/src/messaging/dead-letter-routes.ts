import { Router } from 'express';
import Joi from 'joi';
import { requireAdmin } from '../http/require-admin';
import { paginationKeys } from '../http/pagination';
import type { Page } from '../http/pagination';
import { validate, validateBody } from '../http/validation';
import type { DeadLetterQueue } from './dead-letter-queue';

const eventIds = Joi.array().items(Joi.string().min(1).max(200)).max(1000).unique();

const listQuery = Joi.object<Page>(paginationKeys);
const replayBody = Joi.object<{ eventIds?: string[]; limit?: number }>({
  eventIds,
  limit: Joi.number().integer().min(1).max(100_000),
});
const discardBody = Joi.object<{ eventIds: string[] }>({ eventIds: eventIds.min(1).required() });

/** The contract's dead-letter routes, the same on every service (admin only). */
export function deadLetterRouter(deadLetters: DeadLetterQueue, adminToken: string): Router {
  const router = Router();
  router.use('/admin/dlq', requireAdmin(adminToken));

  router.get('/admin/dlq', async (req, res) => {
    const { limit, offset } = validate(listQuery, req.query, 'Query');
    const { items, total } = await deadLetters.list(limit, offset);
    res.json({ items, total, limit, offset });
  });

  router.post('/admin/dlq/replay', async (req, res) => {
    const selection = validate(replayBody, req.body ?? {}, 'Body');
    res.json({ replayed: await deadLetters.replay(selection) });
  });

  router.post('/admin/dlq/discard', async (req, res) => {
    const { eventIds: ids } = validateBody(discardBody, req.body);
    res.json({ discarded: await deadLetters.discard(ids) });
  });

  return router;
}
