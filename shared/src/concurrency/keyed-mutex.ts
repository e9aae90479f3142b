/**
 * Runs work for the same key one at a time, in arrival order, within this process. The messaging
 * layer uses it for its own state changes (pausing and resuming the consumer, DLQ walks); writes
 * to documents are serialised by the aggregate store, which has its own queue per document.
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
