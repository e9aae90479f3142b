import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express, RequestHandler, Router } from 'express';
import { serviceUnavailable } from '../errors/app-error';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { admissionControl } from './admission-control';
import type { AdmissionQueue } from './admission-queue';
import { errorHandler, unknownRoute } from './error-handler';
import type { HealthCheck } from './health';
import { healthReport } from './health';
import type { ServiceMetrics } from '../observability/metrics';

const CORRELATION_HEADER = 'x-correlation-id';
const BODY_LIMIT = '100kb';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  healthChecks: HealthCheck[];
  /** The service's routers, mounted under /api, behind admission control when it is on. */
  routers: Router[];
  /**
   * Routers that serve documents (the API document, Swagger UI), mounted under /api ahead of
   * admission control: like health and metrics, they do no work and must answer under load.
   */
  documents?: Router[];
  /** Admission control of `routers`; without it, every request goes straight in (route tests). */
  admission?: AdmissionQueue;
  /** True once the service is shutting down: new requests are turned away. */
  isDraining?: () => boolean;
}

/**
 * The Express app every service runs: correlation id, access log and metrics, health, metrics and
 * documents, then admission control, the JSON body limit and the service's routes, then 404 and
 * the central error handler. Routes only validate, call the domain and answer; errors they throw
 * land here. Probes, scrapes and documents come before admission control, so that they answer
 * while the API sheds load; the API's requests are admitted before their bodies are read.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { service, logger, metrics } = options;
  const startedAt = Date.now();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use(correlationId());
  app.use(accessLog(logger, metrics));
  app.use(refuseWhileDraining(options.isDraining ?? (() => false)));

  app.get('/api/health/live', (_req, res) => {
    res.json({ status: 'ok', service });
  });
  app.get('/api/health', (_req, res) => {
    const report = healthReport(service, options.healthChecks, startedAt);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  for (const router of options.documents ?? []) app.use('/api', router);

  if (options.admission) {
    metrics.httpAdmission = options.admission;
    app.use(admissionControl(options.admission, metrics));
  }
  app.use(express.json({ limit: BODY_LIMIT }));
  for (const router of options.routers) app.use('/api', router);

  app.use(unknownRoute);
  app.use(errorHandler(logger));
  return app;
}

/**
 * While shutting down, a request that still arrives on a kept-alive connection is answered 503
 * with `Connection: close`, so the client retries elsewhere and the connection ends.
 */
function refuseWhileDraining(isDraining: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (!isDraining()) return next();
    res.setHeader('Connection', 'close');
    throw serviceUnavailable('The service is shutting down; try again', 'SHUTTING_DOWN');
  };
}

/** Takes the caller's correlation id (or makes one), echoes it, and keeps it for the request. */
function correlationId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get(CORRELATION_HEADER);
    const id = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, id);
    runInContext({ correlationId: id }, next);
  };
}

function accessLog(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const correlationId = String(res.getHeader(CORRELATION_HEADER));
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      // Probes of health and metrics come every few seconds: keep them out of the info log.
      const level = /^\/(api\/health|metrics)/.test(req.path) ? 'debug' : 'info';
      logger.log(level, 'HTTP request', {
        correlationId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
      });
    });
    next();
  };
}
