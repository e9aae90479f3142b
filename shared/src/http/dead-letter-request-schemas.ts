import Joi from 'joi';
import type { DeadLetterSelection } from '../messaging/dead-letter-queue';
import type { Page } from './pagination';
import { paginationKeys } from './pagination';

// The requests of the dead-letter routes (messaging/dead-letter-routes.ts), for their API
// document. That file keeps its own copy of these schemas for now (it was being changed for
// tracing when the document was written); it should import these instead. Until it does,
// dead-letter-openapi.test.ts checks that the routes accept and refuse exactly what these do.

const eventIds = Joi.array()
  .items(Joi.string().min(1).max(200))
  .max(1000)
  .unique()
  .description('Event ids as listed by GET /api/admin/dlq (`eventId`)');

export const deadLetterListQuery = Joi.object<Page>(paginationKeys);

export const deadLetterReplayBody = Joi.object<DeadLetterSelection>({
  eventIds: eventIds.description(
    'Only these messages (ids not in the queue are skipped); all when absent',
  ),
  limit: Joi.number().integer().min(1).max(100_000).description('At most this many messages'),
});

export const deadLetterDiscardBody = Joi.object<{ eventIds: string[] }>({
  eventIds: eventIds.min(1).required(),
});
