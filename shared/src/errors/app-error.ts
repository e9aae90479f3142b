/**
 * The one error type the services throw on purpose. `status` and `code` end up in the HTTP
 * response (see the central error handler); anything else thrown is a bug and becomes a 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown, code = 'VALIDATION_ERROR') =>
  new AppError(400, code, message, details);

export const unauthorized = (message = 'Missing or invalid admin token') =>
  new AppError(401, 'UNAUTHORIZED', message);

export const serviceUnavailable = (message: string, code = 'SERVICE_UNAVAILABLE') =>
  new AppError(503, code, message);

/**
 * Thrown by event handlers (or the consumer itself) for a message that can never succeed,
 * however often it is retried: it goes straight to the dead-letter queue. Any other error
 * thrown by a handler counts as transient and is retried with backoff.
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
