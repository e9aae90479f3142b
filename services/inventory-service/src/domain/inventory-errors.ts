import { InvalidError, NotFoundError } from '@ecommerce/shared';

export class ProductNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super('PRODUCT_NOT_FOUND', `Product ${productId} not found`);
  }
}

/** A product is created without a price: it could not be sold (or would be sold for nothing). */
export class PriceRequiredError extends InvalidError {
  constructor(productId: string) {
    super('PRICE_REQUIRED', `Product ${productId} is new: give its price to create it`);
  }
}
