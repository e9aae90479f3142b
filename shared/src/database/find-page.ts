import type { FilterQuery, Model } from 'mongoose';

/** Which page of a list: at most `limit` items after skipping `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

/**
 * Counting reads every match, on MongoDB as on PostgreSQL, so a list's count stops here and a
 * longer list says "more than this many" (as Elasticsearch's `track_total_hits` does): the cost
 * of a page stays flat however many orders a shop keeps.
 */
export const EXACT_TOTAL_LIMIT = 10_000;

/** A list's order: newest first, ties broken by id so that pages never overlap. */
export const NEWEST_FIRST = { createdAt: -1, _id: 1 } as const;

/** The count of a list stops one past EXACT_TOTAL_LIMIT: enough to tell "more than that". */
export const COUNT_LIMIT = EXACT_TOTAL_LIMIT + 1;

/** One page of a list and how many items match in all (`totalIsExact: false`: more than `total`). */
export interface ListPage<T> {
  items: T[];
  total: number;
  totalIsExact: boolean;
}

/**
 * One page of the documents matching `filter`, newest first (ties broken by id, so pages never
 * overlap), and how many match in all, counted up to EXACT_TOTAL_LIMIT. The documents need a
 * `createdAt`; the collection an index that starts with the filter's fields and ends with
 * `createdAt`, so that neither query reads more than it returns.
 */
export async function findPage<T extends { createdAt: Date }>(
  model: Model<T>,
  filter: FilterQuery<T>,
  { limit, offset }: Page,
): Promise<ListPage<T>> {
  const [items, counted] = await Promise.all([
    model.find(filter).sort(NEWEST_FIRST).skip(offset).limit(limit).lean<T[]>(),
    model.countDocuments(filter, { limit: COUNT_LIMIT }),
  ]);
  return {
    items,
    total: Math.min(counted, EXACT_TOTAL_LIMIT),
    totalIsExact: counted <= EXACT_TOTAL_LIMIT,
  };
}
