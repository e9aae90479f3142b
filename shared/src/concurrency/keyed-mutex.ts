/**
 * Runs work for the same key one at a time, in arrival order, within this process: writes to one
 * document outside the aggregate store, which orders its own (the dead-letter index: one event
 * id at a time). Work under one constant key needs no map: see Mutex (./mutex.ts).
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
