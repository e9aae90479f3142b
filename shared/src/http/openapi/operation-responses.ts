import type { ApiOperation, ApiResponse } from './api-operation';
import { errorResponse } from './error-responses';
import type { ToJsonSchema } from './joi-to-json-schema';
import type { HeaderObject, ResponseObject } from './openapi-document';
import { JSON_MEDIA_TYPE } from './openapi-document';

const correlationHeader: HeaderObject = {
  description:
    "The request's correlation id (its own `x-correlation-id` when it sent a valid one, else a new one)",
  required: true,
  schema: { type: 'string' },
};

const retryAfterHeader: HeaderObject = {
  description:
    'With `OVERLOADED`: seconds to wait before trying again. The request did nothing, so sending ' +
    'it again (with the same `Idempotency-Key`, where the route takes one) is safe',
  required: false,
  schema: { type: 'integer', minimum: 1 },
};

/** The operation's own responses merged over the ones every route of its kind has. */
export function responsesOf(
  operation: ApiOperation,
  toSchema: ToJsonSchema,
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
    const headers =
      implicit?.headers || response.headers
        ? { ...implicit?.headers, ...response.headers }
        : undefined;
    merged.set(status, {
      ...response,
      ...(codes && { errorCodes: codes }),
      ...(headers && { headers }),
    });
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
  responses.set(
    503,
    operation.bypassesAdmission
      ? errorResponse('The service is shutting down; try again', ['SHUTTING_DOWN'])
      : {
          ...errorResponse(
            'The service is shutting down, or too busy to take the request now (`OVERLOADED`, ' +
              'answered before any of its work is done); try again',
            ['SHUTTING_DOWN', 'OVERLOADED'],
          ),
          headers: { 'Retry-After': retryAfterHeader },
        },
  );
  return responses;
}

function responseObject(response: ApiResponse, toSchema: ToJsonSchema): ResponseObject {
  const codes = response.errorCodes && [...response.errorCodes];
  const description = codes
    ? `${response.description}.\n\n\`error.code\`: ${codes.map((code) => `\`${code}\``).join(', ')}`
    : response.description;
  return {
    description,
    headers: { 'x-correlation-id': correlationHeader, ...response.headers },
    ...(response.body && {
      content: { [JSON_MEDIA_TYPE]: { schema: toSchema(response.body) } },
    }),
    ...(codes && { 'x-error-codes': codes }),
  };
}
