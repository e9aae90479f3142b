import { Router } from 'express';
import {
  deadLetterDiscardBody as discardBody,
  deadLetterListQuery as listQuery,
  deadLetterReplayBody as replayBody,
} from './dead-letter-request-schemas';
import { requireAdmin } from './require-admin';
import { validate, validateBody } from './validation';
import type { DeadLetterQueue } from '../messaging/dead-letter-queue';

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
