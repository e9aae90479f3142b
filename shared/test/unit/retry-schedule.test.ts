import { decideOnFailure } from '../../src/messaging/retry-policy';
import {
  MAX_ATTEMPTS_LIMIT,
  MAX_RETRY_LEVELS,
  retryDelaysMs,
  shortestRetrySpanMs,
  withJitter,
} from '../../src/messaging/retry-schedule';
import { defaultLane, defineServiceTopology } from '../../src/messaging/topology';

const topologyWith = (maxAttempts: number, retryBaseDelayMs: number) =>
  defineServiceTopology({
    service: 'order-service',
    exchange: 'ecommerce.events',
    consumes: ['inventory.status.updated'],
    maxAttempts,
    retryBaseDelayMs,
    maxDeliveries: 5,
  });

/**
 * The time from the first attempt to the last as the bus schedules it: the delay the retry
 * policy gives each failed attempt, through the delay queues the topology declares.
 */
function scheduledSpanMs(maxAttempts: number, retryBaseDelayMs: number, random: () => number) {
  const { retryQueues } = defaultLane(topologyWith(maxAttempts, retryBaseDelayMs));
  let spanMs = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) {
    const decision = decideOnFailure(new Error('down'), attempt, retryQueues, random);
    if (decision.action !== 'retry') throw new Error(`attempt ${attempt} was not retried`);
    spanMs += decision.delayMs;
  }
  return spanMs;
}

describe('retryDelaysMs', () => {
  it('when a message has 5 attempts, then it waits at 4 levels, from the base delay, each doubling the one before', () => {
    expect(retryDelaysMs(5, 1000)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('when a message has one attempt only, then it has no retry level', () => {
    expect(retryDelaysMs(1, 1000)).toEqual([]);
  });

  it('when a service has the most attempts allowed, then its topology has MAX_RETRY_LEVELS delay queues, the last of them named after it', () => {
    const { retryQueues } = defaultLane(topologyWith(MAX_ATTEMPTS_LIMIT, 1000));
    expect(retryQueues).toHaveLength(MAX_RETRY_LEVELS);
    expect(retryQueues.at(-1)?.name).toBe(`order-service.delay.${MAX_RETRY_LEVELS}`);
  });
});

describe('withJitter', () => {
  it('when random() spans its range, then the delay stays within ±20 % of the base', () => {
    for (const r of [0, 0.1, 0.25, 0.5, 0.75, 0.999, 1]) {
      const delay = withJitter(5000, () => r);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(6000);
    }
  });

  it('when random() is at either end, then the delay is at that end of the range', () => {
    expect(withJitter(5000, () => 0)).toBe(4000);
    expect(withJitter(5000, () => 1)).toBe(6000);
  });

  it('when the jittered delay is fractional, then it is rounded to whole milliseconds', () => {
    expect(withJitter(1001, () => 0)).toBe(801);
    expect(withJitter(3, () => 1)).toBe(4);
  });
});

describe('shortestRetrySpanMs', () => {
  it.each([
    [1, 1000],
    [2, 1000],
    [8, 1000],
    [5, 3],
    [MAX_ATTEMPTS_LIMIT, 1],
    [MAX_ATTEMPTS_LIMIT, 1000],
  ])(
    'when %i attempts from a base of %i ms are each retried at the lowest jitter, then the bus spans exactly this long',
    (attempts, retryBaseDelayMs) => {
      expect(shortestRetrySpanMs(attempts, retryBaseDelayMs)).toBe(
        scheduledSpanMs(attempts, retryBaseDelayMs, () => 0),
      );
    },
  );

  it('when the jitter is drawn anywhere in its range, then the retries never span less', () => {
    for (const r of [0.001, 0.25, 0.5, 0.999]) {
      expect(scheduledSpanMs(8, 1000, () => r)).toBeGreaterThan(shortestRetrySpanMs(8, 1000));
    }
  });

  it('when 8 attempts start from 1 s, then their retries (127 s without jitter) span at least 101.6 s', () => {
    expect(shortestRetrySpanMs(8, 1000)).toBe(101_600);
    expect(shortestRetrySpanMs(1, 1000)).toBe(0);
  });

  it('when the lowest delays are fractional, then they count as the bus rounds them', () => {
    // Levels of 3 and 6 ms at 80 %: 2.4 and 4.8 ms, sent as expirations of 2 and 5 ms.
    expect(shortestRetrySpanMs(3, 3)).toBe(7);
  });
});
