import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { EventProbe, eventually } from '@ecommerce/shared/testing';
import { call } from './support/http';
import { publishOrderServicePoison } from './support/poison';
import { ADMIN_TOKEN, System } from './support/system';

/**
 * `npm run dlq` as an operator runs it: a child process talking to the running order-service's
 * admin API, on dead letters the service really made.
 */
const ROOT = path.resolve(__dirname, '..');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `dlq <command> --service order-service --url <the test's order service> ...rest`. */
function onOrderService(
  [command, ...rest]: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return dlq([command, '--service', 'order-service', '--url', orderService, ...rest], env);
}

/** Runs the CLI to its end; its environment is the test's plus `env`. */
function dlq(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/ts-node'),
      ['--transpile-only', 'scripts/dlq.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ADMIN_TOKEN, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface DeadLetter {
  eventId: string;
  routingKey: string;
  attempts: number;
  failedAt: string;
  error: string;
}

let system: System;
let probe: EventProbe;
let orderService: string;

beforeAll(async () => {
  system = await System.start('e2e-dlq');
  orderService = system.url('order-service');
  probe = await EventProbe.connect(system.env.rabbitmqUrl, 'ecommerce.events');
});

afterAll(async () => {
  await probe?.close();
  await system?.stop();
});

/** The order-service's dead letters, read straight from its API. */
async function deadLetters(): Promise<DeadLetter[]> {
  const { status, body } = await call('GET', `${orderService}/api/admin/dlq?limit=100`, {
    admin: true,
  });
  expect(status).toBe(200);
  return body.items;
}

/** Publishes an inventory answer about an order that does not exist: a PermanentError. */
async function deadLetterInOrderService(): Promise<DeadLetter> {
  const eventId = await publishOrderServicePoison(probe, 'e2e-dlq');
  return eventually(async () => {
    const found = (await deadLetters()).find((item) => item.eventId === eventId);
    expect(found).toBeDefined();
    return found as DeadLetter;
  });
}

describe('when an operator works a service dead-letter queue from the command line', () => {
  let first: DeadLetter;
  let second: DeadLetter;

  beforeAll(async () => {
    first = await deadLetterInOrderService();
    second = await deadLetterInOrderService();
  });

  it('then list prints each dead letter as a table row and the total', async () => {
    const result = await onOrderService(['list']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^eventId\s+routingKey\s+attempts\s+failedAt\s+error$/);
    for (const letter of [first, second]) {
      const row = lines.find((line) => line.startsWith(letter.eventId));
      expect(row).toBeDefined();
      expect(row).toContain('inventory.status.updated');
      expect(row).toContain(letter.failedAt);
      expect(row).toMatch(/ does not exist$/);
    }
    expect(lines.at(-1)).toBe('2 dead letters in order-service (showing 1-2).');
  });

  it('then list finds the service by the PORT its own config reads, without --url', async () => {
    const { port } = system.services['order-service'];
    const result = await dlq(['list', '--service', 'order-service', '--limit', '1'], {
      PORT: String(port),
    });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('2 dead letters in order-service (showing 1-1).');
  });

  it('then replay --event sends that message through the handler again, and failing, it is back', async () => {
    const result = await onOrderService(['replay', '--event', first.eventId]);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('Replayed 1 of 1 dead letter from order-service.');
    // The order still does not exist: the handler dead-letters it again, with a new failedAt.
    const again = await eventually(async () => {
      const found = (await deadLetters()).find((item) => item.eventId === first.eventId);
      expect(found).toBeDefined();
      expect(Date.parse(found!.failedAt)).toBeGreaterThan(Date.parse(first.failedAt));
      return found!;
    });
    const listed = await onOrderService(['list']);
    const row = listed.stdout.split('\n').find((line) => line.startsWith(first.eventId));
    expect(row).toContain(again.failedAt);
    expect(row).not.toContain(first.failedAt);
  });

  it('then replay of an id not in the queue replays nothing and says so', async () => {
    const result = await onOrderService(['replay', '--event', 'no-such-event']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(
      'Replayed 0 of 1 dead letter from order-service; 1 not in its dead-letter queue.',
    );
  });

  it('then discard --event removes that message for good and leaves the others', async () => {
    const result = await onOrderService(['discard', '--event', second.eventId]);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('Discarded 1 of 1 dead letter from order-service.');
    const listed = await onOrderService(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(second.eventId);
    expect(listed.stdout).toContain(first.eventId);
    expect(listed.stdout).toContain('1 dead letter in order-service (showing 1-1).');
    expect((await deadLetters()).map((item) => item.eventId)).toEqual([first.eventId]);
  });
});

describe('when the command line or the service is wrong', () => {
  it('then a missing --service is a usage error', async () => {
    const result = await dlq(['list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Missing --service');
    expect(result.stdout).toBe('');
  });

  it('then an unknown command is a usage error naming it', async () => {
    const result = await dlq(['purge', '--service', 'order-service']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command 'purge'");
  });

  it('then an unknown service is a usage error naming the known ones', async () => {
    const result = await dlq(['list', '--service', 'payment-service']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown service 'payment-service'");
    expect(result.stderr).toContain('order-service, inventory-service, notification-service');
  });

  it('then discard without --event is refused, and nothing is discarded', async () => {
    const before = await deadLetters();
    const result = await onOrderService(['discard']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'discard' needs at least one --event");
    expect(await deadLetters()).toEqual(before);
  });

  it('then a token the service does not know is a 401 that names ADMIN_TOKEN', async () => {
    const result = await onOrderService(['list'], {
      ADMIN_TOKEN: 'not-the-service-token',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('ADMIN_TOKEN used here does not match');
    expect(result.stdout).toBe('');
  });

  it('then a service that is not there is an error naming the URL tried', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await dlq(['list', '--service', 'order-service', '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach order-service at ${url}`);
  });

  it('then an answer the service refuses shows its error message', async () => {
    // Discarding needs ids the API accepts: one over 200 characters is its 400.
    const result = await onOrderService(['discard', '--event', 'x'.repeat(201)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/order-service at .* answered 400: VALIDATION_ERROR: .+/);
  });
});

/** A port nothing listens on: one the system just gave back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
