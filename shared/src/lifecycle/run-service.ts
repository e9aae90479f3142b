import { flushTracing } from '../observability/tracing-lifecycle';
import { createLogger, errorFields } from '../logging/logger';
import type { RunningService } from './service-definition';

/**
 * The process around a service: starts it, stops it gracefully on SIGTERM or SIGINT (exit 0, or 1
 * if that takes longer than the timeout), and exits on errors nothing handled.
 */
export function runService(name: string, start: () => Promise<RunningService>): void {
  const fallbackLogger = createLogger({ service: name });
  let running: RunningService | undefined;

  const shutdown = async (signal: string) => {
    const logger = running?.logger ?? fallbackLogger;
    logger.info('Shutdown requested', { signal });
    const timeoutMs = running?.shutdownTimeoutMs ?? 0;
    const timer = setTimeout(() => {
      logger.error('Shutdown took too long, exiting', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    try {
      await running?.stop();
      await flushTracing();
      process.exit(0);
    } catch (error) {
      logger.error('Shutdown failed', errorFields(error));
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  // A programmer error leaves the process in an unknown state: log it and let the supervisor
  // (docker, the start script) start a fresh one. Unacked messages are redelivered.
  const crash = (kind: string) => (error: unknown) => {
    (running?.logger ?? fallbackLogger).error(kind, errorFields(error));
    process.exit(1);
  };
  process.on('uncaughtException', crash('Uncaught exception'));
  process.on('unhandledRejection', crash('Unhandled promise rejection'));

  // Through a promise, so that a start that throws at once is a failed start too.
  Promise.resolve()
    .then(start)
    .then((service) => (running = service), crash('Service failed to start'));
}
