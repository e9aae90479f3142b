import Joi from 'joi';
import type { DeadLetterSelection } from '../messaging/dead-letter-queue';
import type { Page } from '../database/find-page';
import { paginationKeys } from './pagination';

// The requests of the dead-letter routes (dead-letter-routes.ts): what they validate,
// and what their API document says.

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
