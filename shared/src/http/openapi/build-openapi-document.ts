import type Joi from 'joi';
import type { ApiDescription, ApiOperation } from './api-operation';
import type { ToJsonSchema } from './joi-to-json-schema';
import { joiToJsonSchema } from './joi-to-json-schema';
import type {
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  ReferenceObject,
} from './openapi-document';
import { ADMIN_SECURITY_SCHEME, JSON_MEDIA_TYPE, OPENAPI_VERSION } from './openapi-document';
import { responsesOf } from './operation-responses';

const CORRELATION_PARAMETER = 'CorrelationId';

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
  const toSchema: ToJsonSchema = (schema) => joiToJsonSchema(schema, schemas, where);
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
  toSchema: ToJsonSchema,
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
