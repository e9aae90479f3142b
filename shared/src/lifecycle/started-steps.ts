import { settlesWithin } from '../concurrency/timing';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';

type Stop = () => Promise<void> | void;

/**
 * The steps of a service's start-up that have run, each with its own stop. They stop in reverse
 * order: what started last (HTTP) stops first, and what everything uses (the database) last.
 * A step that fails to start stops the ones before it, so a failed start leaves nothing open.
 */
export class StartedSteps {
  private readonly stops: Array<{ step: string; stop: Stop }> = [];

  /** `failedStartBudgetMs`: how long stopping may take after a failed start, at most. */
  constructor(
    private readonly logger: Logger,
    private readonly failedStartBudgetMs: number,
  ) {}

  /** Runs `start`; `stop` is called with what it returned when the service stops. */
  async run<T>(
    step: string,
    start: () => T | Promise<T>,
    stop: (started: T) => Promise<void> | void = () => undefined,
  ): Promise<T> {
    let started: T;
    try {
      started = await start();
    } catch (error) {
      this.logger.error('Start-up step failed', { step, ...errorFields(error) });
      // A stop that hangs (a broker that never answers a close) must not keep a process that
      // failed to start from exiting: its supervisor starts a fresh one.
      const stopped = this.stopAll().catch(() => undefined);
      if (!(await settlesWithin(stopped, this.failedStartBudgetMs))) {
        this.logger.warn('Not every started step stopped in time', { step });
      }
      throw error;
    }
    this.stops.push({ step, stop: () => stop(started) });
    return started;
  }

  /**
   * Stops every started step, last first. One that fails does not keep the others open: the
   * first failure is thrown once all have been tried.
   */
  async stopAll(): Promise<void> {
    let firstFailure: { error: unknown } | undefined;
    for (const { step, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.error('Stopping a step failed', { step, ...errorFields(error) });
        firstFailure ??= { error };
      }
    }
    if (firstFailure) throw firstFailure.error;
  }
}
