/**
 * The three ways orders arrive: a fixed number of clients as fast as answered, a steady rate, or
 * a crowd all at once.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `work`, or an error naming `what` once `ms` have passed: a server that accepts connections and
 * never answers (FerretDB out of PostgreSQL connections) must not hang the bench.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `clients` loops, each placing its next order as soon as its last one was accepted, until
 * `orders` have been placed. The first failure stops every loop and is thrown.
 */
export async function closedLoop(
  clients: number,
  orders: number,
  placeOne: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(clients, orders) }, async () => {
      while (!failed && next < orders) {
        const index = next++;
        try {
          await placeOne(index);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

export interface SteadyRateResult {
  placed: number;
  /** How far behind its schedule the bench started a request at worst: it must stay small. */
  worstLagMs: number;
}

/**
 * `rate` orders per second for `seconds`, each started at its scheduled time whether or not the
 * earlier ones were answered (an open loop: a slow system does not slow the arrivals).
 */
export async function steadyRate(
  rate: number,
  seconds: number,
  placeOne: (index: number) => Promise<void>,
): Promise<SteadyRateResult> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const errors: unknown[] = [];
  const inFlight: Promise<void>[] = [];
  let worstLagMs = 0;
  for (let index = 0; index < total && errors.length === 0; index++) {
    // Scheduled from the start, not from the previous order, so timer drift does not add up.
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    worstLagMs = Math.max(worstLagMs, performance.now() - due);
    inFlight.push(placeOne(index).catch((error: unknown) => void errors.push(error)));
  }
  await Promise.all(inFlight);
  if (errors.length > 0) throw errors[0];
  return { placed: total, worstLagMs };
}

export interface Released<T> {
  outcomes: T[];
  /** `performance.now()` at the release: each client's time counts from this instant. */
  releasedAt: number;
  /** `Date.now()` at the release, to set beside the orders' own timestamps. */
  releasedAtEpoch: number;
  /** How long starting every client took the bench, before the release. */
  startMs: number;
}

/**
 * Every client at the same instant. Each one's request is built beforehand (`starts`), then all
 * are started in one synchronous loop; Node opens a connection to an IP address on the next tick,
 * so none opens before the loop is over (the release), and then all open together: the server
 * sees that many connections arrive at once, as from a crowd, not requests on connections opened
 * at leisure before. (Starting thousands takes the bench a few hundred ms on two busy cores; it
 * is reported, and not counted in the clients' times.)
 */
export async function atOnce<T>(starts: readonly (() => Promise<T>)[]): Promise<Released<T>> {
  const began = performance.now();
  const pending = starts.map((start) => start());
  const releasedAt = performance.now();
  const releasedAtEpoch = Date.now();
  return {
    outcomes: await Promise.all(pending),
    releasedAt,
    releasedAtEpoch,
    startMs: releasedAt - began,
  };
}
