import type Joi from 'joi';
import { badRequest } from '../errors/app-error';

/**
 * Validates request input against a joi schema and returns the converted value, or throws a 400
 * listing every problem. Objects reject unknown keys, which also keeps `$`-operators out of
 * queries built from the value.
 */
export function validate<T>(schema: Joi.Schema<T>, input: unknown, what = 'Request'): T {
  const { value, error } = schema.validate(input, { abortEarly: false, convert: true });
  if (error) {
    throw badRequest(
      `${what} is invalid: ${error.details.map((detail) => detail.message).join('; ')}`,
      error.details.map((detail) => ({ path: detail.path.join('.'), message: detail.message })),
    );
  }
  return value;
}
