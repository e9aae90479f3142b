import Joi from 'joi';
import request from 'supertest';
import { apiDocsRouter } from '../../src/http/api-docs-routes';
import { createHttpApp } from '../../src/http/create-http-app';
import { serviceApiDocument } from '../../src/http/host-openapi';
import { ServiceMetrics } from '../../src/observability/metrics';
import { createLogger } from '../../src/logging/logger';
import { localAssetsOf } from '../../src/testing/api-document-checks';

const document = serviceApiDocument({
  service: 'items <&> service',
  version: '1.0.0',
  summary: 'Items.',
  operations: [
    {
      operationId: 'listItems',
      method: 'get',
      path: '/api/items',
      tag: 'items',
      summary: 'Items',
      responses: { 200: { description: 'Items', body: Joi.array().items(Joi.string()) } },
    },
  ],
});

const app = createHttpApp({
  service: 'items',
  logger: createLogger({ service: 'items', level: 'silent' }),
  metrics: new ServiceMetrics('items'),
  healthChecks: [],
  routers: [apiDocsRouter(document)],
});

describe('apiDocsRouter', () => {
  it('when /api/openapi.json is asked for, then it answers the document as JSON', async () => {
    const response = await request(app).get('/api/openapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(document)));
    expect(Object.keys(response.body.paths)).toEqual([
      '/api/items',
      '/api/health/live',
      '/api/health',
      '/api/admin/dlq',
      '/api/admin/dlq/replay',
      '/api/admin/dlq/discard',
    ]);
  });

  it('when /api/docs is asked for, then it is a page of local assets only, each served', async () => {
    const page = await request(app).get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>items &lt;&amp;&gt; service API</title>');
    const assets = localAssetsOf(page.text, '/api/docs');
    expect(assets).toEqual([
      '/api/docs/swagger-ui.css',
      '/api/docs/favicon-32x32.png',
      '/api/docs/favicon-16x16.png',
      '/api/docs/swagger-ui-bundle.js',
      '/api/docs/swagger-ui-standalone-preset.js',
      '/api/docs/swagger-initializer.js',
    ]);
    const types = [
      /text\/css/,
      /image\/png/,
      /image\/png/,
      /javascript/,
      /javascript/,
      /javascript/,
    ];
    for (const [index, asset] of assets.entries()) {
      const response = await request(app).get(asset).expect(200);
      expect(response.headers['content-type']).toMatch(types[index]);
    }
  });

  it('when the page starts, then it loads the document next to it and no validator badge', async () => {
    const script = (await request(app).get('/api/docs/swagger-initializer.js').expect(200)).text;
    expect(script).toContain("url: new URL('openapi.json', window.location.href).href");
    expect(script).toContain('validatorUrl: null');
  });

  it('when /api/docs/ is asked for, then it redirects to /api/docs, where relative URLs work', async () => {
    const response = await request(app).get('/api/docs/').expect(301);
    expect(new URL(response.headers.location, 'http://host/api/docs/').pathname).toBe('/api/docs');
  });

  it.each(['index.html', 'swagger-initializer.js.map', 'package.json', '..%2Fpackage.json'])(
    'when /api/docs/%s (not one of the assets) is asked for, then it is a 404 ROUTE_NOT_FOUND',
    async (file) => {
      const response = await request(app).get(`/api/docs/${file}`).expect(404);
      expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
    },
  );

  it('when a page links to another host, then localAssetsOf refuses it', () => {
    expect(() => localAssetsOf('<script src="https://cdn.example/x.js">', '/api/docs')).toThrow(
      'The page loads https://cdn.example/x.js',
    );
    expect(() => localAssetsOf('<link href="//cdn.example/x.css">', '/api/docs')).toThrow();
  });
});
