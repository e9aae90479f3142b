import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { HttpMethod, OpenApiDocument } from '../http/openapi';
import { eventually } from './eventually';
import type { ApiConformance } from './openapi-conformance';
import { API_DOCS_ROUTES, documentedRoutes, registeredRoutes } from './openapi-conformance';
import type { ServiceUnderTest } from './service-under-test';
import { ADMIN } from './service-under-test';

// Requests that produce, for real, every answer the document gives the routes each service host
// has (health, dead letters), and the 503s of outages and shutdown; each answer is checked
// against the document by `ApiConformance`.

/** More than the 100 kB body limit. */
export const OVERSIZED_BODY = { eventIds: ['x'.repeat(110_000)] };
/** A JSON body in a charset that the JSON parser refuses (415). */
export const LATIN1_JSON = 'application/json; charset=latin1';

/**
 * Health and the dead-letter routes, with every documented status short of 503. A message that is
 * not JSON, published under `poisonRoutingKey` (one the service consumes), is dead-lettered at
 * once: it is listed, a replay of an id not in the queue moves nothing, and it is discarded.
 */
export async function exerciseHostRoutes(
  subject: ServiceUnderTest,
  api: ApiConformance,
  poisonRoutingKey: string,
): Promise<void> {
  const send = () => subject.api();
  await api.check(send().get('/api/health/live'), 200);
  const health = await api.check(send().get('/api/health'), 200);
  if (health.body.status !== 'ok') throw new Error(`Health is ${health.body.status}`);

  const messageId = `poison-${randomUUID()}`;
  await subject.probe.publishRaw(poisonRoutingKey, Buffer.from('not json'), { messageId });
  await eventually(() => subject.deadLetter(messageId));

  const listed = await api.check(send().get('/api/admin/dlq?limit=100').set(ADMIN), 200);
  if (!listed.body.items.some((item: { eventId: string }) => item.eventId === messageId)) {
    throw new Error(`The dead letter ${messageId} is not listed`);
  }
  await api.check(send().get('/api/admin/dlq?limit=0').set(ADMIN), 400);
  await api.check(send().get('/api/admin/dlq?offset=-1&sort=%24natural').set(ADMIN), 400);
  await api.check(send().get('/api/admin/dlq'), 401);
  await api.check(send().get('/api/admin/dlq').set('Authorization', 'Bearer wrong-token'), 401);

  const replay = () => send().post('/api/admin/dlq/replay');
  const replayed = await api.check(
    replay()
      .set(ADMIN)
      .send({ eventIds: ['not-there'] }),
    200,
  );
  if (replayed.body.replayed !== 0) throw new Error('An id not in the queue was replayed');
  await api.check(replay().set(ADMIN).send({ eventIds: 'all' }), 400);
  await api.check(replay().set(ADMIN).send({ limit: 0 }), 400);
  await api.check(
    replay().set(ADMIN).set('content-type', 'application/json').send('{"limit":'),
    400,
  );
  await api.check(replay().send({}), 401);
  await api.check(replay().set(ADMIN).send(OVERSIZED_BODY), 413);
  await api.check(replay().set(ADMIN).set('content-type', LATIN1_JSON).send('{}'), 415);

  const discard = () => send().post('/api/admin/dlq/discard');
  await api.check(discard().set(ADMIN).send({}), 400);
  await api.check(discard().set(ADMIN), 400);
  await api.check(discard().set(ADMIN).send({ eventIds: [] }), 400);
  await api.check(discard().send({ eventIds: [messageId] }), 401);
  await api.check(discard().set(ADMIN).send(OVERSIZED_BODY), 413);
  await api.check(discard().set(ADMIN).set('content-type', LATIN1_JSON).send('{}'), 415);
  const discarded = await api.check(
    discard()
      .set(ADMIN)
      .send({ eventIds: [messageId] }),
    200,
  );
  if (discarded.body.discarded !== 1) throw new Error(`${messageId} was not discarded`);
  // Nothing is left to replay: a replay of everything, without a body, moves nothing.
  const all = await api.check(replay().set(ADMIN), 200);
  if (all.body.replayed !== 0) throw new Error(`A replay of everything moved ${all.body.replayed}`);
}

/**
 * Cuts the service's connection to one server (the service must run `throughProxies`), waits
 * until health reports it down (a documented 503), runs `exercise`, then restores it and waits
 * until health is 200 again.
 */
export async function duringOutage(
  subject: ServiceUnderTest,
  api: ApiConformance,
  server: 'database' | 'rabbitmq',
  exercise: () => Promise<void>,
): Promise<void> {
  const check = server === 'database' ? 'mongodb' : 'rabbitmq';
  const health = () => subject.api().get('/api/health');
  const patiently = { timeoutMs: 40_000, intervalMs: 200 };
  subject.proxies[server].cut();
  try {
    await eventually(async () => {
      const response = await api.check(health(), 503);
      if (response.body.checks?.[check] !== 'down') throw new Error(`${check} is not down yet`);
    }, patiently);
    await exercise();
  } finally {
    subject.proxies[server].restore();
  }
  await eventually(() => api.check(health(), 200), patiently);
}

