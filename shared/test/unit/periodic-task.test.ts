import { currentContext } from '../../src/logging/context';
import { createLogger } from '../../src/logging/logger';
import { runPeriodically } from '../../src/lifecycle/periodic-task';
import { Gate } from '../../src/testing/gate';

const logger = createLogger({ service: 'clock', level: 'silent' });

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Lets the promise callbacks queued by a round run. */
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('runPeriodically', () => {
  it('when a round outlasts the period, then the next waits for it instead of overlapping it', async () => {
    const release = new Gate();
    release.close();
    const starts: Date[] = [];
    const task = runPeriodically(
      {
        name: 'slow',
        everyMs: 100,
        run: async (now) => {
          starts.push(now);
          await release.passage();
        },
      },
      logger,
    );
    await jest.advanceTimersByTimeAsync(350);
    expect(starts).toHaveLength(1);

    release.open();
    await jest.advanceTimersByTimeAsync(100);
    expect(starts).toHaveLength(2);
    await task.stop();
  });

  it('when a round fails, then it is logged and the next round runs', async () => {
    const warn = jest.spyOn(logger, 'warn');
    let rounds = 0;
    const task = runPeriodically(
      {
        name: 'flaky',
        everyMs: 100,
        run: async () => {
          rounds += 1;
          if (rounds === 1) throw new Error('database away');
        },
      },
      logger,
    );
    await jest.advanceTimersByTimeAsync(200);
    expect(rounds).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      'Periodic task failed: flaky',
      expect.objectContaining({ error: 'database away' }),
    );
    await task.stop();
  });

  it('when it is stopped during a round, then stop waits for that round and no other starts', async () => {
    const release = new Gate();
    release.close();
    let rounds = 0;
    let finished = false;
    const task = runPeriodically(
      {
        name: 'stopped',
        everyMs: 100,
        run: async () => {
          rounds += 1;
          await release.passage();
          finished = true;
        },
      },
      logger,
    );
    await jest.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);

    release.open();
    await stopping;
    expect(finished).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(1);
  });

  it('when rounds run, then each has a correlation id of its own for its logs', async () => {
    const correlationIds: Array<string | undefined> = [];
    const task = runPeriodically(
      {
        name: 'traced',
        everyMs: 100,
        run: async () => void correlationIds.push(currentContext()?.correlationId),
      },
      logger,
    );
    await jest.advanceTimersByTimeAsync(200);
    await task.stop();
    expect(correlationIds).toEqual([expect.any(String), expect.any(String)]);
    expect(new Set(correlationIds).size).toBe(2);
  });
});
