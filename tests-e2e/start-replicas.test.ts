import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `REPLICAS=<n> npm start` refuses a count it cannot run, at once, before building anything.
 * (REPLICAS=2 itself is run by tests-e2e/replicas.test.ts through the same processes.)
 */
const START = path.resolve(__dirname, '../scripts/start.sh');

describe.each(['0', '10', 'two', '1.5', '-1'])('when REPLICAS is %p', (replicas) => {
  it('then npm start stops with what to do, and starts nothing', () => {
    const run = spawnSync('bash', [START], {
      env: { ...process.env, REPLICAS: replicas },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`REPLICAS must be a whole number from 1 to 9, not '${replicas}'`);
    expect(run.stderr).toContain('what to do: run: REPLICAS=2 npm start');
    expect(run.stdout).not.toContain('Building');
  });
});
