import type { AddressInfo } from 'node:net';
import http from 'node:http';
import protobuf from 'protobufjs';

/** One span as an OTLP/HTTP exporter sent it, ids in hex. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a trace's root. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

export const SpanKind = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** The part of OTLP's trace service request the tests read (opentelemetry-proto, trace.proto). */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; repeated KeyValue attributes = 9;
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
`;
const exportRequest = protobuf
  .parse(OTLP_TRACE_PROTO, { keepCase: false })
  .root.lookupType('ExportTraceServiceRequest');

interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}
interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
  }>;
}

/**
 * A real OTLP/HTTP trace receiver (what a collector or Jaeger offers on :4318) for the tests:
 * takes `POST /v1/traces` in JSON or protobuf and keeps the spans.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** The content type of every export received, in order. */
  readonly contentTypes: string[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = http.createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (request, response) => receiver.receive(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporters append /v1/traces. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const contentType = request.headers['content-type'] ?? '';
      this.contentTypes.push(contentType);
      const body = Buffer.concat(chunks);
      const decoded = contentType.includes('json')
        ? (JSON.parse(body.toString()) as OtlpRequest)
        : (exportRequest.toObject(exportRequest.decode(body), {
            longs: Number,
            bytes: String,
          }) as OtlpRequest);
      this.spans.push(...spansOf(decoded, !contentType.includes('json')));
      response
        .writeHead(200, { 'content-type': contentType })
        .end(contentType.includes('json') ? '{}' : '');
    });
  }
}

/** In JSON ids are hex already; from protobuf they come as base64 (`bytes: String`). */
function spansOf(request: OtlpRequest, base64Ids: boolean): ReceivedSpan[] {
  const hex = (id: unknown) =>
    typeof id !== 'string' ? '' : base64Ids ? Buffer.from(id, 'base64').toString('hex') : id;
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service: String(resource['service.name']),
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: String(span.name),
        kind: Number(span.kind),
        attributes: attributesOf(span.attributes as OtlpKeyValue[] | undefined),
      })),
    );
  });
}

function attributesOf(list: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, value && Object.values(value)[0]]));
}
