import Joi from 'joi';
import joiToJson from 'joi-to-json';
import type { ErrorBody } from './error-handler';

/**
 * The services' API documents are OpenAPI 3.1.0: its schema objects are JSON Schema 2020-12, which
 * is what joi-to-json's `open-api-3.1` mode writes from the joi schemas that validate requests.
 */
export const OPENAPI_VERSION = '3.1.0';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { [keyword: string]: unknown };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented answer of an operation. */
export interface ApiResponse {
  description: string;
  /** The JSON body, as a joi schema that only describes it; absent when there is no body. */
  body?: Joi.Schema;
  /** For an error body: the `error.code` values this status carries. */
  errorCodes?: readonly string[];
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
  /**
   * The answers by status. The builder adds the ones every such route has (400 for bad input,
   * 401 for admin routes, 413 and 415 for bodies, 503 while shutting down); an error response
   * given here for one of those statuses adds its codes to them.
   */
  responses: Readonly<Record<number, ApiResponse>>;
}

export interface ApiDescription {
  title: string;
  version: string;
  description: string;
  operations: readonly ApiOperation[];
}

export interface ReferenceObject {
  $ref: string;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface HeaderObject {
  description: string;
  required: boolean;
  schema: JsonSchema;
}

export interface MediaTypeObject {
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
  /** The `error.code` values of an error response (an OpenAPI extension). */
  'x-error-codes'?: string[];
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Array<ParameterObject | ReferenceObject>;
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  openapi: typeof OPENAPI_VERSION;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

export const JSON_MEDIA_TYPE = 'application/json';
export const ADMIN_SECURITY_SCHEME = 'adminToken';

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

const CORRELATION_PARAMETER = 'CorrelationId';
const correlationHeader: HeaderObject = {
  description:
    "The request's correlation id (its own `x-correlation-id` when it sent a valid one, else a new one)",
  required: true,
  schema: { type: 'string' },
};

/**
 * Builds the OpenAPI document of a service from its operations. Throws on a declaration that
 * cannot be documented faithfully (a path parameter without a schema, a duplicate route, ...):
 * the service then fails at start-up, and its tests, rather than serve a wrong document.
 */
export function buildOpenApiDocument(api: ApiDescription): OpenApiDocument {
  const document: OpenApiDocument = {
    openapi: OPENAPI_VERSION,
    info: { title: api.title, version: api.version, description: api.description },
    // Relative to the document (at /api/openapi.json): the service's root, also behind a proxy
    // that serves it under a prefix (the console's /order-service/...).
    servers: [{ url: '..', description: 'This service' }],
    tags: [...new Set(api.operations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths: {},
    components: {
      schemas: {},
      parameters: {
        [CORRELATION_PARAMETER]: {
          name: 'x-correlation-id',
          in: 'header',
          required: false,
          description:
            'Carried into every event the request causes and every log line about it; 1 to 128 ' +
            'of letters, digits, `_ . : -` (anything else is replaced by a new id). Echoed in the response.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        [ADMIN_SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: "The service's ADMIN_TOKEN, sent as `Authorization: Bearer <token>`",
        },
      },
    },
  };
  const operationIds = new Set<string>();
  for (const operation of api.operations) {
    const where = `${operation.method.toUpperCase()} ${operation.path}`;
    if (operationIds.has(operation.operationId)) {
      throw new Error(`${where}: operationId ${operation.operationId} is used twice`);
    }
    operationIds.add(operation.operationId);
    const path = openApiPath(operation, where);
    const pathItem = (document.paths[path] ??= {});
    if (pathItem[operation.method]) throw new Error(`${where} is declared twice`);
    pathItem[operation.method] = operationObject(operation, document.components.schemas, where);
  }
  return document;
}

/** `/api/orders/:id` → `/api/orders/{id}`, after checking its parameters against `params`. */
function openApiPath(operation: ApiOperation, where: string): string {
  if (!operation.path.startsWith('/api/')) throw new Error(`${where}: the path must start /api/`);
  if (/[*?(){}]/.test(operation.path)) {
    throw new Error(`${where}: only plain segments and :name parameters can be documented`);
  }
  const names = [...operation.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
  const declared = Object.keys(operation.params ?? {});
  const undeclared = names.filter((name) => !declared.includes(name));
  const unused = declared.filter((name) => !names.includes(name));
  if (undeclared.length > 0 || unused.length > 0) {
    throw new Error(
      `${where}: path parameters and params differ (without a schema: ${undeclared.join(', ') || 'none'}; ` +
        `not in the path: ${unused.join(', ') || 'none'})`,
    );
  }
  return operation.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function operationObject(
  operation: ApiOperation,
  schemas: Record<string, JsonSchema>,
  where: string,
): OperationObject {
  const toSchema = (schema: Joi.Schema) => joiToJsonSchema(schema, schemas, where);
  const parameters: Array<ParameterObject | ReferenceObject> = [
    { $ref: `#/components/parameters/${CORRELATION_PARAMETER}` },
    ...Object.entries(operation.params ?? {}).map(([name, schema]) =>
      parameter(name, 'path', true, toSchema(schema)),
    ),
    ...queryParameters(operation, toSchema, where),
    ...Object.entries(operation.headers ?? {}).map(([name, schema]) =>
      parameter(name, 'header', isRequired(schema), toSchema(schema)),
    ),
  ];
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description !== undefined && { description: operation.description }),
    tags: [operation.tag],
    parameters,
    ...(operation.body && {
      requestBody: {
        required: operation.body.required,
        content: { [JSON_MEDIA_TYPE]: { schema: toSchema(operation.body.schema) } },
      },
    }),
    responses: responsesOf(operation, toSchema, where),
    ...(operation.admin && { security: [{ [ADMIN_SECURITY_SCHEME]: [] }] }),
  };
}

function parameter(
  name: string,
  location: ParameterObject['in'],
  required: boolean,
  schema: JsonSchema,
): ParameterObject {
  const description = schema.description;
  return {
    name,
    in: location,
    required,
    ...(typeof description === 'string' && { description }),
    schema,
  };
}

function queryParameters(
  operation: ApiOperation,
  toSchema: (schema: Joi.Schema) => JsonSchema,
  where: string,
): ParameterObject[] {
  if (!operation.query) return [];
  const schema = toSchema(operation.query);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== 'object' || !properties || schema.patternProperties !== undefined) {
    throw new Error(`${where}: the query must be an object schema with named keys`);
  }
  const required = (schema.required as string[] | undefined) ?? [];
  return Object.entries(properties).map(([name, property]) =>
    parameter(name, 'query', required.includes(name), property),
  );
}

function isRequired(schema: Joi.Schema): boolean {
  const flags = schema.describe().flags as { presence?: string } | undefined;
  return flags?.presence === 'required';
}

/** The operation's own responses merged over the ones every route of its kind has. */
function responsesOf(
  operation: ApiOperation,
  toSchema: (schema: Joi.Schema) => JsonSchema,
  where: string,
): Record<string, ResponseObject> {
  const merged = implicitResponses(operation);
  for (const [key, response] of Object.entries(operation.responses)) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new Error(`${where}: ${key} is not an HTTP status`);
    }
    const implicit = merged.get(status);
    const codes =
      implicit?.errorCodes && response.errorCodes
        ? [...new Set([...implicit.errorCodes, ...response.errorCodes])]
        : response.errorCodes;
    merged.set(status, { ...response, ...(codes && { errorCodes: codes }) });
  }
  if (![...merged.keys()].some((status) => status >= 200 && status < 300)) {
    throw new Error(`${where}: no success response is documented`);
  }
  return Object.fromEntries(
    [...merged.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, response]) => [String(status), responseObject(response, toSchema)]),
  );
}

