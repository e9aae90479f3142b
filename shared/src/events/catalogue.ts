import Joi from 'joi';
import { amountSchema, currencySchema } from '../money/money';

/**
 * Every event the system exchanges, by its type (which is also its routing key). Adding an event
 * means adding its data type here and its schema below; the compiler then asks for both.
 */
export interface OrderLine {
  productId: string;
  quantity: number;
}

/** An order line as the order service priced it: the product's price when the order was placed. */
export interface PricedLine extends OrderLine {
  unitPrice: number;
}

export interface Contact {
  email?: string;
  phone?: string;
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface EventDataByType {
  'order.created': {
    orderId: string;
    userId: string;
    products: PricedLine[];
    /** Σ quantity × unitPrice, summed in minor units. */
    totalPrice: number;
    currency: string;
    contact?: Contact;
  };
  'inventory.status.updated': {
    orderId: string;
    status: 'SUCCESS' | 'FAILURE';
    reason?: string;
  };
  'order.status.updated': {
    orderId: string;
    userId: string;
    status: 'CONFIRMED' | 'CANCELLED';
    previousStatus: OrderStatus;
    reason?: string;
    totalPrice: number;
    currency: string;
    contact?: Contact;
  };
  /** A product was created, or its name or price changed: what the order service prices with. */
  'product.changed': {
    productId: string;
    name: string;
    price: number;
    currency: string;
  };
  /** Asks the inventory to announce every product again (an order service with no price list). */
  'catalogue.requested': {
    requestId: string;
  };
  /** The notification service to itself: deliver a stored notification again (with retries). */
  'notification.requested': {
    notificationId: string;
  };
}

export type EventType = keyof EventDataByType;

const id = Joi.string().min(1).max(200);

/** Product ids are short codes such as `prod1`: letters, digits, `_`, `-` and `.`. */
export const productIdSchema = Joi.string().pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'product id');
const price = amountSchema.required();
const currency = currencySchema.required();
const contact = Joi.object({
  email: Joi.string().max(320),
  phone: Joi.string().max(32),
});

/** Consumers validate what they receive against these: a message that fails is dead-lettered at once. */
export const eventDataSchemas: { [T in EventType]: Joi.ObjectSchema<EventDataByType[T]> } = {
  'order.created': Joi.object({
    orderId: id.required(),
    userId: id.required(),
    products: Joi.array()
      .items(
        Joi.object({
          productId: productIdSchema.required(),
          quantity: Joi.number().integer().min(1).required(),
          unitPrice: price,
        }),
      )
      .min(1)
      .required(),
    totalPrice: Joi.number().min(0).required(),
    currency,
    contact,
  }),
  'inventory.status.updated': Joi.object({
    orderId: id.required(),
    status: Joi.string().valid('SUCCESS', 'FAILURE').required(),
    reason: Joi.string(),
  }),
  'order.status.updated': Joi.object({
    orderId: id.required(),
    userId: id.required(),
    status: Joi.string().valid('CONFIRMED', 'CANCELLED').required(),
    previousStatus: Joi.string().valid('PENDING', 'CONFIRMED', 'CANCELLED').required(),
    reason: Joi.string(),
    totalPrice: Joi.number().min(0).required(),
    currency,
    contact,
  }),
  'product.changed': Joi.object({
    productId: productIdSchema.required(),
    name: Joi.string().min(1).max(200).required(),
    price,
    currency,
  }),
  'catalogue.requested': Joi.object({
    requestId: id.required(),
  }),
  'notification.requested': Joi.object({
    notificationId: id.required(),
  }),
};

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventDataSchemas, value);
}
