import { Mutex } from './mutex';

/**
 * Runs work for the same key one at a time, in arrival order, within this process: writes to one
 * document outside the aggregate store, which orders its own (the dead-letter index: one event
 * id at a time). A Mutex per key with work in progress; work under one constant key needs no
 * map: use a Mutex.
 */
export class KeyedMutex {
  private readonly byKey = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const entry = this.byKey.get(key) ?? { mutex: new Mutex(), users: 0 };
    this.byKey.set(key, entry);
    entry.users += 1;
    try {
      return await entry.mutex.run(work);
    } finally {
      // The last one out removes the key, so the map only holds keys with work in progress.
      entry.users -= 1;
      if (entry.users === 0) this.byKey.delete(key);
    }
  }

  get activeKeys(): number {
    return this.byKey.size;
  }
}
