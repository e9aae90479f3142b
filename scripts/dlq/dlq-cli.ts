import { parseArgs } from 'node:util';

/**
 * The pure half of `npm run dlq`: reading the command line and writing what the service answered.
 * No I/O here, so every message an operator can see is unit-tested; `scripts/dlq.ts` does the
 * talking (config, HTTP, exit codes).
 */

export const DLQ_SERVICES = ['order-service', 'inventory-service', 'notification-service'] as const;
export type DlqService = (typeof DLQ_SERVICES)[number];

export type DlqCommand =
  | { command: 'help' }
  | { command: 'list'; service: DlqService; url?: string; limit?: number; offset?: number }
  | { command: 'replay'; service: DlqService; url?: string; eventIds?: string[]; limit?: number }
  | { command: 'discard'; service: DlqService; url?: string; eventIds: string[] };

/** A mistake on the command line: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Anything else that stops the command (service unreachable, refused, an error answer): exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const USAGE = `Usage: npm run dlq -- <command> --service <name> [options]

Lists, replays or discards the messages in a service's dead-letter queue, through the service's
admin API (GET /api/admin/dlq, POST /api/admin/dlq/replay, POST /api/admin/dlq/discard).

Commands:
  list      the dead letters, newest first           [--limit N (default 20, at most 100)] [--offset N]
  replay    put messages back through the handler    [--event <id>]... [--limit N]  (all when no --event)
  discard   remove messages for good (logged first)  --event <id> [--event <id>]...

Options:
  --service <name>   ${DLQ_SERVICES.join(', ')} (required)
  --event <id>       an eventId from \`list\`; repeat for several
  --url <url>        the service's base URL; default http://127.0.0.1:<PORT>
  -h, --help         this text

PORT and ADMIN_TOKEN are read as the service reads them: the environment, then
services/<name>/.env, then .env, then the defaults. Exit codes: 0 done, 1 failed, 2 bad usage.`;

const COMMANDS = ['list', 'replay', 'discard'] as const;

/** Which options each command takes; anything else given to it is a usage error. */
const ALLOWED: Record<(typeof COMMANDS)[number], ReadonlySet<string>> = {
  list: new Set(['service', 'url', 'limit', 'offset']),
  replay: new Set(['service', 'url', 'event', 'limit']),
  discard: new Set(['service', 'url', 'event']),
};

