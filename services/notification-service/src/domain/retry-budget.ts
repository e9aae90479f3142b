import { MAX_ATTEMPTS_LIMIT, shortestRetrySpanMs } from '@ecommerce/shared';

/**
 * How many attempts the event bus must give a notification so that an email or SMS provider
 * that is down for `outageMs` costs no notification (contract, behaviour 5).
 *
 * The bus's retries of n attempts span at least `shortestRetrySpanMs(n, retryBaseDelayMs)`. Once
 * the provider is back its breaker may still be open for up to `breakerResetMs`, and the probe may
 * take up to `providerTimeoutMs`: the last attempt must come after all of that.
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

/**
 * MAX_ATTEMPTS, or more when that many would not outlast the outage. Throws when even the bus's
 * MAX_ATTEMPTS_LIMIT attempts would not (a tiny RETRY_BASE_DELAY_MS with a long tolerance).
 */
export function attemptsForProviderOutage(input: RetryBudgetInput): number {
  if (input.outageMs <= 0) return input.maxAttempts;
  const mustSpanMs = input.outageMs + input.breakerResetMs + input.providerTimeoutMs;
  for (let attempts = input.maxAttempts; attempts <= MAX_ATTEMPTS_LIMIT; attempts++) {
    if (shortestRetrySpanMs(attempts, input.retryBaseDelayMs) >= mustSpanMs) return attempts;
  }
  throw new Error(
    `A provider outage of ${input.outageMs} ms cannot be outlasted within ${MAX_ATTEMPTS_LIMIT} ` +
      `attempts from RETRY_BASE_DELAY_MS=${input.retryBaseDelayMs}: raise it, or lower ` +
      'PROVIDER_OUTAGE_TOLERANCE_MS',
  );
}
