import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { mergedEnvironment, serviceEnvFiles } from '../config/config';
import { onTracingStop } from './tracing-lifecycle';

/** Requests an operator does not want a trace of: scrapes and probes, many per minute. */
const UNTRACED_PATHS = ['/metrics', '/api/health'];

/** Tracing is on when an OTLP endpoint is configured, by the standard variables alone. */
export function tracingRequested(env: Record<string, string | undefined> = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED !== 'true';
}

/**
 * Starts the OpenTelemetry SDK for a service, when `tracingRequested`: spans of HTTP, Express,
 * amqplib and the MongoDB driver, exported over OTLP/HTTP. The SDK reads the rest from the
 * standard variables itself: `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or
 * `http/json`), the endpoints and headers, `OTEL_BSP_*` for batching, `OTEL_RESOURCE_ATTRIBUTES`.
 *
 * The variables may also be in the service's `.env` files, like its settings.
 *
 * Must run before express, amqplib and mongodb are loaded, since instrumentations patch modules
 * as they are required: each service's `main.ts` imports its `tracing.ts` first.
 */
export function startTracing(service: string, serviceRoot: string): boolean {
  const env = mergedEnvironment(serviceEnvFiles(serviceRoot));
  if (!tracingRequested(env)) return false;
  // The SDK reads its variables from process.env: hand it those of the .env files too.
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('OTEL_')) process.env[name] = value;
  }
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || service,
    // Traces only: metrics are scraped from /metrics, logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          UNTRACED_PATHS.some((path) => request.url?.startsWith(path)),
      }),
      new ExpressInstrumentation(),
      new AmqplibInstrumentation(),
      // Only inside a request or a handled message: timers (outbox scan, pruning) stay untraced.
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  onTracingStop(() => sdk.shutdown());
  return true;
}
