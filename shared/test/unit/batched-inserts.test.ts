import type { InsertOutcome } from '../../src/aggregates/batched-inserts';
import { batchedInserts } from '../../src/aggregates/batched-inserts';
import { Gate } from '../../src/testing/gate';

/** A fake insert command: records each command's documents, answers once its gate is open. */
function fakeDatabase(outcomeOf: (document: string) => InsertOutcome = () => 'inserted') {
  const gate = new Gate();
  const commands: string[][] = [];
  const insertMany = async (documents: string[]) => {
    commands.push(documents);
    await gate.passage();
    return documents.map(outcomeOf);
  };
  return { gate, commands, insertMany };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedInserts', () => {
  it('sends an insert at once, alone, when no command is out', async () => {
    const database = fakeDatabase();
    const insert = batchedInserts(database.insertMany, { maxInFlight: 1, maxBatch: 10 });
    await expect(insert('a')).resolves.toBe(true);
    await expect(insert('b')).resolves.toBe(true);
    expect(database.commands).toEqual([['a'], ['b']]);
  });

  it('sends what waited while the commands were out as one command', async () => {
    const database = fakeDatabase();
    database.gate.close();
    const insert = batchedInserts(database.insertMany, { maxInFlight: 2, maxBatch: 10 });
    const inserts = ['a', 'b', 'c', 'd', 'e'].map((document) => insert(document));
    await settle();
    expect(database.commands).toEqual([['a'], ['b']]);
    database.gate.open();
    await expect(Promise.all(inserts)).resolves.toEqual([true, true, true, true, true]);
    expect(database.commands).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('puts no more than maxBatch documents in one command', async () => {
    const database = fakeDatabase();
    database.gate.close();
    const insert = batchedInserts(database.insertMany, { maxInFlight: 1, maxBatch: 2 });
    const inserts = ['a', 'b', 'c', 'd', 'e', 'f'].map((document) => insert(document));
    await settle();
    database.gate.open();
    await Promise.all(inserts);
    expect(database.commands).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
  });

  it("gives each caller its own outcome: inserted, a duplicate id, or its document's error", async () => {
    const refused = new Error('document too large');
    const database = fakeDatabase((document) =>
      document === 'taken' ? 'duplicate' : document === 'huge' ? { failed: refused } : 'inserted',
    );
    database.gate.close();
    const insert = batchedInserts(database.insertMany, { maxInFlight: 1, maxBatch: 10 });
    const first = insert('first');
    const [fresh, taken, huge] = [insert('fresh'), insert('taken'), insert('huge')];
    await settle();
    database.gate.open();
    await expect(first).resolves.toBe(true);
    await expect(fresh).resolves.toBe(true);
    await expect(taken).resolves.toBe(false);
    await expect(huge).rejects.toBe(refused);
    expect(database.commands).toEqual([['first'], ['fresh', 'taken', 'huge']]);
  });

  it('fails every insert of a command that failed as a whole, and goes on with the next', async () => {
    const lost = new Error('connection reset');
    let calls = 0;
    const gate = new Gate();
    gate.close();
    const insert = batchedInserts(
      async (documents: string[]) => {
        calls += 1;
        await gate.passage();
        if (calls === 2) throw lost;
        return documents.map((): InsertOutcome => 'inserted');
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = insert('a');
    const batch = [insert('b'), insert('c')];
    await settle();
    gate.open();
    await expect(first).resolves.toBe(true);
    await expect(
      Promise.all(batch.map((p) => p.catch((error: unknown) => error))),
    ).resolves.toEqual([lost, lost]);
    await expect(insert('d')).resolves.toBe(true);
  });
});
