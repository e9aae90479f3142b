export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": the ceiling doubles per attempt up to maxMs,
 * and the delay is drawn between half the ceiling and the ceiling, so clients that failed
 * together spread out but none retries immediately.
 */
export function backoffDelay(
  attempt: number,
  { initialMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(attempt - 1, 0));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms`, unless woken early through the function handed to `onWakeable` (used on stop). */
export function sleep(ms: number, onWakeable?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWakeable?.(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Whether `work` settles within `ms` (an infinite `ms` waits for it); never rejects. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (!Number.isFinite(ms)) return settled;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
