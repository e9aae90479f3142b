import type { RequestHandler } from 'express';
import { serviceUnavailable } from '../errors/app-error';
import type { ServiceMetrics } from '../observability/metrics';
import type { AdmissionQueue, Refusal } from './admission-queue';

export const OVERLOADED = 'OVERLOADED';

/**
 * The reason every request's signal is aborted with once its answer is sent or its client left:
 * one made once, since `abort()` without a reason makes a DOMException, with its stack, per
 * request (1 % of the order service's CPU in the spread phase).
 */
const CLIENT_GONE = Object.freeze({ reason: 'the answer was sent or the client went away' });

/**
 * Admission control for the API routes: a request takes a place in `queue` before its body is
 * read or any of its work is done, and gives it back once its answer is sent, or once its client
 * went away (its route may still be finishing then: the bound is on requests someone waits for).
 * One that is refused is answered 503 `OVERLOADED` in the error shape, with `Retry-After`; one
 * whose client went away while it waited is not answered at all.
 *
 * `Retry-After` is the longest a request may wait in the queue: by then every request queued now
 * has started or been turned away, so a retry meets a queue that has moved on.
 */
export function admissionControl(queue: AdmissionQueue, metrics: ServiceMetrics): RequestHandler {
  const retryAfterSeconds = Math.max(1, Math.ceil(queue.limits.maxQueueWaitMs / 1000));
  const messages: Record<Exclude<Refusal, 'client-gone'>, string> = {
    'queue-full': `The service is busy: too many requests are waiting; try again in ${retryAfterSeconds} s`,
    'waited-too-long': `The service is busy: the request waited too long for its turn; try again in ${retryAfterSeconds} s`,
  };
  return async (_req, res, next) => {
    const gone = new AbortController();
    let release: (() => void) | undefined;
    // 'close' comes once the answer is sent, or when the client went away before it.
    res.once('close', () => {
      gone.abort(CLIENT_GONE);
      release?.();
    });
    const admission = await queue.admit(gone.signal);
    if (admission.admitted) {
      release = admission.release;
      // The client left between its admission and now: nothing to do for it.
      if (gone.signal.aborted) release();
      else next();
      return;
    }
    if (admission.reason === 'client-gone') return;
    metrics.httpRequestsShed.inc({ reason: admission.reason });
    res.setHeader('Retry-After', String(retryAfterSeconds));
    throw serviceUnavailable(messages[admission.reason], OVERLOADED);
  };
}
