import { backoffDelay, sleep } from '../../src/concurrency/timing';

const options = { initialMs: 100, maxMs: 10_000 };

describe('backoffDelay', () => {
  it('when random() is 0, then the delay is half the ceiling', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
  });

  it('when random() is 1, then the delay is the whole ceiling', () => {
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
  });

  it('when attempts go on, then the ceiling doubles per attempt', () => {
    const ceilings = [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1600]);
  });

  it('when the doubled ceiling would pass maxMs, then it is capped at maxMs', () => {
    expect(backoffDelay(8, options, () => 1)).toBe(10_000);
    expect(backoffDelay(8, options, () => 0)).toBe(5000);
    expect(backoffDelay(50, options, () => 1)).toBe(10_000);
  });

  it('when the attempt is huge, then the delay is still capped and finite', () => {
    expect(backoffDelay(5000, options, () => 1)).toBe(10_000);
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, options, () => 0.5)).toBe(7500);
  });

  it('when the attempt is 0 or negative, then it is treated as the first', () => {
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(-5, options, () => 1)).toBe(100);
  });

  it('when any attempt and random value are combined, then the delay lies between half the ceiling and the ceiling', () => {
    for (let attempt = 1; attempt <= 30; attempt++) {
      const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.5, 0.9, 0.999, 1]) {
        const delay = backoffDelay(attempt, options, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(delay).toBeLessThanOrEqual(options.maxMs);
      }
    }
  });

  it('when no random is given, then Math.random is used and the bounds still hold', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(backoffDelay(2, options)).toBe(125);
      expect(random).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function track(promise: Promise<void>) {
    const state = { done: false };
    void promise.then(() => {
      state.done = true;
    });
    return state;
  }

  it('when the time has not passed yet, then it is still waiting; when it has, then it resolves', async () => {
    const state = track(sleep(1000));

    await jest.advanceTimersByTimeAsync(999);
    expect(state.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(state.done).toBe(true);
  });

  it('when it is woken early, then it resolves at once and leaves no timer behind', async () => {
    let wake: (() => void) | undefined;
    const state = track(
      sleep(60_000, (wakeUp) => {
        wake = wakeUp;
      }),
    );
    expect(wake).toBeInstanceOf(Function);
    expect(jest.getTimerCount()).toBe(1);

    await jest.advanceTimersByTimeAsync(10);
    expect(state.done).toBe(false);
    wake?.();
    await Promise.resolve();
    expect(state.done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when it is woken after the time has passed, then nothing happens', async () => {
    let wake: (() => void) | undefined;
    const state = track(
      sleep(100, (wakeUp) => {
        wake = wakeUp;
      }),
    );
    await jest.advanceTimersByTimeAsync(100);
    expect(state.done).toBe(true);
    expect(() => wake?.()).not.toThrow();
  });
});