/** Reads `argv` (without node and the script). Throws a UsageError naming the first mistake. */
export function parseArguments(argv: string[]): DlqCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        service: { type: 'string' },
        event: { type: 'string', multiple: true },
        limit: { type: 'string' },
        offset: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--evnt'", "Option '--service <value>'
    // argument missing"); drop its advice about '--' which does not apply here.
    const message = (error as { message?: string } | undefined)?.message ?? String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };

  const [command, ...extra] = positionals;
  if (command === undefined) {
    throw new UsageError(`Missing command: expected one of ${COMMANDS.join(', ')}`);
  }
  if (!isOneOf(COMMANDS, command)) {
    throw new UsageError(`Unknown command '${command}': expected one of ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) {
    throw new UsageError(
      `Unexpected argument '${extra[0]}' (event ids are given as --event <id>, one per id)`,
    );
  }
  for (const option of Object.keys(values)) {
    if (!ALLOWED[command].has(option)) {
      throw new UsageError(`'${command}' does not take --${option}`);
    }
  }

  if (values.service === undefined) {
    throw new UsageError(`Missing --service: one of ${DLQ_SERVICES.join(', ')}`);
  }
  if (!isOneOf(DLQ_SERVICES, values.service)) {
    throw new UsageError(
      `Unknown service '${values.service}': expected one of ${DLQ_SERVICES.join(', ')}`,
    );
  }
  const service = values.service;
  const url = values.url === undefined ? undefined : baseUrl(values.url);
  const limit = values.limit === undefined ? undefined : integer('--limit', values.limit, 1);
  const offset = values.offset === undefined ? undefined : integer('--offset', values.offset, 0);
  // The API refuses a list with duplicates; an id named twice means it once.
  const eventIds = values.event === undefined ? undefined : [...new Set(values.event)];
  if (eventIds?.some((id) => id.trim() === '')) throw new UsageError('--event needs an event id');

  switch (command) {
    case 'list':
      return { command, service, ...defined({ url, limit, offset }) };
    case 'replay':
      return { command, service, ...defined({ url, eventIds, limit }) };
    case 'discard':
      if (!eventIds) {
        throw new UsageError(
          "'discard' needs at least one --event <id> (see `list`); nothing is discarded wholesale",
        );
      }
      return { command, service, eventIds, ...defined({ url }) };
  }
}

/** One dead letter as GET /api/admin/dlq lists it. */
export interface DeadLetterItem {
  eventId: string;
  routingKey: string;
  attempts: number;
  failedAt: string;
  error: string;
}

export interface DeadLetterPage {
  items: DeadLetterItem[];
  total: number;
  limit?: number;
  offset?: number;
}

const COLUMNS = ['eventId', 'routingKey', 'attempts', 'failedAt', 'error'] as const;

/** A table of the page's dead letters, then a line with the total. */
export function formatList(service: DlqService, page: DeadLetterPage): string {
  const offset = page.offset ?? 0;
  if (page.items.length === 0) {
    return page.total === 0
      ? `No dead letters in ${service}.`
      : `No dead letters at offset ${offset}; ${service} holds ${page.total} in all.`;
  }
  const rows = page.items.map((item) =>
    COLUMNS.map((column) => oneLine(String(item[column] ?? ''))),
  );
  const widths = COLUMNS.map((column, i) =>
    Math.max(column.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const first = offset + 1;
  const last = offset + page.items.length;
  const plural = page.total === 1 ? 'dead letter' : 'dead letters';
  return [
    line(COLUMNS),
    ...rows.map(line),
    '',
    `${page.total} ${plural} in ${service} (showing ${first}-${last}).`,
  ].join('\n');
}

/** What `replay` did, and what it skipped when ids were named. */
export function formatReplay(service: DlqService, replayed: number, eventIds?: string[]): string {
  return `Replayed ${count(replayed, eventIds)} from ${service}${skipped(replayed, eventIds)}`;
}

/** What `discard` did, and what it skipped. */
export function formatDiscard(service: DlqService, discarded: number, eventIds: string[]): string {
  return `Discarded ${count(discarded, eventIds)} from ${service}${skipped(discarded, eventIds)}`;
}

/** The message for a service that could not be reached at all. */
export function describeUnreachable(service: DlqService, url: string, error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string } | undefined)?.code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'unknown host'
        : code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'connection timed out'
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return (
    `Cannot reach ${service} at ${url} (${reason}). Is it running, and is that its URL? ` +
    `(--url, else PORT as the service reads it)`
  );
}

/** The message for an error answer: the contract's `{"error": {code, message}}` when present. */
export function describeHttpFailure(
  service: DlqService,
  url: string,
  status: number,
  body: string,
): string {
  if (status === 401) {
    return (
      `${service} at ${url} refused the admin token (401): the ADMIN_TOKEN used here does not ` +
      `match the service's. Set ADMIN_TOKEN to the service's token.`
    );
  }
  try {
    const { error } = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (error?.message) {
      const detail = error.code ? `${error.code}: ${error.message}` : error.message;
      return `${service} at ${url} answered ${status}: ${detail}`;
    }
  } catch {
    // Not JSON: shown as it is below.
  }
  // Not the contract's error body: something else answered (a proxy, another program).
  const start = oneLine(body).slice(0, 300) || '(empty body)';
  return `${service} at ${url} answered ${status}: ${start} (is that URL the service?)`;
}

function count(done: number, eventIds?: string[]): string {
  const noun = (eventIds?.length ?? done) === 1 ? 'dead letter' : 'dead letters';
  return eventIds ? `${done} of ${eventIds.length} ${noun}` : `${done} ${noun}`;
}

function skipped(done: number, eventIds?: string[]): string {
  return eventIds && done < eventIds.length
    ? `; ${eventIds.length - done} not in its dead-letter queue.`
    : '.';
}

function integer(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${option} must be a whole number of at least ${min}, not '${text}'`);
  }
  return value;
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be a URL such as http://127.0.0.1:3001, not '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be http:// or https://, not '${text}'`);
  }
  return url.toString().replace(/\/+$/, '');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value);
}

/** The object without its undefined fields, so results compare cleanly. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
