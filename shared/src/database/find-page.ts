import type { FilterQuery, Model, ProjectionType, SortOrder } from 'mongoose';

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

/** How a list is ordered and which fields its items carry (all but `omit`). */
export interface PageShape {
  /** Default NEWEST_FIRST; the sort must end with a unique field, so pages never overlap. */
  sort?: Readonly<Record<string, SortOrder>>;
  /** Fields the items leave out (an order's history, say). */
  omit?: readonly string[];
}

/**
 * One page of the documents matching `filter`, newest first (ties broken by id, so pages never
 * overlap) unless `shape.sort` says otherwise, and how many match in all, counted up to
 * EXACT_TOTAL_LIMIT. The collection needs an index that starts with the filter's fields and ends
 * with the sort's, so that neither query reads more than it returns.
 */
export async function findPage<T>(
  model: Model<T>,
  filter: FilterQuery<T>,
  { limit, offset }: Page,
  { sort = NEWEST_FIRST, omit = [] }: PageShape = {},
): Promise<ListPage<T>> {
  const projection = Object.fromEntries(omit.map((field) => [field, 0])) as ProjectionType<T>;
  const [items, counted] = await Promise.all([
    model
      .find(filter, projection)
      .sort({ ...sort })
      .skip(offset)
      .limit(limit)
      .lean<T[]>(),
    model.countDocuments(filter, { limit: COUNT_LIMIT }),
  ]);
  return {
    items,
    total: Math.min(counted, EXACT_TOTAL_LIMIT),
    totalIsExact: counted <= EXACT_TOTAL_LIMIT,
  };
}

/**
 * A list's search: documents where any of `fields` contains `text`, whatever the case (the text
 * matched literally, never as a pattern the caller wrote); no text, no condition. Every document
 * is read: no index answers "contains".
 */
export function textSearch<T>(text: string | undefined, fields: readonly string[]): FilterQuery<T> {
  if (!text) return {};
  const contains = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  return { $or: fields.map((field) => ({ [field]: contains })) } as FilterQuery<T>;
}
