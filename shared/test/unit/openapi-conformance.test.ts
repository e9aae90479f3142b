import express, { Router } from 'express';
import Joi from 'joi';
import request from 'supertest';
import { NotFoundError } from '../../src/errors/domain-errors';
import { createHttpApp } from '../../src/http/create-http-app';
import { ServiceMetrics } from '../../src/observability/metrics';
import { buildOpenApiDocument, errorResponse } from '../../src/http/openapi';
import { createLogger } from '../../src/logging/logger';
import {
  ApiConformance,
  documentedRoutes,
  registeredRoutes,
} from '../../src/testing/openapi-conformance';

const document = buildOpenApiDocument({
  title: 'Items',
  version: '1.0.0',
  description: 'd',
  operations: [
    {
      operationId: 'getItem',
      method: 'get',
      path: '/api/items/:id',
      tag: 'items',
      summary: 'One item',
      params: { id: Joi.string() },
      responses: {
        200: {
          description: 'The item',
          body: Joi.object({ id: Joi.string().required() }).id('Item'),
        },
        404: errorResponse('No such item', ['ITEM_NOT_FOUND']),
      },
    },
    {
      operationId: 'live',
      method: 'get',
      path: '/api/items/live',
      tag: 'items',
      summary: 'A fixed path beside a parameter',
      responses: { 204: { description: 'Nothing' } },
    },
  ],
});

/** Answers right or wrong on purpose, by the id asked for. */
function itemsRouter(): Router {
  const router = Router();
  router.get('/items/live', (_req, res) => {
    res.status(204).end();
  });
  router.get('/items/:id', (req, res) => {
    switch (req.params.id) {
      case 'wrong-type':
        res.json({ id: 1 });
        break;
      case 'extra-field':
        res.json({ id: 'x', secret: true });
        break;
      case 'teapot':
        res.status(418).json({ id: 'x' });
        break;
      case 'other-code':
        throw new NotFoundError('SOMETHING_ELSE', 'No item');
      case 'missing':
        throw new NotFoundError('ITEM_NOT_FOUND', 'No item');
      case 'text':
        res.type('text').send('x');
        break;
      case 'no-header':
        res.removeHeader('x-correlation-id');
        res.json({ id: 'x' });
        break;
      default:
        res.json({ id: req.params.id });
    }
  });
  return router;
}

const app = createHttpApp({
  service: 'items',
  logger: createLogger({ service: 'items', level: 'silent' }),
  metrics: new ServiceMetrics('items'),
  healthChecks: [],
  routers: [itemsRouter()],
});

describe('ApiConformance', () => {
  const get = (path: string) => request(app).get(path);

  it('when an answer is as documented, then check returns it', async () => {
    const conformance = new ApiConformance(document);
    expect((await conformance.check(get('/api/items/a'), 200)).body).toEqual({ id: 'a' });
    await conformance.check(get('/api/items/missing'), 404);
    await conformance.check(get('/api/items/live'), 204);
  });

  it.each([
    ['/api/items/wrong-type', 'body.id should be string'],
    ['/api/items/extra-field', 'should NOT have additional properties'],
    ['/api/items/teapot', 'status 418 is not documented (documented: 200, 400, 404, 503)'],
    ['/api/items/other-code', 'error code SOMETHING_ELSE is not one of ITEM_NOT_FOUND'],
    ['/api/items/text', 'content-type is text/plain; charset=utf-8, not application/json'],
    ['/api/items/no-header', 'header x-correlation-id is missing'],
    ['/api/nothing', 'GET /api/nothing is not documented'],
  ])('when GET %s answers unlike the document, then check throws', async (path, problem) => {
    await expect(new ApiConformance(document).check(get(path))).rejects.toThrow(problem);
  });

  it('when the status is not the expected one, then check throws', async () => {
    await expect(
      new ApiConformance(document).check(get('/api/items/missing'), 200),
    ).rejects.toThrow('GET /api/items/missing → 404: expected 200');
  });

  it('when answers were checked, then unexercised lists the documented answers not seen', async () => {
    const conformance = new ApiConformance(document);
    await conformance.check(get('/api/items/a'));
    await conformance.check(get('/api/items/live'));
    expect(conformance.unexercised()).toEqual([
      'GET /api/items/{id} 400',
      'GET /api/items/{id} 404',
      'GET /api/items/{id} 503',
      'GET /api/items/live 503',
    ]);
  });
});

describe('registeredRoutes', () => {
  it('when an app has app routes, nested routers and middleware, then it lists the routes only', () => {
    const inner = Router();
    inner.use((_req, _res, next) => next());
    inner
      .route('/things/:id')
      .get((_req, res) => res.end())
      .delete((_req, res) => res.end());
    const outer = Router();
    outer.use('/v1', inner);
    outer.post('/', (_req, res) => res.end());
    const routed = express();
    routed.get('/health', (_req, res) => res.end());
    routed.use('/api/', outer);
    expect(registeredRoutes(routed)).toEqual([
      'GET /health',
      'GET /api/v1/things/{id}',
      'DELETE /api/v1/things/{id}',
      'POST /api',
    ]);
  });

  it('when a route path is a regular expression, then it throws rather than guess', () => {
    const routed = express();
    routed.get(/^\/x+$/, (_req, res) => res.end());
    expect(() => registeredRoutes(routed)).toThrow('cannot be listed');
  });

  it('when given something that is not an Express 5 app, then it throws', () => {
    expect(() => registeredRoutes({} as express.Express)).toThrow('Not an Express 5 app');
  });

  it('when the app of this file is listed, then its routes are the documented ones and the host ones', () => {
    expect(registeredRoutes(app)).toEqual([
      'GET /api/health/live',
      'GET /api/health',
      'GET /metrics',
      ...documentedRoutes(document).reverse(),
    ]);
  });
});
