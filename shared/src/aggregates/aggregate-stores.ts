import type { Collection } from 'mongoose';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { EventPublisher } from '../messaging/event-bus';
import type { AggregateStore, AggregateStoreOptions } from './aggregate-store';
import { MongoAggregateStore } from './aggregate-store';

export type StoreTuning = Omit<AggregateStoreOptions, 'collection' | 'publisher' | 'logger'>;

/** Every this many poll intervals the scan runs even when this process knows of nothing unsent. */
const FULL_SCAN_EVERY = 10;

/**
 * The aggregate stores of one service, and what they do in the background: the batched clean-up
 * of confirmed outbox entries, and a scan for events no write of this process is publishing
 * (passes never overlap). The scan runs at start (what a crash left), every `pollIntervalMs`
 * while this process has events it could not publish (broker or database down), and every
 * FULL_SCAN_EVERY intervals regardless (what another instance left when it died). A healthy
 * process thus does not read its in-flight documents once a second for nothing.
 */
export class AggregateStores {
  private readonly stores: Array<MongoAggregateStore<object>> = [];
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly options: {
      publisher: EventPublisher;
      logger: Logger;
      pollIntervalMs: number;
    },
  ) {}

  /** The store of the aggregates kept in `collection` (a model built on aggregateSchema). */
  define<S extends object>(collection: Collection, tuning: StoreTuning = {}): AggregateStore<S> {
    const store = new MongoAggregateStore<S>({
      ...tuning,
      collection,
      publisher: this.options.publisher,
      logger: this.options.logger,
    });
    this.stores.push(store as unknown as MongoAggregateStore<object>);
    return store;
  }

  start(): void {
    this.stopped = false;
    for (const store of this.stores) store.start();
    let ticks = 0;
    this.timer = setInterval(() => {
      ticks += 1;
      if (ticks % FULL_SCAN_EVERY === 0 || this.stores.some((store) => store.hasUnpublished)) {
        void this.scan();
      }
    }, this.options.pollIntervalMs);
    this.timer.unref();
    void this.scan();
  }

  /** Events stored and handed to the broker but not yet confirmed, over every store. */
  get unconfirmedEvents(): number {
    return this.stores.reduce((sum, store) => sum + store.unconfirmedEvents, 0);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all(this.stores.map((store) => store.stop()));
  }

  /** Runs one scan pass now (tests, and a broker that came back). */
  scan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        for (const store of this.stores) await store.publishPending();
      } catch (error) {
        // Left in the outboxes: the next pass finds them.
        this.options.logger.warn('Outbox scan failed', errorFields(error));
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }
}
