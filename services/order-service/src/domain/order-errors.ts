import { ConflictError, InvalidError, NotFoundError } from '@ecommerce/shared';

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

/** The order names a product the order service has no price for. */
export class UnknownProductError extends InvalidError {
  constructor(productIds: string[]) {
    super(
      'UNKNOWN_PRODUCT',
      `Unknown product${productIds.length > 1 ? 's' : ''}: ${productIds.join(', ')}`,
      { productIds },
    );
  }
}

/** The order's products are priced in different currencies: one order is paid in one. */
export class MixedCurrenciesError extends InvalidError {
  constructor(currencies: string[]) {
    super(
      'MIXED_CURRENCIES',
      `The products are priced in different currencies (${currencies.join(', ')}); place one order per currency`,
      { currencies },
    );
  }
}

/** The total the customer saw is not the order's total at today's prices. */
export class PriceChangedError extends ConflictError {
  constructor(expected: number, current: { totalPrice: number; currency: string }) {
    super(
      'PRICE_CHANGED',
      `The total is ${current.totalPrice} ${current.currency} at current prices, not ${expected}`,
      current,
    );
  }
}

/** The price list has no entry for the product (the inventory has not announced it). */
export class PriceNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super('PRODUCT_NOT_FOUND', `The price list has no product ${productId}`);
  }
}
