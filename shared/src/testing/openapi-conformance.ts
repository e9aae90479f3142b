import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { Express } from 'express';
import type { Response, Test } from 'supertest';
import type { HttpMethod, OpenApiDocument, OperationObject } from '../http/openapi';
import { JSON_MEDIA_TYPE } from '../http/openapi';

// Checks that hold a service's API document to the service: every route it registers is
// documented and every documented one registered, and every answer a test gets is one the
// document describes (status, body schema, error code, headers).

/** The routes of the document itself: the document does not list them. */
export const API_DOCS_ROUTES = ['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs/{file}'];

const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD /path/{param}` for every documented operation. */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => routeKey(method, path)),
  );
}

/** The parts of Express 5's router (the `router` package) that are read here. */
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: { stack?: unknown };
}

/**
 * `METHOD /path/{param}` for every route registered in the app, nested routers included, as
 * its router stack has them. Middleware (`router.use(fn)`) is not a route.
 */
export function registeredRoutes(app: Express): string[] {
  const router = (app as unknown as { router?: { stack?: unknown } }).router;
  if (!router || !Array.isArray(router.stack)) throw new Error('Not an Express 5 app');
  return walk(router.stack as RouterLayer[], '');
}

function walk(stack: RouterLayer[], prefix: string): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = joinPaths(prefix, plainPath(layer.route.path));
      return Object.keys(layer.route.methods)
        .filter((method) => layer.route?.methods[method] && method !== '_all')
        .map((method) => routeKey(method, path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')));
    }
    if (Array.isArray(layer.handle.stack)) {
      return walk(layer.handle.stack as RouterLayer[], joinPaths(prefix, plainPath(layer.rawPath)));
    }
    return [];
  });
}

function plainPath(path: unknown): string {
  if (typeof path !== 'string') {
    throw new Error(
      `A route or mount path that is not a string (${String(path)}) cannot be listed`,
    );
  }
  return path;
}

function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

interface DocumentedResponse {
  key: string;
  validate?: ValidateFunction;
  errorCodes?: string[];
  requiredHeaders: string[];
}

/**
 * Sends requests and holds each answer to the document; remembers which documented answers it
 * saw, so that a test can require every one of them to have been produced for real.
 */
export class ApiConformance {
  private readonly ajv = new Ajv({ allErrors: true });
  private readonly compiled = new Map<string, DocumentedResponse>();
  private readonly seen = new Set<string>();

  constructor(readonly document: OpenApiDocument) {}

  /**
   * Sends the request and checks the response; throws, saying why, when the document disagrees
   * or the status is not `expectedStatus`.
   */
  async check(test: Test, expectedStatus?: number): Promise<Response> {
    const response = await test;
    const { pathname } = new URL(test.url);
    const method = test.method.toLowerCase() as HttpMethod;
    const { path, operation } = this.operationFor(method, pathname);
    const where = `${method.toUpperCase()} ${pathname} → ${response.status}`;
    const documented = this.response(method, path, operation, response.status, where);

    const problems: string[] = [];
    for (const header of documented.requiredHeaders) {
      if (response.headers[header] === undefined) problems.push(`header ${header} is missing`);
    }
    if (documented.validate) {
      const contentType = String(response.headers['content-type'] ?? '');
      if (!contentType.startsWith(JSON_MEDIA_TYPE)) {
        problems.push(`content-type is ${contentType || 'missing'}, not ${JSON_MEDIA_TYPE}`);
      } else if (!documented.validate(response.body)) {
        problems.push(...(documented.validate.errors ?? []).map(ajvProblem));
      }
    }
    const code: unknown = response.body?.error?.code;
    if (
      documented.errorCodes &&
      typeof code === 'string' &&
      !documented.errorCodes.includes(code)
    ) {
      problems.push(`error code ${code} is not one of ${documented.errorCodes.join(', ')}`);
    }
    if (problems.length > 0) {
      throw new Error(
        `${where} does not match the document:\n  ${problems.join('\n  ')}\n` +
          `body: ${JSON.stringify(response.body)}`,
      );
    }
    this.seen.add(documented.key);
    if (expectedStatus !== undefined && response.status !== expectedStatus) {
      throw new Error(
        `${where}: expected ${expectedStatus}; body: ${JSON.stringify(response.body)}`,
      );
    }
    return response;
  }

  /** `METHOD /path status` of every documented answer that no checked response was. */
  unexercised(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) =>
        Object.keys(item[method]?.responses ?? {})
          .map((status) => `${routeKey(method, path)} ${status}`)
          .filter((key) => !this.seen.has(key)),
      ),
    );
  }

  private operationFor(
    method: HttpMethod,
    pathname: string,
  ): { path: string; operation: OperationObject } {
    const matches = Object.keys(this.document.paths).filter((path) =>
      templateMatcher(path).test(pathname),
    );
    // A fixed segment wins over a parameter (`/api/health/live` over `/api/health/{x}`).
    matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    for (const path of matches) {
      const operation = this.document.paths[path]?.[method];
      if (operation) return { path, operation };
    }
    throw new Error(`${method.toUpperCase()} ${pathname} is not documented`);
  }

  private response(
    method: HttpMethod,
    path: string,
    operation: OperationObject,
    status: number,
    where: string,
  ): DocumentedResponse {
    const key = `${routeKey(method, path)} ${status}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const response = operation.responses[String(status)];
    if (!response) {
      throw new Error(
        `${where}: status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`,
      );
    }
    const schema = response.content?.[JSON_MEDIA_TYPE]?.schema;
    const documented: DocumentedResponse = {
      key,
      // The document's components at the root, so that `#/components/schemas/...` resolves.
      ...(schema && {
        validate: this.ajv.compile({ components: this.document.components, allOf: [schema] }),
      }),
      ...(response['x-error-codes'] && { errorCodes: response['x-error-codes'] }),
      requiredHeaders: Object.entries(response.headers)
        .filter(([, header]) => header.required)
        .map(([name]) => name.toLowerCase()),
    };
    this.compiled.set(key, documented);
    return documented;
  }
}

function templateMatcher(path: string): RegExp {
  const pattern = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`);
}

function ajvProblem(error: { dataPath: string; message?: string; params: object }): string {
  return `body${error.dataPath} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`;
}
