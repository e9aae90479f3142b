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

describe('when every kind of fault strikes once under load (a short npm run chaos)', () => {
  it('then every invariant holds', async () => {
    const args = ['--duration', '60', '--rate', '15', '--clients', '4', '--repeat', '1'];
    const { code, output } = await runChaos(args);
    // Every kind of fault appears in the run's table, and the run says that everything held.
    for (const kind of FAULT_KINDS) expect(output).toContain(kind);
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
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output: output.join('') }));
  });
}
