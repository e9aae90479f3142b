import winston from 'winston';
import { activeTraceFields } from '../observability/trace-context';
import { currentContext } from './context';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
}

/**
 * Adds the service name and the current correlation and event ids to every line, and while
 * tracing is on the trace and span ids, so that a line leads to its trace and back.
 */
const withWorkContext = (service: string) =>
  winston.format((info) => {
    const context = currentContext();
    info.service = service;
    if (context) {
      info.correlationId ??= context.correlationId;
      if (context.eventId) info.eventId ??= context.eventId;
    }
    Object.assign(info, activeTraceFields());
    return info;
  })();

/** One JSON object per line on stdout: what log shippers and `jq` expect. */
export function createLogger({ service, level = 'info' }: LoggerOptions): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      withWorkContext(service),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}

/** Turns anything thrown into fields a log line can carry. */
export function errorFields(error: unknown): { error: string; stack?: string } {
  if (error instanceof Error) return { error: error.message, stack: error.stack };
  return { error: String(error) };
}
