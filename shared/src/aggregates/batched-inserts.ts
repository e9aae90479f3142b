/** What became of one document of an unordered multi-document insert. */
export type InsertOutcome = 'inserted' | 'duplicate' | { failed: unknown };

/** Sends one insert command for every document given; resolves with each one's outcome. */
export type InsertMany<D> = (documents: D[]) => Promise<InsertOutcome[]>;

export interface BatchedInsertsOptions {
  /** Insert commands out at once; more inserts wait and go out together in the next one. */
  maxInFlight: number;
  /** The most documents in one command. */
  maxBatch: number;
}

interface Waiting<D> {
  document: D;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Inserts of different documents, sent as few commands as the load needs: while `maxInFlight`
 * commands are out, new inserts wait, and the next command takes all that wait (up to
 * `maxBatch`) as one unordered insert. Under little load each insert goes out alone, at once;
 * under a burst a command carries many, and the database commits them together (one commit,
 * one flush to disk, where one each cost a flush each). Each caller learns its own outcome:
 * true, false for a duplicate id, or its own error. A command that fails as a whole fails each
 * of its inserts, which may or may not have happened, as a lone insert's failure may.
 */
export function batchedInserts<D>(
  insertMany: InsertMany<D>,
  { maxInFlight, maxBatch }: BatchedInsertsOptions,
): (document: D) => Promise<boolean> {
  const waiting: Waiting<D>[] = [];
  let inFlight = 0;

  const sendNext = (): void => {
    if (inFlight >= maxInFlight || waiting.length === 0) return;
    const batch = waiting.splice(0, maxBatch);
    inFlight += 1;
    void insertMany(batch.map(({ document }) => document))
      .then(
        (outcomes) =>
          batch.forEach(({ resolve, reject }, index) => {
            const outcome = outcomes[index];
            if (outcome === 'inserted' || outcome === 'duplicate') resolve(outcome === 'inserted');
            else reject(outcome?.failed ?? new Error('The insert command gave no outcome for it'));
          }),
        (error: unknown) => batch.forEach(({ reject }) => reject(error)),
      )
      .finally(() => {
        inFlight -= 1;
        sendNext();
      });
    sendNext();
  };

  return (document) =>
    new Promise((resolve, reject) => {
      waiting.push({ document, resolve, reject });
      sendNext();
    });
}
