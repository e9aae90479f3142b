import Joi from 'joi';
import type { ApiOperation, OpenApiDocument, ParameterObject } from '../../src/http/openapi';
import {
  buildOpenApiDocument,
  errorResponse,
  joiToJsonSchema,
  unavailableResponse,
} from '../../src/http/openapi';

const item = Joi.object({ id: Joi.string().required(), size: Joi.number().integer() }).id('Item');

const getItem: ApiOperation = {
  operationId: 'getItem',
  method: 'get',
  path: '/api/items/:id',
  tag: 'items',
  summary: 'One item',
  params: { id: Joi.string().pattern(/^[a-z]+$/) },
  query: Joi.object({ view: Joi.string().valid('short', 'long').required(), page: Joi.number() }),
  headers: { 'If-None-Match': Joi.string(), 'X-Tenant': Joi.string().required() },
  responses: {
    200: { description: 'The item', body: item },
    404: errorResponse('No such item', ['ITEM_NOT_FOUND']),
  },
};

const putItem: ApiOperation = {
  operationId: 'putItem',
  method: 'post',
  path: '/api/items/:id',
  tag: 'items',
  summary: 'Sets an item',
  admin: true,
  params: { id: Joi.string() },
  body: {
    schema: Joi.object({ size: Joi.number().required(), note: Joi.string() }),
    required: true,
  },
  responses: {
    201: { description: 'Created', body: item },
    400: errorResponse('Bad input, or the item is locked', ['ITEM_LOCKED']),
    503: unavailableResponse('database'),
  },
};

const build = (...operations: ApiOperation[]) =>
  buildOpenApiDocument({ title: 'Items', version: '1.0.0', description: 'd', operations });

const parametersOf = (document: OpenApiDocument, method: 'get' | 'post') =>
  document.paths['/api/items/{id}'][method]?.parameters.filter(
    (parameter): parameter is ParameterObject => 'name' in parameter,
  );

