/**
 * Runs work one at a time, in arrival order, within this process: for an object whose state
 * several async paths change (the consumer's start, pause and resume; the walks of a DLQ). A
 * failure does not stop the work queued behind it; it reaches only its own caller.
 */
export class Mutex {
  /** Settles when the last work queued settles; never rejects, so the chain goes on. */
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const current = this.tail.then(work);
    this.tail = current.then(
      () => undefined,
      () => undefined,
    );
    return current;
  }
}
