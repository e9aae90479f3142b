/**
 * What stops tracing at shutdown (flushes the spans not yet exported), kept apart from the SDK so
 * that the service host can call it without loading the SDK when tracing is off.
 */
let stopTracing: (() => Promise<void>) | undefined;

export function onTracingStop(stop: () => Promise<void>): void {
  stopTracing = stop;
}

/** Exports the spans still buffered; resolves at once when tracing is off. Never rejects. */
export async function flushTracing(): Promise<void> {
  await stopTracing?.().catch(() => undefined);
}
