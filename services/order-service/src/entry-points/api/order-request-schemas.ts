import Joi from 'joi';
import type { Page } from '@ecommerce/shared';
import { amountSchema, paginationKeys, productIdSchema, productSearchKey } from '@ecommerce/shared';
import type { NewOrderRequest } from '../../domain/order';
import type { OrderFilter } from '../../domain/order-ports';

const MAX_ORDER_LINES = 50;
const MAX_QUANTITY = 1000;

/** Numbers in JSON bodies must be numbers: `"2"` is a wrong type, not a quantity. */
const strictNumber = () => Joi.number().strict();

export const newOrderBody = Joi.object<NewOrderRequest>({
  userId: Joi.string().trim().min(1).max(100).required(),
  products: Joi.array()
    .items(
      Joi.object({
        productId: productIdSchema.required(),
        quantity: strictNumber().integer().min(1).max(MAX_QUANTITY).required(),
      }),
    )
    .min(1)
    .max(MAX_ORDER_LINES)
    .unique('productId')
    .messages({ 'array.unique': 'products lists product {#value.productId} twice' })
    .description('The order lines; no two of them with the same productId')
    .required(),
  totalPrice: amountSchema.description(
    'The total the customer was shown; when it is not the total at current prices, the order is refused (409 PRICE_CHANGED). Optional: the service prices every order itself',
  ),
  contact: Joi.object({
    email: Joi.string().email({ tlds: false }).max(254),
    phone: Joi.string()
      .pattern(/^\+\d{8,15}$/)
      .messages({ 'string.pattern.base': 'contact.phone must be E.164: + and 8 to 15 digits' })
      .description('E.164: + and 8 to 15 digits'),
  }).description('Where the customer hears about the order; without it, the log records it'),
});

export const productIdParam = productIdSchema.messages({
  'string.pattern.name': 'Product id must be 1 to 64 letters, digits, "_", "-" or "."',
});

export const orderIdParam = Joi.string()
  .guid({ version: 'uuidv4' })
  .messages({ 'string.guid': 'Order id must be a UUID' });

/** Printable ASCII, as the IETF draft for the header suggests; long enough for any UUID scheme. */
export const idempotencyKeyHeader = Joi.string()
  .pattern(/^[\x21-\x7e]{1,255}$/)
  .messages({ 'string.pattern.base': 'Idempotency-Key must be 1 to 255 printable characters' })
  .description(
    'Kept at least 24 h: the same key with the same body answers the same order (200), with ' +
      'another body a 409',
  );

export const listPricesQuery = Joi.object<{ search?: string } & Page>({
  ...productSearchKey,
  ...paginationKeys,
});

export const listOrdersQuery = Joi.object<OrderFilter & Page>({
  userId: Joi.string().min(1).max(100),
  status: Joi.string().valid('PENDING', 'CONFIRMED', 'CANCELLED'),
  ...paginationKeys,
});
