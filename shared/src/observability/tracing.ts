import { mergedEnvironment, serviceEnvFiles } from '../config/config';
import type * as TracingSdk from './tracing-sdk';

/** Tracing is on when an OTLP endpoint is configured, by the standard variables alone. */
export function tracingRequested(env: Record<string, string | undefined> = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED !== 'true';
}

/**
 * Starts OpenTelemetry tracing for a service when `tracingRequested` (see tracing-sdk.ts); the
 * variables may also be in the service's `.env` files, like its settings. Returns whether it did.
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
  // Loaded only now: the SDK and its exporters weigh tens of megabytes a service without
  // tracing should not carry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof TracingSdk;
  startTracingSdk(service);
  return true;
}
