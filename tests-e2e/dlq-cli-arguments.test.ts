import {
  UsageError,
  describeHttpFailure,
  describeUnreachable,
  formatDiscard,
  formatList,
  formatReplay,
  parseArguments,
} from '../scripts/dlq/dlq-cli';

/** The pure half of `npm run dlq`: arguments in, text out. No servers needed. */
const service = ['--service', 'order-service'];

function usageError(argv: string[]): string {
  try {
    parseArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseArguments', () => {
  it('reads list with its paging and an explicit URL (trailing slash dropped)', () => {
    expect(
      parseArguments([
        'list',
        ...service,
        '--limit',
        '5',
        '--offset',
        '10',
        '--url',
        'http://h:1/',
      ]),
    ).toEqual({
      command: 'list',
      service: 'order-service',
      limit: 5,
      offset: 10,
      url: 'http://h:1',
    });
    expect(parseArguments(['list', '--service', 'notification-service'])).toEqual({
      command: 'list',
      service: 'notification-service',
    });
  });

  it('reads replay of everything, of a limit, and of named events (each named once)', () => {
    expect(parseArguments(['replay', ...service])).toEqual({
      command: 'replay',
      service: 'order-service',
    });
    expect(parseArguments(['replay', ...service, '--limit', '3'])).toMatchObject({ limit: 3 });
    expect(
      parseArguments(['replay', ...service, '--event', 'a', '--event', 'b', '--event=a']),
    ).toEqual({ command: 'replay', service: 'order-service', eventIds: ['a', 'b'] });
  });

  it('reads discard of named events', () => {
    expect(
      parseArguments(['discard', '--event', 'a', '--service', 'inventory-service', '--event', 'b']),
    ).toEqual({ command: 'discard', service: 'inventory-service', eventIds: ['a', 'b'] });
  });

  it('answers --help whatever else is given', () => {
    expect(parseArguments(['--help'])).toEqual({ command: 'help' });
    expect(parseArguments(['discard', '-h'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], 'Missing command'],
    [['purge', ...service], "Unknown command 'purge'"],
    [['list'], 'Missing --service'],
    [['list', '--service', 'orders'], "Unknown service 'orders'"],
    [['discard', ...service], "'discard' needs at least one --event"],
    [['list', ...service, '--event', 'a'], "'list' does not take --event"],
    [['discard', ...service, '--event', 'a', '--limit', '1'], "'discard' does not take --limit"],
    [['replay', ...service, '--offset', '1'], "'replay' does not take --offset"],
    [['replay', ...service, 'abc'], "Unexpected argument 'abc'"],
    [['list', ...service, '--evnt', 'a'], "Unknown option '--evnt'"],
    [['list', '--service'], "Option '--service <value>' argument missing"],
    [['list', ...service, '--limit', '0'], "--limit must be a whole number of at least 1, not '0'"],
    [['list', ...service, '--limit', '2.5'], '--limit must be a whole number'],
    [
      ['list', ...service, '--offset=-1'],
      "--offset must be a whole number of at least 0, not '-1'",
    ],
    [['list', ...service, '--offset', '-1'], "Option '--offset' argument is ambiguous"],
    [['list', ...service, '--url', 'localhost:3001'], '--url must be'],
    [['list', ...service, '--url', 'ftp://h'], '--url must be http:// or https://'],
    [['replay', ...service, '--event', ' '], '--event needs an event id'],
  ])('refuses %j: %s', (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });
});

describe('formatList', () => {
  const item = (eventId: string, error: string) => ({
    eventId,
    routingKey: 'inventory.status.updated',
    attempts: 1,
    failedAt: '2025-01-02T03:04:05.678Z',
    error,
  });

  it('prints aligned columns, one row per dead letter, and the total', () => {
    const text = formatList('order-service', {
      items: [item('event-1', 'Order 1 does not exist'), item('e2', 'Timed\n   out')],
      total: 7,
      limit: 2,
      offset: 4,
    });
    expect(text.split('\n')).toEqual([
      'eventId  routingKey                attempts  failedAt                  error',
      'event-1  inventory.status.updated  1         2025-01-02T03:04:05.678Z  Order 1 does not exist',
      'e2       inventory.status.updated  1         2025-01-02T03:04:05.678Z  Timed out',
      '',
      '7 dead letters in order-service (showing 5-6).',
    ]);
  });

  it('says so when the queue is empty, or the page is past its end', () => {
    expect(formatList('order-service', { items: [], total: 0 })).toBe(
      'No dead letters in order-service.',
    );
    expect(formatList('order-service', { items: [], total: 3, offset: 20 })).toBe(
      'No dead letters at offset 20; order-service holds 3 in all.',
    );
  });
});

describe('formatReplay and formatDiscard', () => {
  it('count what was done, and what was not in the queue', () => {
    expect(formatReplay('order-service', 4)).toBe('Replayed 4 dead letters from order-service.');
    expect(formatReplay('order-service', 1, ['a', 'b'])).toBe(
      'Replayed 1 of 2 dead letters from order-service; 1 not in its dead-letter queue.',
    );
    expect(formatDiscard('inventory-service', 1, ['a'])).toBe(
      'Discarded 1 of 1 dead letter from inventory-service.',
    );
  });
});

describe('error messages', () => {
  const url = 'http://127.0.0.1:3001';

  it('name the URL of a service that cannot be reached, and why', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(describeUnreachable('order-service', url, error)).toMatch(
      /^Cannot reach order-service at http:\/\/127\.0\.0\.1:3001 \(connection refused\)/,
    );
  });

  it('blame the ADMIN_TOKEN on a 401', () => {
    const body = '{"error":{"code":"UNAUTHORIZED","message":"Missing or invalid admin token"}}';
    expect(describeHttpFailure('order-service', url, 401, body)).toContain(
      'the ADMIN_TOKEN used here does not match',
    );
  });

  it("show the contract's error code and message, else the start of the body", () => {
    const body = '{"error":{"code":"VALIDATION_ERROR","message":"Body: \\"limit\\" must be ≥ 1"}}';
    expect(describeHttpFailure('order-service', url, 400, body)).toBe(
      `order-service at ${url} answered 400: VALIDATION_ERROR: Body: "limit" must be ≥ 1`,
    );
    expect(describeHttpFailure('order-service', url, 502, '<html>\n Bad gateway</html>')).toBe(
      `order-service at ${url} answered 502: <html> Bad gateway</html> (is that URL the service?)`,
    );
  });
});
