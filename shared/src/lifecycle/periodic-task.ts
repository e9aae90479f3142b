import { randomUUID } from 'node:crypto';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';

/**
 * Work a service does on a clock rather than on a request or an event: the pruning of old
 * records, the expiry of overdue orders. It keeps its state in the database, never in the
 * process, so that a restart loses nothing and every instance may run it.
 */
export interface PeriodicTask {
  /** For the logs: what the task does ("expire overdue orders"). */
  name: string;
  everyMs: number;
  /** One round; `now` is the time the round started. A failure is logged; the next round retries. */
  run: (now: Date) => Promise<void>;
}

/** A task on its clock; `stop` ends it and waits for a round in progress. */
export interface RunningTask {
  stop: () => Promise<void>;
}

/**
 * Runs the task every `everyMs`, one round at a time: a round that outlasts the period delays
 * the next instead of overlapping it. Each round has its own correlation id in the logs.
 */
export function runPeriodically(task: PeriodicTask, logger: Logger): RunningTask {
  let inProgress: Promise<void> | undefined;
  const round = () => {
    if (inProgress) return;
    inProgress = runInContext({ correlationId: randomUUID() }, () => task.run(new Date()))
      .catch((error: unknown) => {
        logger.warn(`Periodic task failed: ${task.name}`, errorFields(error));
      })
      .finally(() => (inProgress = undefined));
  };
  const timer = setInterval(round, task.everyMs).unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inProgress;
    },
  };
}
