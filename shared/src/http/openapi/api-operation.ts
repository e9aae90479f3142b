import type Joi from 'joi';
import type { HeaderObject, HttpMethod } from './openapi-document';

/** One documented answer of an operation. */
export interface ApiResponse {
  description: string;
  /** The JSON body, as a joi schema that only describes it; absent when there is no body. */
  body?: Joi.Schema;
  /** For an error body: the `error.code` values this status carries. */
  errorCodes?: readonly string[];
  /** Response headers beside `x-correlation-id`, which every answer has. */
  headers?: Readonly<Record<string, HeaderObject>>;
}

/**
 * One route as its service declares it for the document, next to the route itself: the request
 * parts are the very joi schemas the route validates with.
 */
export interface ApiOperation {
  /** Unique in the document, e.g. `placeOrder`. */
  operationId: string;
  method: HttpMethod;
  /** The full path as Express routes it, e.g. `/api/orders/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters by name (every `:name` of the path, no other). */
  params?: Readonly<Record<string, Joi.Schema>>;
  /** The query string as one object schema: each key becomes a query parameter. */
  query?: Joi.ObjectSchema;
  /** Request headers by name as sent, e.g. `Idempotency-Key`. */
  headers?: Readonly<Record<string, Joi.Schema>>;
  /** A JSON body; `required: false` when the route takes a missing body as `{}`. */
  body?: { schema: Joi.Schema; required: boolean };
  /** Behind `requireAdmin`: needs `Authorization: Bearer <ADMIN_TOKEN>`. */
  admin?: boolean;
  /** Served ahead of admission control (health): never turned away as `OVERLOADED`. */
  bypassesAdmission?: boolean;
  /**
   * The answers by status. The builder adds the ones every such route has (400 for bad input,
   * 401 for admin routes, 413 and 415 for bodies, 503 while shutting down or overloaded); an
   * error response given here for one of those statuses adds its codes (and headers) to them.
   */
  responses: Readonly<Record<number, ApiResponse>>;
}

export interface ApiDescription {
  title: string;
  version: string;
  description: string;
  operations: readonly ApiOperation[];
}
