/**
 * `npm run dlq -- list|replay|discard --service <name> [--event <id>]...`: an operator's view of a
 * service's dead-letter queue, through the running service's admin API (no DLQ logic of its own).
 *
 *   npm run dlq -- list --service order-service
 *   npm run dlq -- replay --service order-service --event <id> [--event <id>]...
 *   npm run dlq -- discard --service order-service --event <id>
 *
 * `npm run dlq -- --help` for every option. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import type { DeadLetterPage, DlqCommand, DlqService } from './dlq/dlq-cli';
import {
  CliError,
  USAGE,
  UsageError,
  describeHttpFailure,
  describeUnreachable,
  formatDiscard,
  formatList,
  formatReplay,
  parseArguments,
} from './dlq/dlq-cli';

type ServiceCommand = Exclude<DlqCommand, { command: 'help' }>;

async function main(argv: string[]): Promise<number> {
  const command = parseArguments(argv);
  if (command.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { url, adminToken } = await target(command);
  const admin = new AdminApi(command.service, url, adminToken);
  switch (command.command) {
    case 'list': {
      const query = new URLSearchParams();
      if (command.limit !== undefined) query.set('limit', String(command.limit));
      if (command.offset !== undefined) query.set('offset', String(command.offset));
      const page = await admin.request<DeadLetterPage>('GET', `/api/admin/dlq?${query}`);
      console.log(formatList(command.service, page));
      return 0;
    }
    case 'replay': {
      const { replayed } = await admin.request<{ replayed: number }>(
        'POST',
        '/api/admin/dlq/replay',
        { eventIds: command.eventIds, limit: command.limit },
      );
      console.log(formatReplay(command.service, replayed, command.eventIds));
      return 0;
    }
    case 'discard': {
      const { discarded } = await admin.request<{ discarded: number }>(
        'POST',
        '/api/admin/dlq/discard',
        { eventIds: command.eventIds },
      );
      console.log(formatDiscard(command.service, discarded, command.eventIds));
      return 0;
    }
  }
}

/** The service's URL (`--url`, else its PORT on this host) and its admin token. */
async function target(command: ServiceCommand): Promise<{ url: string; adminToken: string }> {
  let settings;
  try {
    // Loaded only now: it pulls in the services' built packages (their config loaders), which
    // `--help` and usage errors do not need.
    const { loadAdminSettings } = await import('./dlq/service-config');
    settings = loadAdminSettings(command.service);
  } catch (error) {
    if (isMissingModule(error, '@ecommerce/')) {
      throw new CliError('The packages are not built: run `npm run build` first.');
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`Cannot read ${command.service}'s settings: ${reason}`);
  }
  return {
    url: command.url ?? `http://127.0.0.1:${settings.port}`,
    adminToken: settings.adminToken,
  };
}

/** A JSON client of one service's admin routes that turns every failure into a CliError. */
class AdminApi {
  constructor(
    private readonly service: DlqService,
    private readonly url: string,
    private readonly adminToken: string,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.adminToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(describeUnreachable(this.service, this.url, error));
    }
    const text = await response.text();
    if (!response.ok) {
      throw new CliError(describeHttpFailure(this.service, this.url, response.status, text));
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(
        `${this.service} at ${this.url} answered ${response.status} with a body that is not JSON: ` +
          `is that URL the service?`,
      );
    }
  }
}

function isMissingModule(error: unknown, name: string): boolean {
  return (
    (error as { code?: string } | undefined)?.code === 'MODULE_NOT_FOUND' &&
    error instanceof Error &&
    error.message.includes(name)
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`dlq: ${error.message}\nRun \`npm run dlq -- --help\` for usage.`);
      process.exitCode = 2;
    } else if (error instanceof CliError) {
      console.error(`dlq: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
