import Joi from 'joi';
import { EXACT_TOTAL_LIMIT } from '../database/find-page';

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

/** `search` of a list of products: part of a product's id or name, whatever its case. */
export const productSearchKey = {
  search: Joi.string()
    .trim()
    .min(1)
    .max(100)
    .description("Part of a product's id or name (case-insensitive)"),
};

/** What a list's answer says besides its items (see `findPage`). */
export function listPageKeys(itemsName: string) {
  return {
    total: Joi.number()
      .integer()
      .min(0)
      .max(EXACT_TOTAL_LIMIT)
      .required()
      .description(
        `How many ${itemsName} match the filter, counted up to ${EXACT_TOTAL_LIMIT}` +
          ' (then `totalIsExact` is false: more than that many match)',
      ),
    totalIsExact: Joi.boolean()
      .required()
      .description(`false when more than ${EXACT_TOTAL_LIMIT} match: counting stops there`),
    limit: Joi.number().integer().min(1).required(),
    offset: Joi.number().integer().min(0).required(),
  };
}
