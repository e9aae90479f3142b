import { ConflictError, NotFoundError } from '@ecommerce/shared';

/** The facts the order use cases refuse on; each entry point maps them once (HTTP, bus). */
export class OrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER_NOT_FOUND', `Order ${orderId} does not exist`);
  }
}

/** A confirmed order cannot be cancelled (the contract's 409 ORDER_NOT_CANCELLABLE). */
export class OrderNotCancellableError extends ConflictError {
  constructor() {
    super('ORDER_NOT_CANCELLABLE', 'Cannot cancel confirmed order');
  }
}

/** The same Idempotency-Key was sent with another body. */
export class IdempotencyKeyReusedError extends ConflictError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request body',
    );
  }
}
