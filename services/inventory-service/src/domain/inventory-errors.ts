import { NotFoundError } from '@ecommerce/shared';

export class ProductNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super('PRODUCT_NOT_FOUND', `Product ${productId} not found`);
  }
}
