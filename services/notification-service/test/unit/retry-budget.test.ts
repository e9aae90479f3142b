import { MAX_ATTEMPTS_LIMIT, shortestRetrySpanMs } from '@ecommerce/shared';
import { attemptsForProviderOutage } from '../../src/domain/retry-budget';

const defaults = {
  maxAttempts: 5,
  retryBaseDelayMs: 1000,
  outageMs: 60_000,
  breakerResetMs: 10_000,
  providerTimeoutMs: 5000,
};

describe('when the retry budget of the notification service is set', () => {
  it('then the defaults give 8 attempts, whose retries span 127 s, and at least 101.6 s with jitter', () => {
    expect(attemptsForProviderOutage(defaults)).toBe(8);
    expect(shortestRetrySpanMs(8, 1000)).toBe(101_600);
    expect(shortestRetrySpanMs(7, 1000)).toBeLessThan(60_000 + 10_000 + 5000);
  });

  it('then MAX_ATTEMPTS is kept when it already outlasts the outage, and when the tolerance is 0', () => {
    expect(attemptsForProviderOutage({ ...defaults, maxAttempts: 10 })).toBe(10);
    expect(attemptsForProviderOutage({ ...defaults, maxAttempts: 3, outageMs: 0 })).toBe(3);
  });

  it('then a shorter base delay needs more attempts, and an impossible budget is refused', () => {
    expect(attemptsForProviderOutage({ ...defaults, retryBaseDelayMs: 50 })).toBe(12);
    expect(() =>
      attemptsForProviderOutage({ ...defaults, retryBaseDelayMs: 1, outageMs: 600_000 }),
    ).toThrow(`cannot be outlasted within ${MAX_ATTEMPTS_LIMIT} attempts`);
  });

  it("then the bus's last allowed attempt is used when just enough, and an outage 1 ms longer is refused", () => {
    const fromOneMs = { ...defaults, retryBaseDelayMs: 1 };
    // The outage that, with the breaker's reset and the probe, the last allowed attempt just outlasts.
    const outageMs =
      shortestRetrySpanMs(MAX_ATTEMPTS_LIMIT, fromOneMs.retryBaseDelayMs) -
      fromOneMs.breakerResetMs -
      fromOneMs.providerTimeoutMs;
    expect(attemptsForProviderOutage({ ...fromOneMs, outageMs })).toBe(MAX_ATTEMPTS_LIMIT);
    expect(() => attemptsForProviderOutage({ ...fromOneMs, outageMs: outageMs + 1 })).toThrow(
      `cannot be outlasted within ${MAX_ATTEMPTS_LIMIT} attempts`,
    );
  });
});
