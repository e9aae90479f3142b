/**
 * Runs work for the same key one at a time, in arrival order, within this process.
 *
 * Why: FerretDB applies an update by reading the document and writing it back, so two
 * concurrent conditional updates of one document can both succeed. Serialising writes per
 * document keeps a single instance correct on FerretDB; on MongoDB the conditional updates are
 * atomic by themselves and this lock only removes contention.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // The last one out removes the key, so the map only holds keys with work in progress.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  get activeKeys(): number {
    return this.tails.size;
  }
}

/** The lock key of one document (`<collection>:<id>`), shared by everything that writes it. */
export function lockKey(collection: string, documentId: unknown): string {
  return `${collection}:${String(documentId)}`;
}