/**
 * Stops the service, then sends every documented operation to its app: each is refused with a
 * 503 SHUTTING_DOWN (the app turns requests away while it drains), as documented.
 */
export async function exerciseShutdown(subject: ServiceUnderTest, api: ApiConformance) {
  await subject.service.stop();
  for (const [path, item] of Object.entries(api.document.paths)) {
    for (const method of Object.keys(item) as HttpMethod[]) {
      const url = path.replace(/\{[^}]+\}/g, 'x');
      const response = await api.check(request(subject.service.app)[method](url), 503);
      if (response.body.error?.code !== 'SHUTTING_DOWN') {
        throw new Error(`${method.toUpperCase()} ${url} while shutting down: ${response.text}`);
      }
    }
  }
}

/**
 * The URLs that a page's `src` and `href` attributes load, resolved against `pageUrl`; throws for
 * one that names a host (the docs page must load nothing from elsewhere).
 */
export function localAssetsOf(html: string, pageUrl: string): string[] {
  const base = new URL(pageUrl, 'http://service.invalid');
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map(([, link]) => {
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(link)) throw new Error(`The page loads ${link}`);
    const url = new URL(link, base);
    return `${url.pathname}${url.search}`;
  });
}

/**
 * Swagger UI at `/api/docs`: checks that it is an HTML page and that every local asset it loads
 * answers 200 (`localAssetsOf` refuses one from another host), and returns those assets.
 */
async function swaggerUiAssets(subject: ServiceUnderTest): Promise<string[]> {
  const page = await subject.api().get('/api/docs');
  if (page.status !== 200 || !/^text\/html/.test(String(page.headers['content-type']))) {
    throw new Error(`GET /api/docs answered ${page.status} ${page.headers['content-type']}`);
  }
  const assets = localAssetsOf(page.text, '/api/docs');
  for (const asset of assets) {
    const { status } = await subject.api().get(asset);
    if (status !== 200) throw new Error(`GET ${asset} answered ${status}`);
  }
  return assets;
}

/** The app's routes under /api, less the API document's own (`API_DOCS_ROUTES`), sorted. */
function apiRoutesOf(subject: ServiceUnderTest): string[] {
  return registeredRoutes(subject.service.app)
    .filter((route) => route.split(' ')[1].startsWith('/api/') && !API_DOCS_ROUTES.includes(route))
    .sort();
}

/** The documented routes that carry a security requirement (the bearer scheme), sorted. */
function securedRoutesOf(document: OpenApiDocument): string[] {
  return documentedRoutes(document)
    .filter((route) => {
      const [method, path] = route.split(' ');
      return document.paths[path][method.toLowerCase() as HttpMethod]?.security !== undefined;
    })
    .sort();
}

/** The admin routes every service host has (its dead letters), under the bearer scheme. */
export const HOST_ADMIN_ROUTES = [
  'GET /api/admin/dlq',
  'POST /api/admin/dlq/discard',
  'POST /api/admin/dlq/replay',
];

/**
 * What is wrong with the API document a service serves, as sentences (none: all is well): it is
 * the OpenAPI 3.1.0 document `built` from its routes, served as JSON; Swagger UI loads its own
 * bundle and stylesheet; every route under /api is documented and every documented one routed,
 * `/metrics` routed but not documented; exactly the host's admin routes and the service's own
 * `securedRoutes` carry the bearer scheme.
 */
export async function servedApiDocumentProblems(
  subject: ServiceUnderTest,
  built: OpenApiDocument,
  securedRoutes: string[],
): Promise<string[]> {
  const problems: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`${what}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`);
    }
  };
  const response = await subject.api().get('/api/openapi.json');
  expectSame('GET /api/openapi.json status', response.status, 200);
  expectSame(
    'its content type is JSON',
    /^application\/json/.test(String(response.headers['content-type'])),
    true,
  );
  const served = response.body as OpenApiDocument;
  expectSame('its version', served.openapi, '3.1.0');
  expectSame('it is the document built from the routes', served, JSON.parse(JSON.stringify(built)));

  const assets = await swaggerUiAssets(subject);
  for (const asset of ['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css']) {
    if (!assets.includes(asset)) problems.push(`Swagger UI does not load ${asset}`);
  }

  expectSame(
    'routes under /api, documented',
    apiRoutesOf(subject),
    documentedRoutes(served).sort(),
  );
  const routed = registeredRoutes(subject.service.app);
  for (const route of [...API_DOCS_ROUTES, 'GET /metrics']) {
    if (!routed.includes(route)) problems.push(`${route} is not routed`);
  }
  if ('/metrics' in served.paths) problems.push('/metrics is documented');

  expectSame(
    'routes under the bearer scheme',
    securedRoutesOf(served),
    [...HOST_ADMIN_ROUTES, ...securedRoutes].sort(),
  );
  const scheme = served.components?.securitySchemes?.adminToken as
    { type?: string; scheme?: string } | undefined;
  expectSame('the admin scheme', [scheme?.type, scheme?.scheme], ['http', 'bearer']);
  return problems;
}
