import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';

/** The repository's root, where the scripts under test live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `scripts/ensure-infra.sh` with the given arguments and environment on top of this
 * process's own (where `npm test` put the broker's and database's addresses).
 */
export function ensureInfra(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/ensure-infra.sh', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The last line a failed run printed: the one that says what to do. */
export function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1];
}

export function rabbitmqctl(...args: string[]): string {
  return execFileSync('rabbitmqctl', ['-q', ...args], {
    stdio: 'pipe',
    timeout: 60_000,
  }).toString();
}

export interface BrokerUser {
  user: string;
  tags: string[];
}

/** The broker's users, read from rabbitmqctl's JSON output. */
export function brokerUsers(): BrokerUser[] {
  return JSON.parse(rabbitmqctl('list_users', '--formatter', 'json')) as BrokerUser[];
}

export function permissionsOnRoot(user: string) {
  const permissions = JSON.parse(
    rabbitmqctl('list_user_permissions', user, '--formatter', 'json'),
  ) as Array<{ vhost: string; configure: string; write: string; read: string }>;
  return permissions.find((entry) => entry.vhost === '/');
}

/** The status the management API answers to `user`'s login on /api/whoami. */
export async function managementLoginStatus(user: string, password: string): Promise<number> {
  const port = process.env.RABBITMQ_MANAGEMENT_PORT ?? '15672';
  const response = await fetch(`http://127.0.0.1:${port}/api/whoami`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  return response.status;
}

/**
 * A program that is not the expected server on a port: it accepts connections and answers every
 * one with a line of text, as a stray web or chat server would.
 */
export async function startForeignServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    // A client that gives up (a probe's timeout) resets the connection: nothing to report.
    socket.on('error', () => undefined);
    socket.end('HELLO this is not the server you want\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}

/** A local port nothing listens on (free a moment ago). */
export async function freePort(): Promise<number> {
  const { port, server } = await startForeignServer();
  server.close();
  await once(server, 'close');
  return port;
}
