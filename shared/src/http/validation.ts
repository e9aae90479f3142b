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

/**
 * `validate` for a request body, which must be there: Express leaves `req.body` undefined when a
 * request has no JSON body, and an optional schema would let that through.
 */
export function validateBody<T>(schema: Joi.Schema<T>, body: unknown, what = 'Body'): T {
  if (body === undefined) {
    throw badRequest(`${what} is missing: send a JSON object with content-type: application/json`);
  }
  return validate(schema, body, what);
}
