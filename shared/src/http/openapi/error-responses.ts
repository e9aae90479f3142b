import Joi from 'joi';
import type { ErrorBody } from '../error-handler';
import type { ApiResponse } from './api-operation';

/** Any error body: the central error handler's shape (`ErrorBody`). Named `Error` in the document. */
export const errorBodySchema = Joi.object<ErrorBody>({
  error: Joi.object({
    code: Joi.string()
      .pattern(/^[A-Z][A-Z0-9_]*$/)
      .required()
      .description('Stable, UPPER_SNAKE; the codes of each status are listed with it'),
    message: Joi.string().required().description('A sentence for people'),
    details: Joi.any().description(
      'Present for some codes: for VALIDATION_ERROR a list of `{path, message}`, one per problem',
    ),
  }).required(),
}).id('Error');

export function errorResponse(description: string, codes: readonly string[]): ApiResponse {
  return { description, body: errorBodySchema, errorCodes: codes };
}

/** The 503 of a route that needs the database or the broker, besides the one while shutting down. */
export function unavailableResponse(...needs: Array<'database' | 'broker'>): ApiResponse {
  const codes = needs.map((need) =>
    need === 'database' ? 'DATABASE_UNAVAILABLE' : 'BROKER_UNAVAILABLE',
  );
  const what = needs.map((need) => (need === 'database' ? 'the database' : 'the message broker'));
  return errorResponse(`Shutting down, or ${what.join(' or ')} is not reachable; try again`, codes);
}
