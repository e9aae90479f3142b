import type { Admission } from '../../src/http/admission-queue';
import { AdmissionQueue, BURST_QUIET_MS } from '../../src/http/admission-queue';

const limits = { maxInProgress: 2, maxQueued: 2, maxQueueWaitMs: 1000 };

/** The admission's release; fails the test when the request was refused. */
function releaseOf(admission: Admission): () => void {
  if (!admission.admitted) throw new Error(`Refused: ${admission.reason}`);
  return admission.release;
}

/** Whether the promise has settled, once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

/**
 * Two turns of the event loop: immediates due now run (the fake clock runs an immediate set by
 * another one on its next advance).
 */
function twoLoopTurns(): void {
  jest.advanceTimersByTime(1);
  jest.advanceTimersByTime(1);
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('AdmissionQueue', () => {
  it('when places are free, then requests are admitted at once, up to maxInProgress', async () => {
    const queue = new AdmissionQueue(limits);
    expect((await queue.admit()).admitted).toBe(true);
    expect((await queue.admit()).admitted).toBe(true);
    expect(queue.inProgress).toBe(2);
    expect(queue.queued).toBe(0);
  });

  it('when every place is taken, then requests wait and start in arrival order as places free up', async () => {
    const queue = new AdmissionQueue(limits);
    const first = releaseOf(await queue.admit());
    const second = releaseOf(await queue.admit());
    const third = queue.admit();
    const fourth = queue.admit();
    expect(queue.queued).toBe(2);
    expect(await settled(third)).toBe(false);

    first();
    expect(await third).toMatchObject({ admitted: true });
    expect(await settled(fourth)).toBe(false);
    expect(queue.inProgress).toBe(2);
    expect(queue.queued).toBe(1);

    second();
    expect(await fourth).toMatchObject({ admitted: true });
    expect(queue.queued).toBe(0);
  });

  it('when the queue is full, then one more is refused at once as queue-full, and nothing changes', async () => {
    const queue = new AdmissionQueue(limits);
    await queue.admit();
    await queue.admit();
    void queue.admit();
    void queue.admit();
    expect(await queue.admit()).toEqual({ admitted: false, reason: 'queue-full' });
    expect(queue.inProgress).toBe(2);
    expect(queue.queued).toBe(2);
  });

  it('when maxQueued is 0, then a request that finds no free place is refused at once', async () => {
    const queue = new AdmissionQueue({ ...limits, maxInProgress: 1, maxQueued: 0 });
    await queue.admit();
    expect(await queue.admit()).toEqual({ admitted: false, reason: 'queue-full' });
  });

  it('when a request has waited maxQueueWaitMs, then it is refused as waited-too-long and leaves the queue', async () => {
    const queue = new AdmissionQueue(limits);
    const release = releaseOf(await queue.admit());
    await queue.admit();
    const waiting = queue.admit();

    jest.advanceTimersByTime(999);
    expect(await settled(waiting)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await waiting).toEqual({ admitted: false, reason: 'waited-too-long' });
    expect(queue.queued).toBe(0);

    // The place it did not get goes to nobody: none was taken for it.
    release();
    expect(queue.inProgress).toBe(1);
  });

  it('when the client of a waiting request goes away, then it leaves the queue at once and frees its spot', async () => {
    const queue = new AdmissionQueue({ ...limits, maxQueued: 1 });
    const release = releaseOf(await queue.admit());
    await queue.admit();
    const client = new AbortController();
    const waiting = queue.admit(client.signal);
    expect(await queue.admit()).toEqual({ admitted: false, reason: 'queue-full' });

    client.abort();
    expect(await waiting).toEqual({ admitted: false, reason: 'client-gone' });
    expect(queue.queued).toBe(0);
    const next = queue.admit();
    expect(queue.queued).toBe(1);
    release();
    expect(await next).toMatchObject({ admitted: true });
    expect(queue.inProgress).toBe(2);
  });

  it('when the client is gone before it asks, then it takes no place', async () => {
    const queue = new AdmissionQueue(limits);
    const client = new AbortController();
    client.abort();
    expect(await queue.admit(client.signal)).toEqual({ admitted: false, reason: 'client-gone' });
    expect(queue.inProgress).toBe(0);
  });

  it('when a place is released twice, then it counts once', async () => {
    const queue = new AdmissionQueue(limits);
    const release = releaseOf(await queue.admit());
    await queue.admit();
    release();
    release();
    expect(queue.inProgress).toBe(1);
  });

  it('when a waiting request is admitted, then its timer no longer refuses it', async () => {
    const queue = new AdmissionQueue({ ...limits, maxInProgress: 1 });
    const release = releaseOf(await queue.admit());
    const waiting = queue.admit();
    release();
    const admission = await waiting;
    jest.advanceTimersByTime(5000);
    expect(admission.admitted).toBe(true);
    expect(queue.inProgress).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('AdmissionQueue as the foreground that background work waits for', () => {
  // Calm: nobody waiting for a place, and at most a quarter of the places taken (here 1 of 4).
  const burstLimits = { maxInProgress: 4, maxQueued: 4, maxQueueWaitMs: 1000 };

  it('when at most a quarter of the places are taken, then background work goes at once', async () => {
    const queue = new AdmissionQueue(burstLimits);
    expect(await settled(queue.whenCalm())).toBe(true);
    await queue.admit();
    expect(await settled(queue.whenCalm())).toBe(true);
  });

  it('when requests wait for places, then background work waits until they are in and the places free up', async () => {
    const queue = new AdmissionQueue(burstLimits);
    const releases = await Promise.all(
      [1, 2, 3, 4].map(async () => releaseOf(await queue.admit())),
    );
    const waiting = queue.admit();
    const background = queue.whenCalm();
    const later = queue.whenCalm();

    releases[0]();
    const admitted = releaseOf(await waiting);
    expect(await settled(background)).toBe(false); // four in progress
    releases[1]();
    releases[2]();
    expect(await settled(background)).toBe(false); // two in progress
    releases[3]();
    twoLoopTurns(); // that let in no new client
    expect(await settled(background)).toBe(true); // one: calm
    expect(await settled(later)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    admitted();
  });

  it('when clients still open connections as the queue calms down, then background work waits until none came for BURST_QUIET_MS', async () => {
    const queue = new AdmissionQueue(burstLimits);
    const releases = await Promise.all(
      [1, 2, 3, 4].map(async () => releaseOf(await queue.admit())),
    );
    const background = queue.whenCalm();
    queue.connectionOpened();
    releases.slice(0, 3).forEach((release) => release());
    expect(await settled(background)).toBe(false); // calm, but a crowd may still be connecting
    jest.advanceTimersByTime(BURST_QUIET_MS - 10);
    queue.connectionOpened(); // one more client of the crowd, let in
    const latecomer = releaseOf(await queue.admit());
    latecomer();
    jest.advanceTimersByTime(10);
    expect(await settled(background)).toBe(false);
    jest.advanceTimersByTime(BURST_QUIET_MS - 11);
    expect(await settled(background)).toBe(false);
    jest.advanceTimersByTime(1); // quiet for BURST_QUIET_MS
    expect(await settled(background)).toBe(false);
    twoLoopTurns(); // that let in no new client
    expect(await settled(background)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    releases[3]();
  });

  it('when a turn of the event loop still lets in a client, then the burst goes on until one lets in none', async () => {
    const queue = new AdmissionQueue(burstLimits);
    const releases = await Promise.all(
      [1, 2, 3, 4].map(async () => releaseOf(await queue.admit())),
    );
    const background = queue.whenCalm();
    releases.slice(0, 3).forEach((release) => release());
    // No connection for BURST_QUIET_MS (the loop's turns were long), but the backlog is not empty:
    // the next turn takes one more client from it.
    jest.advanceTimersToNextTimer(); // the turn begins
    queue.connectionOpened();
    jest.advanceTimersToNextTimer(); // and ends having let one in
    expect(await settled(background)).toBe(false);
    jest.advanceTimersByTime(BURST_QUIET_MS - 1);
    expect(await settled(background)).toBe(false);
    jest.advanceTimersByTime(1); // quiet again
    twoLoopTurns(); // that let in no new client
    expect(await settled(background)).toBe(true);
    releases[3]();
  });

  it('when no burst is on, then new connections do not hold background work back', async () => {
    const queue = new AdmissionQueue(burstLimits);
    queue.connectionOpened();
    await queue.admit();
    expect(await settled(queue.whenCalm())).toBe(true);
  });

  it('when the burst goes on, then background work goes anyway maxQueueWaitMs after it began to wait', async () => {
    const queue = new AdmissionQueue(burstLimits);
    await Promise.all([1, 2, 3, 4].map(() => queue.admit()));
    const background = queue.whenCalm();
    jest.advanceTimersByTime(burstLimits.maxQueueWaitMs - 1);
    expect(await settled(background)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(background)).toBe(true);
    // Still busy: the next background work waits again, from now.
    expect(await settled(queue.whenCalm())).toBe(false);
  });
});
