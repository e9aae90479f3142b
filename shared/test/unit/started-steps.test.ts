import { StartedSteps } from '../../src/lifecycle/started-steps';
import { createLogger } from '../../src';

const logger = createLogger({ service: 'started-steps-test', level: 'silent' });

/** Steps that note their stops in `stopped`; `start(name)` runs a step that stops cleanly. */
function recordingSteps() {
  const steps = new StartedSteps(logger, 1_000);
  const stopped: string[] = [];
  const start = (name: string) =>
    steps.run(
      name,
      () => name,
      () => void stopped.push(name),
    );
  return { steps, stopped, start };
}

describe('StartedSteps', () => {
  it('stops the steps in the reverse order of their start, each with what it started', async () => {
    const { steps, stopped } = recordingSteps();
    await steps.run(
      'database',
      () => 'db',
      (db) => void stopped.push(`database ${db}`),
    );
    await steps.run(
      'bus',
      async () => 'bus',
      (bus) => void stopped.push(`bus ${bus}`),
    );
    await steps.run(
      'http',
      () => 3001,
      (port) => void stopped.push(`http ${port}`),
    );
    await steps.stopAll();
    expect(stopped).toEqual(['http 3001', 'bus bus', 'database db']);
  });

  it('stops what had started when a step fails to start, and rethrows', async () => {
    const { steps, stopped, start } = recordingSteps();
    await start('database');
    await start('bus');
    const failure = new Error('port in use');
    await expect(
      steps.run(
        'http',
        () => Promise.reject(failure),
        () => void stopped.push('http'),
      ),
    ).rejects.toBe(failure);
    expect(stopped).toEqual(['bus', 'database']);
  });

  it('stops every step even when one fails to stop, then throws the first failure', async () => {
    const { steps, stopped, start } = recordingSteps();
    await start('database');
    await steps.run(
      'bus',
      () => 'bus',
      () => Promise.reject(new Error('bus close failed')),
    );
    await start('http');
    await expect(steps.stopAll()).rejects.toThrow('bus close failed');
    expect(stopped).toEqual(['http', 'database']);
  });

  it('stops each step once', async () => {
    const { steps, stopped, start } = recordingSteps();
    await start('database');
    await steps.stopAll();
    await steps.stopAll();
    expect(stopped).toEqual(['database']);
  });

  // Without the budget this test hangs until jest's timeout fails it.
  it('rethrows a failed start within its budget even when a stop hangs', async () => {
    const steps = new StartedSteps(logger, 50);
    await steps.run(
      'bus',
      () => 'bus',
      () => new Promise<void>(() => undefined),
    );
    const failure = new Error('port in use');
    await expect(steps.run('http', () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
