/** Percentiles and rates, shared by every phase so that each figure is computed one way. */

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    count: sorted.length,
  };
}

/** An order as both the system and the floor store it, reduced to what a rate needs. */
export interface OrderTimes {
  status: string;
  createdAt: number;
  updatedAt: number;
}

export interface Throughput {
  final: number;
  confirmed: number;
  cancelled: number;
  pending: number;
  /** From the first order created to the last one final, ms. */
  spanMs: number;
  /** When the last order became final (epoch ms; -Infinity when none is). */
  lastFinalAt: number;
  perSecond: number;
}

/**
 * Orders final per second, from the orders' own timestamps: the clock starts when the first
 * order is created and stops when the last one becomes final, so neither the bench's start-up
 * nor its polling interval enters the figure.
 */
export function throughput(orders: readonly OrderTimes[]): Throughput {
  const count = (status: string) => orders.filter((order) => order.status === status).length;
  const confirmed = count('CONFIRMED');
  const cancelled = count('CANCELLED');
  const finals = orders.filter((order) => order.status !== 'PENDING');
  // reduce, not Math.min(...list): spreading tens of thousands of arguments overflows the stack.
  const first = orders.reduce((min, order) => Math.min(min, order.createdAt), Infinity);
  const last = finals.reduce((max, order) => Math.max(max, order.updatedAt), -Infinity);
  const spanMs = Math.max(1, last - first);
  return {
    final: finals.length,
    confirmed,
    cancelled,
    pending: count('PENDING'),
    spanMs,
    lastFinalAt: last,
    perSecond: finals.length === 0 ? 0 : finals.length / (spanMs / 1000),
  };
}

/** POST→final of each final order: its updatedAt − createdAt. */
export function timesToFinal(orders: readonly OrderTimes[]): number[] {
  return orders
    .filter((order) => order.status !== 'PENDING')
    .map((order) => order.updatedAt - order.createdAt);
}

export function formatMs({ p50, p95, p99 }: Percentiles): string {
  return `${p50.toFixed(0)} / ${p95.toFixed(0)} / ${p99.toFixed(0)} ms`;
}

export function formatRate(perSecond: number): string {
  return `${perSecond.toFixed(1)}/s`;
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(0)} %`;
}
