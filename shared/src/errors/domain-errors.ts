/**
 * What a use case throws when the world is not as the request or the event assumed. Each names a
 * fact, never a transport: the HTTP error handler maps them to a status, the delivery pipeline to
 * "never retry" (retrying cannot change any of these facts). `code` is stable, UPPER_SNAKE.
 */
export abstract class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing asked about does not exist (an unknown order, template, notification). */
export class NotFoundError extends DomainError {}

/** The thing exists, but its state forbids the step (a confirmed order cannot be cancelled). */
export class ConflictError extends DomainError {}

/** The input can never be handled as it is (a template variable missing, a refused message). */
export class InvalidError extends DomainError {}
