import { KeyedMutex } from '../../src/concurrency/keyed-mutex';
import { Mutex } from '../../src/concurrency/mutex';

// A Mutex and one key of a KeyedMutex promise the same (one task at a time, in arrival order; a
// failure reaches its own caller alone): one suite holds both to it. The keys have their own.

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

/** Runs work under one lock. */
type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

const locks: Array<{ name: string; create: () => Exclusive }> = [
  {
    name: 'Mutex',
    create: () => {
      const mutex = new Mutex();
      return (work) => mutex.run(work);
    },
  },
  {
    name: 'KeyedMutex, one key',
    create: () => {
      const mutex = new KeyedMutex();
      return (work) => mutex.run('order-1', work);
    },
  },
];

describe.each(locks)('$name', ({ create }) => {
  it('when tasks arrive together, then they run one at a time in arrival order', async () => {
    const run = create();
    const log: string[] = [];
    const gates = [gate<string>(), gate<string>(), gate<string>()];
    const results = gates.map((g, index) => run(recordingTask(log, `${index + 1}`, g)));

    await settle();
    expect(log).toEqual(['start 1']);

    // Finishing the later ones first must not let them overtake the one in progress.
    gates[2].open('third');
    gates[1].open('second');
    await settle();
    expect(log).toEqual(['start 1']);

    gates[0].open('first');
    await expect(Promise.all(results)).resolves.toEqual(['first', 'second', 'third']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('when a task fails, then only its caller gets the error and the next task still runs', async () => {
    const run = create();
    const log: string[] = [];
    const failing = gate();
    const next = gate<string>();
    const first = run(recordingTask(log, 'failing', failing));
    const second = run(recordingTask(log, 'next', next));

    failing.fail(new Error('write conflict'));
    await expect(first).rejects.toThrow('write conflict');
    next.open('ok');
    await expect(second).resolves.toBe('ok');
    expect(log).toEqual(['start failing', 'end failing', 'start next', 'end next']);
  });

  it('when a task throws before its first await, then its caller gets the error and the lock is free', async () => {
    const run = create();
    const first = run(() => {
      throw new Error('at once');
    });
    const queued = run(async () => 'queued');

    await expect(first).rejects.toThrow('at once');
    await expect(queued).resolves.toBe('queued');
    await expect(run(async () => 'later')).resolves.toBe('later');
  });

  it('when a task is queued after the others finished, then it starts without waiting', async () => {
    const run = create();
    await run(async () => undefined);
    const log: string[] = [];
    const later = gate();
    const running = run(recordingTask(log, 'later', later));

    await settle();
    expect(log).toEqual(['start later']);
    later.open();
    await running;
  });
});

describe('KeyedMutex keys', () => {
  it('when tasks for different keys arrive, then they run at the same time', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const a = gate();
    const b = gate();
    const runA = mutex.run('order-a', recordingTask(log, 'a', a));
    const runB = mutex.run('order-b', recordingTask(log, 'b', b));

    await settle();
    expect(log).toEqual(['start a', 'start b']);
    expect(mutex.activeKeys).toBe(2);

    b.open();
    await runB;
    expect(log).toEqual(['start a', 'start b', 'end b']);
    a.open();
    await runA;
  });

  it('when no work is in progress, then activeKeys is 0', () => {
    expect(new KeyedMutex().activeKeys).toBe(0);
  });

  it('when several tasks share a key, then the key counts once while they run', async () => {
    const mutex = new KeyedMutex();
    const gates = [gate(), gate()];
    const runs = gates.map((g) => mutex.run('order-1', () => g.promise));
    expect(mutex.activeKeys).toBe(1);

    gates[0].open();
    await runs[0];
    expect(mutex.activeKeys).toBe(1);
    gates[1].open();
    await runs[1];
    expect(mutex.activeKeys).toBe(0);
  });

  it('when all work has settled, successes and failures alike, then the map is empty again', async () => {
    const mutex = new KeyedMutex();
    const runs = [
      mutex.run('a', async () => 1),
      mutex.run('a', async () => {
        throw new Error('failed');
      }),
      mutex.run('b', async () => 2),
      mutex.run('a', async () => 3),
    ];
    expect(mutex.activeKeys).toBe(2);

    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(mutex.activeKeys).toBe(0);
  });

  it('when a key is used again after it was released, then it counts again while its task runs', async () => {
    const mutex = new KeyedMutex();
    await mutex.run('order-1', async () => undefined);
    expect(mutex.activeKeys).toBe(0);

    const later = gate();
    const run = mutex.run('order-1', () => later.promise);
    expect(mutex.activeKeys).toBe(1);
    later.open();
    await run;
    expect(mutex.activeKeys).toBe(0);
  });
});
