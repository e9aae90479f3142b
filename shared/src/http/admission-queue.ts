import type { Foreground } from '../concurrency/foreground';

/** How much work the service takes on at once; the HTTP_* settings (lifecycle/service-settings.ts). */
export interface AdmissionLimits {
  /** Requests in progress at once. */
  maxInProgress: number;
  /** Requests waiting for one of those places; one more is turned away at once. */
  maxQueued: number;
  /** Longest a request waits for a place before it is turned away. */
  maxQueueWaitMs: number;
}

/** Why a request was not admitted. */
export type Refusal = 'queue-full' | 'waited-too-long' | 'client-gone';

export type Admission =
  | {
      admitted: true;
      /** Gives the place to the oldest waiting request; calls after the first do nothing. */
      release: () => void;
    }
  | { admitted: false; reason: Refusal };

/**
 * A bounded number of places for requests in progress, and a bounded queue of requests waiting
 * for one, served in arrival order, each for a bounded time. A request is admitted at once while
 * a place is free; otherwise it waits, unless the queue is full (refused at once). It leaves the
 * queue when a place frees up, when it has waited `maxQueueWaitMs` (refused), or when `gone` is
 * aborted (its client went away): a request refused has had none of its work done.
 *
 * Hand-written: p-queue and p-limit are ESM only (this CommonJS build and its jest would need
 * extra machinery to load them), and async-mutex's Semaphore neither tells its queue's length nor
 * lets one waiter leave it; here a waiter that leaves stops counting against the bound at once.
 */
export class AdmissionQueue implements Foreground {
  private running = 0;
  /** Starts of the waiting requests, oldest first: a Set keeps that order and lets any one leave. */
  private readonly waiting = new Set<() => void>();
  /** What background work waits on while the queue is busy (see whenCalm). */
  private calm?: { reached: Promise<void>; reach: () => void; timer: NodeJS.Timeout };

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * The API as a service's foreground: busy while a request waits for a place, or while more
   * than a quarter of the places are taken (a burst, not the tens of requests of a busy steady
   * load). Background work then waits until it calms down, and at the latest `maxQueueWaitMs`
   * after the first one began to wait: no longer than a request may wait for its place.
   */
  whenCalm(): Promise<void> {
    if (this.isCalm) return Promise.resolve();
    if (!this.calm) {
      let reach = () => {};
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const timer = setTimeout(() => this.becomeCalm(), this.limits.maxQueueWaitMs);
      this.calm = { reached, reach, timer };
    }
    return this.calm.reached;
  }

  /** Requests admitted and not yet released. */
  get inProgress(): number {
    return this.running;
  }

  /** Requests waiting for a place. */
  get queued(): number {
    return this.waiting.size;
  }

  admit(gone?: AbortSignal): Promise<Admission> {
    if (gone?.aborted) return Promise.resolve(refused('client-gone'));
    if (this.running < this.limits.maxInProgress && this.waiting.size === 0) {
      return Promise.resolve(this.enter());
    }
    if (this.waiting.size >= this.limits.maxQueued) return Promise.resolve(refused('queue-full'));
    return new Promise((resolve) => {
      const leave = (admission: Admission) => {
        this.waiting.delete(start);
        clearTimeout(timer);
        gone?.removeEventListener('abort', onGone);
        resolve(admission);
      };
      const start = () => leave(this.enter());
      const onGone = () => leave(refused('client-gone'));
      const timer = setTimeout(() => leave(refused('waited-too-long')), this.limits.maxQueueWaitMs);
      gone?.addEventListener('abort', onGone, { once: true });
      this.waiting.add(start);
    });
  }

  private enter(): Admission {
    this.running += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        const [oldest] = this.waiting;
        oldest?.();
        if (this.calm && this.isCalm) this.becomeCalm();
      },
    };
  }

  private get isCalm(): boolean {
    return this.waiting.size === 0 && this.running <= this.limits.maxInProgress / 4;
  }

  private becomeCalm(): void {
    if (!this.calm) return;
    clearTimeout(this.calm.timer);
    this.calm.reach();
    this.calm = undefined;
  }
}

const refused = (reason: Refusal): Admission => ({ admitted: false, reason });
