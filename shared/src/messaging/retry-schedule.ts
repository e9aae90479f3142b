/**
 * The bus's retry arithmetic, in one place: how many attempts a message may get, how long each
 * retry waits, and how short the wait from the first attempt to the last can be. The topology
 * declares its delay queues from it, the retry policy draws each delay's jitter from it, config
 * caps MAX_ATTEMPTS with it, and services that must outlast something reckon with it.
 *
 * Attempt 1 is the first delivery. A message whose attempt n fails waits in retry level n
 * (`<service>.delay.<n>`) before attempt n + 1, so `attempts` attempts go through
 * `attempts − 1` levels.
 */

/**
 * The most attempts a message can get (MAX_ATTEMPTS's own limit): it bounds the delay queues a
 * service declares, and so the ones a queue migration has to look for.
 */
export const MAX_ATTEMPTS_LIMIT = 20;

/** One retry level before each attempt but the first. */
function retryLevelsOf(attempts: number): number {
  return Math.max(attempts - 1, 0);
}

/** The most retry levels (delay queues) a service can have. */
export const MAX_RETRY_LEVELS = retryLevelsOf(MAX_ATTEMPTS_LIMIT);

/**
 * Each delay is multiplied by a factor drawn between these (±20 %), so that messages which
 * failed together do not come back together. Jitter this small keeps every level's queue nearly
 * FIFO by expiry, which matters because RabbitMQ only expires messages at the head of a queue.
 */
const JITTER_FACTOR = { min: 0.8, max: 1.2 } as const;

/**
 * The base delay of each retry level a message with `attempts` attempts goes through, level 1
 * first: `retryBaseDelayMs`, doubling for each level after it.
 */
export function retryDelaysMs(attempts: number, retryBaseDelayMs: number): number[] {
  return Array.from(
    { length: retryLevelsOf(attempts) },
    (_, index) => retryBaseDelayMs * 2 ** index,
  );
}

/** A level's base delay with its jitter drawn, in whole milliseconds (an AMQP expiration). */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  const { min, max } = JITTER_FACTOR;
  return Math.round(delayMs * (min + (max - min) * random()));
}

/**
 * The shortest time from the first of `attempts` attempts to the last: every delay at the lowest
 * jitter, rounded as the bus rounds it. Time the broker holds an expired message behind others,
 * and the handlers' own time, only add to it.
 */
export function shortestRetrySpanMs(attempts: number, retryBaseDelayMs: number): number {
  const lowestDraw = () => 0;
  return retryDelaysMs(attempts, retryBaseDelayMs).reduce(
    (spanMs, delayMs) => spanMs + withJitter(delayMs, lowestDraw),
    0,
  );
}