function implicitResponses(operation: ApiOperation): Map<number, ApiResponse> {
  const hasInput =
    operation.params !== undefined ||
    operation.query !== undefined ||
    operation.headers !== undefined ||
    operation.body !== undefined;
  // BAD_REQUEST: a path parameter that is not valid percent-encoding, a body that broke off.
  const inputCodes = [
    'VALIDATION_ERROR',
    ...(operation.body ? ['INVALID_JSON'] : []),
    ...(operation.params || operation.body ? ['BAD_REQUEST'] : []),
  ];
  const responses = new Map<number, ApiResponse>();
  if (hasInput) {
    responses.set(
      400,
      errorResponse('The request is invalid; `error.details` lists each problem', inputCodes),
    );
  }
  if (operation.admin) {
    responses.set(401, errorResponse('The admin token is missing or wrong', ['UNAUTHORIZED']));
  }
  if (operation.body) {
    responses.set(413, errorResponse('The body is larger than 100 kB', ['PAYLOAD_TOO_LARGE']));
    responses.set(
      415,
      errorResponse("The body's charset or content encoding is not supported", ['BAD_REQUEST']),
    );
  }
  responses.set(503, errorResponse('The service is shutting down; try again', ['SHUTTING_DOWN']));
  return responses;
}

function responseObject(
  response: ApiResponse,
  toSchema: (schema: Joi.Schema) => JsonSchema,
): ResponseObject {
  const codes = response.errorCodes && [...response.errorCodes];
  const description = codes
    ? `${response.description}.\n\n\`error.code\`: ${codes.map((code) => `\`${code}\``).join(', ')}`
    : response.description;
  return {
    description,
    headers: { 'x-correlation-id': correlationHeader },
    ...(response.body && {
      content: { [JSON_MEDIA_TYPE]: { schema: toSchema(response.body) } },
    }),
    ...(codes && { 'x-error-codes': codes }),
  };
}

// joi-to-json's own declaration types its schema argument loosely; this is the call it serves.
const parseJoi = joiToJson as unknown as (
  schema: Joi.Schema,
  mode: 'open-api-3.1',
  definitions: Record<string, JsonSchema>,
) => JsonSchema;

/**
 * The JSON Schema of a joi schema. Schemas named with joi's `.id('Name')` go into
 * `components.schemas` (one schema per name: the same name for another schema throws) and are
 * referenced as `#/components/schemas/Name`.
 */
