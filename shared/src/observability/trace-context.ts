import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';

/**
 * The W3C trace context (`traceparent`, `tracestate`) of some work, as it travels in message
 * headers and outbox entries. Without the tracing SDK started these helpers do nothing: the
 * OpenTelemetry API is a no-op until an SDK registers itself.
 */
export type TraceCarrier = Record<string, string>;

/** The trace context of the work in progress, to be continued later; undefined when untraced. */
export function captureTraceContext(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** Runs `work` as part of the trace that `carrier` came from (headers or a stored capture). */
export function withTraceContext<T>(carrier: unknown, work: () => T): T {
  if (!carrier || typeof carrier !== 'object') return work();
  return context.with(extractFrom(carrier as Record<string, unknown>), work);
}

function extractFrom(carrier: Record<string, unknown>): Context {
  const headers: TraceCarrier = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = carrier[key];
    if (typeof value === 'string') headers[key] = value;
    else if (Buffer.isBuffer(value)) headers[key] = value.toString();
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** `traceId` and `spanId` of the active span, for log lines; empty when nothing is traced. */
export function activeTraceFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
