import type { WriteOutcome } from '../../src/aggregates/batched-writes';
import { batchedWrites } from '../../src/aggregates/batched-writes';
import { Gate } from '../../src/testing/gate';

/** A fake write command: records each command's documents, answers once its gate is open. */
function fakeDatabase(outcomeOf: (document: string) => WriteOutcome = () => true) {
  const gate = new Gate();
  const commands: string[][] = [];
  const writeMany = async (documents: string[]) => {
    commands.push(documents);
    await gate.passage();
    return documents.map(outcomeOf);
  };
  return { gate, commands, writeMany };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedWrites', () => {
  it('sends a write at once, alone, when no command is out', async () => {
    const database = fakeDatabase();
    const write = batchedWrites(database.writeMany, { maxInFlight: 1, maxBatch: 10 });
    await expect(write('a')).resolves.toBe(true);
    await expect(write('b')).resolves.toBe(true);
    expect(database.commands).toEqual([['a'], ['b']]);
  });

  it('sends what waited while the commands were out as one command', async () => {
    const database = fakeDatabase();
    database.gate.close();
    const write = batchedWrites(database.writeMany, { maxInFlight: 2, maxBatch: 10 });
    const writes = ['a', 'b', 'c', 'd', 'e'].map((document) => write(document));
    await settle();
    expect(database.commands).toEqual([['a'], ['b']]);
    database.gate.open();
    await expect(Promise.all(writes)).resolves.toEqual([true, true, true, true, true]);
    expect(database.commands).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('puts no more than maxBatch documents in one command', async () => {
    const database = fakeDatabase();
    database.gate.close();
    const write = batchedWrites(database.writeMany, { maxInFlight: 1, maxBatch: 2 });
    const writes = ['a', 'b', 'c', 'd', 'e', 'f'].map((document) => write(document));
    await settle();
    database.gate.open();
    await Promise.all(writes);
    expect(database.commands).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
  });

  it("gives each caller its own outcome: written, not written (a duplicate id), or its document's error", async () => {
    const refused = new Error('document too large');
    const database = fakeDatabase((document) =>
      document === 'taken' ? false : document === 'huge' ? { failed: refused } : true,
    );
    database.gate.close();
    const write = batchedWrites(database.writeMany, { maxInFlight: 1, maxBatch: 10 });
    const first = write('first');
    const [fresh, taken, huge] = [write('fresh'), write('taken'), write('huge')];
    await settle();
    database.gate.open();
    await expect(first).resolves.toBe(true);
    await expect(fresh).resolves.toBe(true);
    await expect(taken).resolves.toBe(false);
    await expect(huge).rejects.toBe(refused);
    expect(database.commands).toEqual([['first'], ['fresh', 'taken', 'huge']]);
  });

  it('fails every write of a command that failed as a whole, and goes on with the next', async () => {
    const lost = new Error('connection reset');
    let calls = 0;
    const gate = new Gate();
    gate.close();
    const write = batchedWrites(
      async (documents: string[]) => {
        calls += 1;
        await gate.passage();
        if (calls === 2) throw lost;
        return documents.map((): WriteOutcome => true);
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = write('a');
    const batch = [write('b'), write('c')];
    await settle();
    gate.open();
    await expect(first).resolves.toBe(true);
    await expect(
      Promise.all(batch.map((p) => p.catch((error: unknown) => error))),
    ).resolves.toEqual([lost, lost]);
    await expect(write('d')).resolves.toBe(true);
  });
});
