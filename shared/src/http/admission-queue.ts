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

/**
 * How long after its last new connection a burst may be over. A Node server takes one connection
 * from the kernel per turn of its event loop (libuv since 1.45, libuv/libuv#3696), so a crowd's
 * last clients wait in the listen backlog, unseen here, while the turns are long; background work
 * started then makes them longer still (in a burst of 2,000, the last 200 to 700 clients were
 * accepted over 2–8 s, one or two at a time, while the events of the first ones were handled).
 * A burst is therefore over only once no connection came for this long and a whole turn of the
 * loop took none: the backlog is empty (a turn that finds it holding one takes it).
 */
export const BURST_QUIET_MS = 100;

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
  /**
   * What background work waits on during a burst (see whenCalm); `cancelQuietCheck`: cancels the
   * check under way of whether the crowd is all in.
   */
  private calm?: {
    reached: Promise<void>;
    reach: () => void;
    timer: NodeJS.Timeout;
    cancelQuietCheck?: () => void;
  };
  private connectionsOpened = 0;
  private lastConnectionAt = Number.NEGATIVE_INFINITY;

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * The API as a service's foreground: busy while a request waits for a place, or while more
   * than a quarter of the places are taken (a burst, not the tens of requests of a busy steady
   * load). Background work then waits until the burst is over: the queue calm again and the crowd
   * all let in (see BURST_QUIET_MS; kept-alive clients open no connections); at the latest
   * `maxQueueWaitMs` after the first one began to wait, no longer than a request may wait.
   */
  whenCalm(): Promise<void> {
    if (!this.calm && this.isCalm) return Promise.resolve();
    if (!this.calm) {
      let reach = () => {};
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const timer = setTimeout(() => this.becomeCalm(), this.limits.maxQueueWaitMs);
      this.calm = { reached, reach, timer };
    }
    return this.calm.reached;
  }

  /** A client opened a connection: during a burst, one more that the crowd may still hold. */
  connectionOpened(): void {
    this.connectionsOpened += 1;
    this.lastConnectionAt = performance.now();
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
        this.endBurstWhenQuiet();
      },
    };
  }

  /**
   * Ends a burst once the queue is calm, no new connection came for BURST_QUIET_MS, and a whole
   * turn of the event loop took none (the second immediate runs after the next turn's poll).
   */
  private endBurstWhenQuiet(): void {
    const { calm } = this;
    if (!calm || !this.isCalm || calm.cancelQuietCheck) return;
    const checkAgain = () => {
      calm.cancelQuietCheck = undefined;
      this.endBurstWhenQuiet();
    };
    const quietForMs = performance.now() - this.lastConnectionAt;
    if (quietForMs < BURST_QUIET_MS) {
      const timer = setTimeout(checkAgain, BURST_QUIET_MS - quietForMs);
      calm.cancelQuietCheck = () => clearTimeout(timer);
      return;
    }
    const opened = this.connectionsOpened;
    let turn = setImmediate(() => {
      turn = setImmediate(() => {
        if (this.connectionsOpened === opened && this.isCalm) this.becomeCalm();
        else checkAgain();
      });
    });
    calm.cancelQuietCheck = () => clearImmediate(turn);
  }

  private get isCalm(): boolean {
    return this.waiting.size === 0 && this.running <= this.limits.maxInProgress / 4;
  }

  private becomeCalm(): void {
    if (!this.calm) return;
    clearTimeout(this.calm.timer);
    this.calm.cancelQuietCheck?.();
    this.calm.reach();
    this.calm = undefined;
  }
}

const refused = (reason: Refusal): Admission => ({ admitted: false, reason });
