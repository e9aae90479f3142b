import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FAULT_KINDS } from '../../scripts/chaos/schedule';

/**
 * A short `npm run chaos`: every kind of fault once, under a light load, and the invariants it
 * checks (never a speed). It crashes this machine's PostgreSQL and RabbitMQ, so it runs alone,
 * after every other test (`npm test` runs the `serial` project last, in band).
 */
const ROOT = path.resolve(__dirname, '../..');

jest.setTimeout(15 * 60_000);

let chaos: ChildProcess | undefined;

afterAll(async () => {
  // Cut short (the test's own timeout): the run heals what it broke and stops what it started.
  if (chaos && chaos.exitCode === null && chaos.signalCode === null) {
    const exited = new Promise((resolve) => chaos?.once('exit', resolve));
    chaos.kill('SIGINT');
    await exited;
  }
});

describe('when every kind of fault strikes once under load (a short npm run chaos)', () => {
  it('then every invariant holds', async () => {
    const args = ['--duration', '60', '--rate', '15', '--clients', '4', '--repeat', '1'];
    const { code, output } = await runChaos(args);
    // The faults as they struck: one numbered row each (" 3   25.0s  kill-ferretdb, …").
    const struck = [...output.matchAll(/^ *\d+ +[\d.]+s +([a-z-]+)/gm)].map((row) => row[1]);
    expect(struck.sort()).toEqual([...FAULT_KINDS].sort());
    expect(output).toContain('Every invariant held.');
    expect({ code, tail: code === 0 ? '' : output.slice(-6000) }).toEqual({ code: 0, tail: '' });
  });
});

function runChaos(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/ts-node'),
      ['--transpile-only', 'scripts/chaos.ts', ...args],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    chaos = child;
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output: output.join('') }));
  });
}