describe('buildOpenApiDocument', () => {
  it('when operations are given, then it is an OpenAPI 3.1.0 document with their paths', () => {
    const document = build(getItem, putItem);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/api/items/{id}']);
    expect(Object.keys(document.paths['/api/items/{id}'])).toEqual(['get', 'post']);
    expect(document.tags).toEqual([{ name: 'items' }]);
  });

  it('when an operation has path, query and header schemas, then each becomes a parameter', () => {
    const parameters = parametersOf(build(getItem), 'get');
    expect(parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
      {
        name: 'view',
        in: 'query',
        required: true,
        schema: { type: 'string', enum: ['short', 'long'] },
      },
      { name: 'page', in: 'query', required: false, schema: { type: 'number' } },
      { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
    ]);
    expect(build(getItem).paths['/api/items/{id}'].get?.parameters[0]).toEqual({
      $ref: '#/components/parameters/CorrelationId',
    });
  });

  it('when an operation has a body, then it is the request body with its required fields', () => {
    const operation = build(putItem).paths['/api/items/{id}'].post;
    expect(operation?.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { size: { type: 'number' }, note: { type: 'string' } },
            required: ['size'],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it('when a response schema is named, then it is a component and referenced', () => {
    const document = build(getItem, putItem);
    const ok = document.paths['/api/items/{id}'].get?.responses['200'];
    expect(ok?.content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Item',
    });
    expect(document.components.schemas.Item).toMatchObject({ required: ['id'] });
    expect(document.components.schemas.Error).toMatchObject({ required: ['error'] });
  });

  it('when a route reads input, then 400 and 503 are added; a body adds 413 and 415', () => {
    const get = build(getItem).paths['/api/items/{id}'].get?.responses;
    expect(Object.keys(get ?? {})).toEqual(['200', '400', '404', '503']);
    expect(get?.['400']['x-error-codes']).toEqual(['VALIDATION_ERROR', 'BAD_REQUEST']);
    expect(get?.['503']['x-error-codes']).toEqual(['SHUTTING_DOWN', 'OVERLOADED']);
    const post = build(putItem).paths['/api/items/{id}'].post?.responses;
    expect(Object.keys(post ?? {})).toEqual(['201', '400', '401', '413', '415', '503']);
  });

  it('when a route is behind admission control, then its 503 may be OVERLOADED with Retry-After', () => {
    const unavailable = build(putItem).paths['/api/items/{id}'].post?.responses['503'];
    expect(unavailable?.['x-error-codes']).toContain('OVERLOADED');
    expect(unavailable?.headers).toEqual({
      'x-correlation-id': expect.objectContaining({ required: true }),
      'Retry-After': expect.objectContaining({
        required: false,
        schema: { type: 'integer', minimum: 1 },
      }),
    });
  });

  it('when a route bypasses admission control, then its 503 is only SHUTTING_DOWN, without Retry-After', () => {
    const probe = { ...getItem, bypassesAdmission: true };
    const unavailable = build(probe).paths['/api/items/{id}'].get?.responses['503'];
    expect(unavailable?.['x-error-codes']).toEqual(['SHUTTING_DOWN']);
    expect(Object.keys(unavailable?.headers ?? {})).toEqual(['x-correlation-id']);
  });

  it('when a route declares an added status, then its codes join the added ones and its text is used', () => {
    const responses = build(putItem).paths['/api/items/{id}'].post?.responses;
    expect(responses?.['400']['x-error-codes']).toEqual([
      'VALIDATION_ERROR',
      'INVALID_JSON',
      'BAD_REQUEST',
      'ITEM_LOCKED',
    ]);
    expect(responses?.['400'].description).toBe(
      'Bad input, or the item is locked.\n\n`error.code`: `VALIDATION_ERROR`, `INVALID_JSON`, `BAD_REQUEST`, `ITEM_LOCKED`',
    );
    expect(responses?.['503']['x-error-codes']).toEqual([
      'SHUTTING_DOWN',
      'OVERLOADED',
      'DATABASE_UNAVAILABLE',
    ]);
    expect(responses?.['503'].headers['Retry-After']).toBeDefined();
  });

  it('when a route has no input, then no 400 is added', () => {
    const plain = { ...getItem, path: '/api/items', params: undefined, query: undefined };
    const document = build({ ...plain, headers: undefined });
    expect(Object.keys(document.paths['/api/items'].get?.responses ?? {})).toEqual([
      '200',
      '404',
      '503',
    ]);
  });

  it('when a route is admin, then it has the bearer scheme and a 401, and others have neither', () => {
    const document = build(getItem, putItem);
    expect(document.paths['/api/items/{id}'].post?.security).toEqual([{ adminToken: [] }]);
    expect(document.paths['/api/items/{id}'].post?.responses['401']['x-error-codes']).toEqual([
      'UNAUTHORIZED',
    ]);
    expect(document.paths['/api/items/{id}'].get?.security).toBeUndefined();
    expect(document.paths['/api/items/{id}'].get?.responses['401']).toBeUndefined();
    expect(document.components.securitySchemes.adminToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('when every response has the correlation id header, then it is documented as required', () => {
    const responses = build(getItem).paths['/api/items/{id}'].get?.responses ?? {};
    for (const response of Object.values(responses)) {
      expect(response.headers['x-correlation-id']).toMatchObject({ required: true });
    }
  });

  it.each([
    ['a path outside /api', { ...getItem, path: '/items/:id' }, /must start \/api\//],
    ['a path parameter without a schema', { ...getItem, params: {} }, /without a schema: id/],
    [
      'a schema for a parameter not in the path',
      { ...getItem, params: { id: Joi.string(), other: Joi.string() } },
      /not in the path: other/,
    ],
    ['a wildcard path', { ...getItem, path: '/api/items/*rest' }, /only plain segments/],
    ['an optional segment', { ...getItem, path: '/api/items{/:id}' }, /only plain segments/],
    [
      'a status that is not one',
      { ...getItem, responses: { 2000: { description: 'x' } } },
      /2000 is not an HTTP status/,
    ],
    [
      'no success response',
      { ...getItem, responses: { 404: errorResponse('No', ['X']) } },
      /no success response/,
    ],
    [
      'a query that is not an object with keys',
      { ...getItem, query: Joi.object().pattern(/./, Joi.string()) },
      /query must be an object schema with named keys/,
    ],
  ])('when an operation has %s, then building throws', (_case, operation, message) => {
    expect(() => build(operation as ApiOperation)).toThrow(message);
  });

  it('when a route is declared twice, then building throws', () => {
    expect(() => build(getItem, { ...getItem, operationId: 'again' })).toThrow(
      'GET /api/items/:id is declared twice',
    );
  });

  it('when two operations share an operationId, then building throws', () => {
    expect(() => build(getItem, { ...putItem, operationId: 'getItem' })).toThrow(
      'operationId getItem is used twice',
    );
  });

  it('when two different schemas have the same name, then building throws', () => {
    const other = Joi.object({ name: Joi.string() }).id('Item');
    expect(() =>
      build(getItem, { ...putItem, responses: { 201: { description: 'x', body: other } } }),
    ).toThrow('two different schemas are named Item');
  });
});

describe('joiToJsonSchema', () => {
  it('when an object has a key pattern, then it is patternProperties and no property named after it', () => {
    const schema = Joi.object({ a: Joi.string() }).pattern(/^x_[a-z]+$/, Joi.number());
    expect(joiToJsonSchema(schema, {})).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      patternProperties: { '^x_[a-z]+$': { type: 'number' } },
      additionalProperties: false,
    });
    expect(joiToJsonSchema(Joi.object().pattern(/^y$/, Joi.string()), {})).not.toHaveProperty(
      'properties',
    );
  });

  it('when it is given something that is not a joi schema, then it throws', () => {
    expect(() =>
      joiToJsonSchema({ type: 'string' } as unknown as Joi.Schema, {}, 'GET /x'),
    ).toThrow('GET /x: not a joi schema');
  });

  it('when a schema is converted, then the joi schema still validates as before', () => {
    const schema = Joi.object({ n: Joi.number().strict().required() });
    joiToJsonSchema(schema, {});
    expect(schema.validate({ n: '1' }).error).toBeDefined();
    expect(schema.validate({ n: 1 }).error).toBeUndefined();
  });
});
