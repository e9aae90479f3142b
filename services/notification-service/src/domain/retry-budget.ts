/**
 * How many attempts the event bus must give a notification so that an email or SMS provider
 * that is down for `outageMs` costs no notification (contract, behaviour 5).
 *
 * The bus retries attempt n after `baseDelayMs × 2^(n−1)`, each delay ±20 % jitter, so n attempts
 * span at least `0.8 × baseDelayMs × (2^(n−1) − 1)`. Once the provider is back its breaker may
 * still be open for up to `breakerResetMs`, and the probe may take up to `providerTimeoutMs`:
 * the last attempt must come after all of that.
 */
export interface RetryBudgetInput {
  /** MAX_ATTEMPTS: the service never gets fewer. */
  maxAttempts: number;
  retryBaseDelayMs: number;
  /** The outage to outlast; 0 leaves MAX_ATTEMPTS as it is. */
  outageMs: number;
  breakerResetMs: number;
  providerTimeoutMs: number;
}

/** The most attempts the bus's retry topology allows (the MAX_ATTEMPTS setting's own limit). */
export const ATTEMPTS_LIMIT = 20;

const MIN_JITTER = 0.8;

/** The shortest time from the first attempt to the last, jitter included. */
export function shortestRetrySpanMs(attempts: number, retryBaseDelayMs: number): number {
  return MIN_JITTER * retryBaseDelayMs * (2 ** (attempts - 1) - 1);
}

/**
 * MAX_ATTEMPTS, or more when that many would not outlast the outage. Throws when even
 * ATTEMPTS_LIMIT attempts would not (a tiny RETRY_BASE_DELAY_MS with a long tolerance).
 */
export function attemptsForProviderOutage(input: RetryBudgetInput): number {
  if (input.outageMs <= 0) return input.maxAttempts;
  const mustSpanMs = input.outageMs + input.breakerResetMs + input.providerTimeoutMs;
  for (let attempts = input.maxAttempts; attempts <= ATTEMPTS_LIMIT; attempts++) {
    if (shortestRetrySpanMs(attempts, input.retryBaseDelayMs) >= mustSpanMs) return attempts;
  }
  throw new Error(
    `A provider outage of ${input.outageMs} ms cannot be outlasted within ${ATTEMPTS_LIMIT} ` +
      `attempts from RETRY_BASE_DELAY_MS=${input.retryBaseDelayMs}: raise it, or lower ` +
      'PROVIDER_OUTAGE_TOLERANCE_MS',
  );
}