export function joiToJsonSchema(
  schema: Joi.Schema,
  components: Record<string, JsonSchema>,
  where = 'schema',
): JsonSchema {
  if (!Joi.isSchema(schema)) throw new Error(`${where}: not a joi schema`);
  const definitions: Record<string, JsonSchema> = {};
  const converted = parseJoi(schema, 'open-api-3.1', definitions);
  // At the top level joi-to-json also returns the named schemas, as `schemas`: they go below.
  delete converted.schemas;
  for (const [name, definition] of Object.entries(definitions)) {
    const cleaned = withoutPatternKeys(definition);
    const existing = components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(cleaned)) {
      throw new Error(`${where}: two different schemas are named ${name}`);
    }
    components[name] = cleaned;
  }
  return withoutPatternKeys(converted);
}

/**
 * joi-to-json lists a `.pattern()` of an object twice: in `patternProperties` (right) and as a
 * property named after the regex (`"/^[a-z]+$/"`), which no real key is. The second goes.
 */
function withoutPatternKeys(schema: JsonSchema): JsonSchema {
  const cleaned: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) cleaned[keyword] = cleanValue(value);
  const patterns = cleaned.patternProperties as Record<string, JsonSchema> | undefined;
  const properties = cleaned.properties as Record<string, JsonSchema> | undefined;
  if (patterns && properties) {
    for (const pattern of Object.keys(patterns)) delete properties[`/${pattern}/`];
    if (Object.keys(properties).length === 0) delete cleaned.properties;
  }
  return cleaned;
}

function cleanValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value && typeof value === 'object') return withoutPatternKeys(value as JsonSchema);
  return value;
}
