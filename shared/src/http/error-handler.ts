import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { ConflictError, DomainError, InvalidError, NotFoundError } from '../errors/domain-errors';
import { isDatabaseUnavailableError } from '../database/mongo-errors';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { BrokerUnavailableError } from '../messaging/broker-connection';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Turns whatever a request threw into the contract's error shape and a fitting status. */
export function toHttpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof DomainError) {
    return new AppError(statusOf(error), error.code, error.message, error.details);
  }
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new AppError(400, 'INVALID_JSON', 'Request body is not valid JSON');
  }
  if (type === 'entity.too.large') {
    return new AppError(413, 'PAYLOAD_TOO_LARGE', 'Request body is larger than 100 kB');
  }
  if (isDatabaseUnavailableError(error)) {
    return new AppError(503, 'DATABASE_UNAVAILABLE', 'The database is not reachable; try again');
  }
  // amqplib's IllegalOperationError: the channel or connection closed under the request.
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof BrokerUnavailableError || name === 'IllegalOperationError') {
    return new AppError(
      503,
      'BROKER_UNAVAILABLE',
      'The message broker is not reachable; try again',
    );
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, 'BAD_REQUEST', (error as Error).message);
  }
  return new AppError(500, 'INTERNAL_ERROR', 'Something went wrong on our side');
}

/** The one place where a domain fact becomes an HTTP status. */
function statusOf(error: DomainError): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InvalidError) return 400;
  return 422;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = toHttpError(error);
    const logFields = { method: req.method, path: req.path, status: httpError.status };
    // A 5xx thrown on purpose (shutting down, overloaded) is the service protecting itself, not a
    // failure: one line without a stack, also when a burst turns away thousands.
    if (httpError.status >= 500 && !(error instanceof AppError))
      logger.error('Request failed', { ...logFields, ...errorFields(error) });
    else if (httpError.status >= 500)
      logger.warn('Request turned away', { ...logFields, code: httpError.code });
    else logger.info('Request rejected', { ...logFields, code: httpError.code });
    const body: ErrorBody = { error: { code: httpError.code, message: httpError.message } };
    if (httpError.details !== undefined) body.error.details = httpError.details;
    res.status(httpError.status).json(body);
  };
}

export const unknownRoute: RequestHandler = (req) => {
  throw new AppError(404, 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}`);
};
