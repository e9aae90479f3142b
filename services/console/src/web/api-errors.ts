/** The contract's error body: `{"error": {"code", "message", "details"?}}`. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** An answer that was not a success, told in words a person reads. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * What to tell a person about a failed call: the service's own message where it gave one, with
 * the cases a person can act on said plainly (no token, a service down).
 */
export function describeFailure(status: number, body: unknown, service: string): string {
  const error = (body as ApiErrorBody | undefined)?.error;
  const detail = firstDetail(error?.details);
  if (status === 401) return 'The admin token is missing or wrong: enter it above (401).';
  if (status === 503 && error?.code === 'SERVICE_UNAVAILABLE') {
    return `${service} is down: it does not answer (503).`;
  }
  const message = error?.message ?? `${service} answered ${status}`;
  return detail ? `${message}: ${detail}` : message;
}

/** The first validation detail of a 400, when the service listed them. */
function firstDetail(details: unknown): string | undefined {
  if (!Array.isArray(details) || details.length === 0) return undefined;
  const first: unknown = details[0];
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'message' in first) return String(first.message);
  return undefined;
}

/** What a caught failure says, in words (an ApiError's message is already meant for a person). */
export function messageOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}
