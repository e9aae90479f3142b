import Joi from 'joi';

export const MAX_PAGE_SIZE = 100;

/** `limit` (default 20, capped at 100) and `offset` (default 0), for list endpoints. */
export const paginationKeys = {
  limit: Joi.number()
    .integer()
    .min(1)
    .default(20)
    .custom((value: number) => Math.min(value, MAX_PAGE_SIZE))
    .description(`Page size; more than ${MAX_PAGE_SIZE} counts as ${MAX_PAGE_SIZE}`),
  offset: Joi.number()
    .integer()
    .min(0)
    .max(1_000_000)
    .default(0)
    .description('How many items to skip'),
};
