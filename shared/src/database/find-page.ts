import type { FilterQuery, Model } from 'mongoose';

/** Which page of a list: at most `limit` items after skipping `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

/**
 * One page of the documents matching `filter`, newest first (ties broken by id, so pages never
 * overlap), and how many match in all. The documents need a `createdAt`.
 */
export async function findPage<T extends { createdAt: Date }>(
  model: Model<T>,
  filter: FilterQuery<T>,
  { limit, offset }: Page,
): Promise<{ documents: T[]; total: number }> {
  const [documents, total] = await Promise.all([
    model.find(filter).sort({ createdAt: -1, _id: 1 }).skip(offset).limit(limit).lean<T[]>(),
    model.countDocuments(filter),
  ]);
  return { documents, total };
}
