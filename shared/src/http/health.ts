/**
 * A dependency the health endpoint reports. A critical one that is not `up` turns the answer into
 * a 503 `degraded`; others (an email provider's circuit breaker, say) are only reported.
 */
export interface HealthCheck {
  name: string;
  critical: boolean;
  status: () => string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  service: string;
  uptimeSeconds: number;
  checks: Record<string, string>;
}

export function healthReport(
  service: string,
  checks: HealthCheck[],
  startedAt: number,
): HealthReport {
  const results = Object.fromEntries(checks.map((check) => [check.name, statusOf(check)]));
  const degraded = checks.some((check) => check.critical && results[check.name] !== 'up');
  return {
    status: degraded ? 'degraded' : 'ok',
    service,
    uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    checks: results,
  };
}

/** A check that throws is reported as down rather than failing the whole report. */
function statusOf(check: HealthCheck): string {
  try {
    return check.status();
  } catch {
    return 'down';
  }
}

export const upOrDown = (up: boolean) => (up ? 'up' : 'down');
