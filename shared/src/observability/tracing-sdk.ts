import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { onTracingStop } from './tracing-lifecycle';

/** Requests an operator does not want a trace of: scrapes and probes, many per minute. */
const UNTRACED_PATHS = ['/metrics', '/api/health'];

/**
 * Starts the OpenTelemetry SDK: spans of HTTP, Express, amqplib and the MongoDB driver, exported
 * over OTLP/HTTP. The SDK reads the rest from the standard variables itself:
 * `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or `http/json`), the endpoints and
 * headers, `OTEL_BSP_*` for batching, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`.
 */
export function startTracingSdk(service: string): void {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || service,
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
}
