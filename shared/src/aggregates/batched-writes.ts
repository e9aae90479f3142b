/**
 * What became of one write of a multi-document command: true, written; false, not written for a
 * reason its caller expects (an insert's id was taken, a compare-and-set's version had moved
 * on); or its own error.
 */
export type WriteOutcome = boolean | { failed: unknown };

/** Sends one command for every item given; resolves with each one's outcome, in their order. */
export type WriteMany<D> = (items: D[]) => Promise<WriteOutcome[]>;

export interface BatchedWritesOptions {
  /** Commands out at once; more writes wait and go out together in the next one. */
  maxInFlight: number;
  /** The most writes in one command. */
  maxBatch: number;
}

interface Waiting<D> {
  item: D;
  resolve: (written: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes of different documents, sent as few commands as the load needs: while `maxInFlight`
 * commands are out, new writes wait, and the next command takes all that wait (up to
 * `maxBatch`) as one. Under little load each write goes out alone, at once; under load a command
 * carries many, and the database commits them together (one commit, one flush to disk, where one
 * each cost a flush each). Each caller learns its own outcome: true, false, or its own error. A
 * command that fails as a whole fails each of its writes, which may or may not have happened, as
 * a lone write's failure may.
 */
export function batchedWrites<D>(
  writeMany: WriteMany<D>,
  { maxInFlight, maxBatch }: BatchedWritesOptions,
): (item: D) => Promise<boolean> {
  const waiting: Waiting<D>[] = [];
  let inFlight = 0;

  const sendNext = (): void => {
    if (inFlight >= maxInFlight || waiting.length === 0) return;
    const batch = waiting.splice(0, maxBatch);
    inFlight += 1;
    void writeMany(batch.map(({ item }) => item))
      .then(
        (outcomes) =>
          batch.forEach(({ resolve, reject }, index) => {
            const outcome = outcomes[index];
            if (typeof outcome === 'boolean') resolve(outcome);
            else reject(outcome?.failed ?? new Error('The command gave no outcome for this write'));
          }),
        (error: unknown) => batch.forEach(({ reject }) => reject(error)),
      )
      .finally(() => {
        inFlight -= 1;
        sendNext();
      });
    sendNext();
  };

  return (item) =>
    new Promise((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      sendNext();
    });
}
