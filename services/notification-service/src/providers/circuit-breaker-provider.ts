import CircuitBreaker from 'opossum';
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from '@ecommerce/shared';
import type {
  DeliveryReceipt,
  NotificationProvider,
  OutgoingMessage,
} from '../domain/notification-provider';
import { MessageRefusedError } from '../domain/notification-provider';

export type BreakerState = 'closed' | 'half-open' | 'open';

/** `circuit_breaker_state`: 0 closed, 1 half-open, 2 open (higher is worse). */
export const BREAKER_STATE_VALUES: Record<BreakerState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/** opossum's two flags as one state. */
export function breakerStateOf(breaker: { opened: boolean; halfOpen: boolean }): BreakerState {
  if (breaker.halfOpen) return 'half-open';
  return breaker.opened ? 'open' : 'closed';
}

/**
 * What became of one call, for `notification_provider_calls_total`: `sent`; `refused` (the
 * provider refused the message for good); `failed` or `timeout` (the provider is unavailable);
 * `short-circuited` (the breaker was open: the provider was not called).
 */
export type CallOutcome = 'sent' | 'refused' | 'failed' | 'timeout' | 'short-circuited';

interface CodedError {
  code?: unknown;
}

export function callOutcomeOf(error: unknown): Exclude<CallOutcome, 'sent'> {
  if (error instanceof MessageRefusedError) return 'refused';
  const code = (error as CodedError | null)?.code;
  if (code === 'EOPENBREAKER') return 'short-circuited';
  if (code === 'ETIMEDOUT' || (error as Error | null)?.name === 'TimeoutError') return 'timeout';
  return 'failed';
}

/** The breaker's tuning (see the README for the defaults and why). */
export interface BreakerSettings {
  timeoutMs: number;
  errorThresholdPercent: number;
  volumeThreshold: number;
  resetTimeoutMs: number;
}

/** Failures are counted over this window, in ten buckets (opossum's default). */
export const BREAKER_WINDOW_MS = 10_000;

/** The gauge and counter every guarded provider reports to (on the service's registry). */
export interface ProviderMetrics {
  breakerState: Gauge<'provider'>;
  calls: Counter<'provider' | 'outcome'>;
}

/** The breaker is open: the provider failed too often lately and is not called for now. */
export class ProviderUnavailableError extends Error {
  readonly code = 'EOPENBREAKER';

  constructor(channel: string) {
    super(`${channel} circuit breaker is open: the provider failed recently, not calling it`);
    this.name = 'ProviderUnavailableError';
  }
}

/**
 * A provider behind an opossum circuit breaker. A call that takes longer than the timeout fails;
 * once more than the threshold of the calls in the window failed (and there were enough of
 * them), the breaker opens and calls fail at once without reaching the provider; after the reset
 * timeout one probe call goes through (half-open), and its outcome closes or reopens the breaker.
 * A refused message is the provider working, so it does not count as a failure. Every failure is
 * transient to the event bus: the event is retried through the delay queues.
 */
export class BreakerGuardedProvider implements NotificationProvider {
  readonly name: string;
  private readonly breaker: CircuitBreaker<[OutgoingMessage], DeliveryReceipt>;

  constructor(
    /** What the breaker guards, as health and metrics name it: `smtp`, `sms`. */
    readonly channel: string,
    provider: NotificationProvider,
    settings: BreakerSettings,
    private readonly metrics: ProviderMetrics,
    logger: Logger,
  ) {
    this.name = provider.name;
    this.breaker = new CircuitBreaker((message: OutgoingMessage) => provider.send(message), {
      name: channel,
      timeout: settings.timeoutMs,
      errorThresholdPercentage: settings.errorThresholdPercent,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: BREAKER_WINDOW_MS,
      rollingCountBuckets: 10,
      errorFilter: (error: unknown) => error instanceof MessageRefusedError,
    });
    const report = (event: string) => () => {
      const state = this.state();
      metrics.breakerState.set({ provider: channel }, BREAKER_STATE_VALUES[state]);
      const fields = { provider: channel, state };
      if (state === 'closed') logger.info(`Circuit breaker ${event}`, fields);
      else logger.warn(`Circuit breaker ${event}`, fields);
    };
    this.breaker.on('open', report('opened'));
    this.breaker.on('halfOpen', report('half-open: letting one call through'));
    this.breaker.on('close', report('closed'));
    metrics.breakerState.set({ provider: channel }, BREAKER_STATE_VALUES.closed);
  }

  state(): BreakerState {
    return breakerStateOf(this.breaker);
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    try {
      const receipt = await this.breaker.fire(message);
      this.metrics.calls.inc({ provider: this.channel, outcome: 'sent' });
      return receipt;
    } catch (error) {
      const outcome = callOutcomeOf(error);
      this.metrics.calls.inc({ provider: this.channel, outcome });
      if (outcome === 'short-circuited') throw new ProviderUnavailableError(this.channel);
      throw error;
    }
  }

  /** Stops the breaker's timers; later calls fail. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}
