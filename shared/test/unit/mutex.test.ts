import { Mutex } from '../../src/concurrency/mutex';

interface Gate<T> {
  promise: Promise<T>;
  open: (value: T) => void;
  fail: (error: unknown) => void;
}

function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every pending promise callback run (setImmediate fires after the microtask queue). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task that records when it starts and finishes, and ends when its gate opens. */
function recordingTask<T>(log: string[], name: string, done: Gate<T>) {
  return async () => {
    log.push(`start ${name}`);
    try {
      return await done.promise;
    } finally {
      log.push(`end ${name}`);
    }
  };
}

describe('Mutex', () => {
  it('when tasks arrive together, then they run one at a time in arrival order', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const gates = [gate<string>(), gate<string>(), gate<string>()];
    const runs = gates.map((g, index) => mutex.run(recordingTask(log, `${index + 1}`, g)));

    await settle();
    expect(log).toEqual(['start 1']);
    gates[2]!.open('third');
    gates[1]!.open('second');
    await settle();
    expect(log).toEqual(['start 1']);
    gates[0]!.open('first');

    await expect(Promise.all(runs)).resolves.toEqual(['first', 'second', 'third']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('when a task fails, then only its caller sees it and the next one still runs', async () => {
    const mutex = new Mutex();
    const first = mutex.run(() => Promise.reject(new Error('consumer gone')));
    const second = mutex.run(async () => 'after');

    await expect(first).rejects.toThrow('consumer gone');
    await expect(second).resolves.toBe('after');
  });

  it('when a task throws before its first await, then the mutex is still free for the next', async () => {
    const mutex = new Mutex();
    const first = mutex.run(() => {
      throw new Error('at once');
    });
    await expect(first).rejects.toThrow('at once');
    await expect(mutex.run(async () => 'next')).resolves.toBe('next');
  });

  it('when a task is queued after the others finished, then it starts without waiting', async () => {
    const mutex = new Mutex();
    await mutex.run(async () => undefined);
    const log: string[] = [];
    const later = gate();
    const run = mutex.run(recordingTask(log, 'later', later));
    await settle();
    expect(log).toEqual(['start later']);
    later.open();
    await run;
  });
});
