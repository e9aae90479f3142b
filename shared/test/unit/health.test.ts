import type { HealthCheck } from '../../src/http/health';
import { healthReport, upOrDown } from '../../src/http/health';

const STARTED_AT = Date.parse('2024-01-01T00:00:00.000Z');

const check = (name: string, status: string, critical = true): HealthCheck => ({
  name,
  critical,
  status: () => status,
});

describe('healthReport', () => {
  beforeEach(() => jest.useFakeTimers({ now: STARTED_AT + 90_999 }));
  afterEach(() => jest.useRealTimers());

  it('when every critical dependency is up, then the report is ok and lists every check', () => {
    expect(
      healthReport('order-service', [check('mongodb', 'up'), check('rabbitmq', 'up')], STARTED_AT),
    ).toEqual({
      status: 'ok',
      service: 'order-service',
      uptimeSeconds: 90,
      checks: { mongodb: 'up', rabbitmq: 'up' },
    });
  });

  it.each([
    ['mongodb', 'down'],
    ['rabbitmq', 'down'],
    ['rabbitmq', 'connecting'],
  ])('when critical %s is %s, then the report is degraded', (name, status) => {
    const checks = [check('mongodb', 'up'), check('rabbitmq', 'up')].map((c) =>
      c.name === name ? check(name, status) : c,
    );
    const report = healthReport('order-service', checks, STARTED_AT);
    expect(report.status).toBe('degraded');
    expect(report.checks[name]).toBe(status);
  });

  it('when both critical dependencies are down, then the report is degraded and shows both', () => {
    const report = healthReport(
      'inventory-service',
      [check('mongodb', 'down'), check('rabbitmq', 'down')],
      STARTED_AT,
    );
    expect(report).toMatchObject({
      status: 'degraded',
      checks: { mongodb: 'down', rabbitmq: 'down' },
    });
  });

  it.each(['down', 'open', 'half-open'])(
    'when a non-critical check is %s, then it is reported but the answer stays ok',
    (status) => {
      const report = healthReport(
        'notification-service',
        [check('mongodb', 'up'), check('rabbitmq', 'up'), check('emailProvider', status, false)],
        STARTED_AT,
      );
      expect(report.status).toBe('ok');
      expect(report.checks.emailProvider).toBe(status);
    },
  );

  it('when a critical check is down alongside a non-critical one, then it is degraded', () => {
    const report = healthReport(
      'notification-service',
      [check('mongodb', 'down'), check('sms', 'open', false)],
      STARTED_AT,
    );
    expect(report.status).toBe('degraded');
  });

  it('when there are no checks, then the report is ok', () => {
    expect(healthReport('order-service', [], STARTED_AT)).toMatchObject({
      status: 'ok',
      checks: {},
    });
  });

  it('when the report is made, then each status is read exactly once', () => {
    const status = jest.fn().mockReturnValueOnce('down').mockReturnValue('up');
    const report = healthReport(
      'order-service',
      [{ name: 'mongodb', critical: true, status }],
      STARTED_AT,
    );
    expect(status).toHaveBeenCalledTimes(1);
    expect(report).toMatchObject({ status: 'degraded', checks: { mongodb: 'down' } });
  });

  it('when the service has just started, then uptime is 0 whole seconds', () => {
    jest.setSystemTime(STARTED_AT + 999);
    expect(healthReport('order-service', [], STARTED_AT).uptimeSeconds).toBe(0);
  });
});

describe('upOrDown', () => {
  it('when a dependency is connected, then it is up; else down', () => {
    expect(upOrDown(true)).toBe('up');
    expect(upOrDown(false)).toBe('down');
  });
});
