import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { ProviderMetrics } from './circuit-breaker-provider';

/** The providers' metrics, on the service's own registry (served at /metrics). */
export function createProviderMetrics(registry: Registry): ProviderMetrics {
  return {
    breakerState: new Gauge({
      name: 'circuit_breaker_state',
      help: "State of a provider's circuit breaker: 0 closed, 1 half-open, 2 open",
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    calls: new Counter({
      name: 'notification_provider_calls_total',
      help: 'Calls to an email or SMS provider, by outcome (sent, refused, failed, timeout, short-circuited)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
  };
}
