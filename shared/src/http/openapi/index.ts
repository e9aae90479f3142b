// The OpenAPI documents of the services, in parts: the document's own types, the operations a
// service declares, the shared error responses, the joi → JSON Schema conversion, the builder.
export type {
  HeaderObject,
  HttpMethod,
  JsonSchema,
  MediaTypeObject,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
} from './openapi-document';
export { ADMIN_SECURITY_SCHEME, JSON_MEDIA_TYPE, OPENAPI_VERSION } from './openapi-document';
export type { ApiDescription, ApiOperation, ApiResponse } from './api-operation';
export { errorBodySchema, errorResponse, unavailableResponse } from './error-responses';
export { joiToJsonSchema } from './joi-to-json-schema';
export { buildOpenApiDocument } from './build-openapi-document';
