/**
 * The services' API documents are OpenAPI 3.1.0: its schema objects are JSON Schema 2020-12, which
 * is what joi-to-json's `open-api-3.1` mode writes from the joi schemas that validate requests.
 */
export const OPENAPI_VERSION = '3.1.0';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { [keyword: string]: unknown };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

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
