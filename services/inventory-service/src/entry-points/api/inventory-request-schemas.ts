import Joi from 'joi';
import { productIdSchema } from '@ecommerce/shared';

export const productIdParam = productIdSchema.messages({
  'string.pattern.name': 'Product id must be 1 to 64 letters, digits, "_", "-" or "."',
});

export const setStockBody = Joi.object<{ quantity: number; name?: string }>({
  quantity: Joi.number()
    .strict()
    .integer()
    .min(0)
    .max(1_000_000_000)
    .required()
    .description('The new available quantity'),
  name: Joi.string().trim().min(1).max(200).description("The product's name"),
});
