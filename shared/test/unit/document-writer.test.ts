import { draftEvent } from '../../src';
import type { WrittenEntries } from '../../src/aggregates/document-writer';
import { DocumentWriter } from '../../src/aggregates/document-writer';
import type { OutboxEntry } from '../../src/aggregates/outbox-entry';
import type {
  ConditionalReplace,
  StoredDocument,
  StoredDocuments,
} from '../../src/aggregates/stored-documents';
import { codecFor } from '../../src/aggregates/stored-documents';
import { eventually, Gate } from '../../src/testing';

interface Counter {
  count: number;
}

/** The database as the writer sees it, in memory; a test can make it refuse, or hold, a write. */
class MemoryDocuments implements StoredDocuments {
  readonly documents = new Map<string, StoredDocument>();
  readonly commands: string[] = [];
  refuseWrites?: Error;
  /** Closed, it holds a write (a publish) until opened. */
  readonly gate = new Gate();

  async find(id: string) {
    this.commands.push('find');
    return structuredClone(this.documents.get(id) ?? null);
  }

  async insert(document: StoredDocument) {
    this.commands.push('insert');
    if (this.refuseWrites) throw this.refuseWrites;
    if (this.documents.has(document._id)) return false;
    this.documents.set(document._id, structuredClone(document));
    return true;
  }

  async replaceIf({ id, version, document }: ConditionalReplace) {
    this.commands.push('replace');
    await this.gate.passage();
    if (this.refuseWrites) throw this.refuseWrites;
    if ((this.documents.get(id)?.version ?? -1) !== version) return false;
    this.documents.set(id, structuredClone(document));
    return true;
  }

  async *flagged() {
    yield* [...this.documents.values()].filter((document) => document.outboxPending);
  }

  /** Another instance's write: the stored document moves on behind this process's back. */
  changeBehindTheBack(id: string, count: number): void {
    const document = this.documents.get(id);
    if (!document) throw new Error(`no ${id}`);
    this.documents.set(id, { ...document, count, version: (document.version ?? 0) + 1 });
  }
}

/** What the publisher would be told, recorded. */
class RecordedEntries implements WrittenEntries {
  readonly added: string[] = [];
  readonly failed: string[] = [];
  readonly confirmed = new Set<string>();
  isConfirmed(_id: string, eventId: string) {
    return this.confirmed.has(eventId);
  }
  stored(_id: string, _outbox: OutboxEntry[], added: OutboxEntry[]) {
    this.added.push(...added.map((entry) => entry.eventId));
  }
  writeFailed(_id: string, entries: OutboxEntry[]) {
    this.failed.push(...entries.map((entry) => entry.eventId));
  }
  holds() {
    return false;
  }
}

const counted = () =>
  draftEvent({
    eventType: 'inventory.status.updated',
    source: 'writer-test',
    aggregateId: 'c',
    correlationId: 'c-1',
    data: { orderId: 'o-1', status: 'SUCCESS' },
  });

function writerWith(documents = new MemoryDocuments(), entries = new RecordedEntries()) {
  const writer = new DocumentWriter<Counter>({
    name: 'counters',
    documents,
    codec: codecFor<Counter>(undefined),
    entries,
    cacheSize: 100,
    maxTries: 3,
  });
  return { writer, documents, entries };
}

/** Adds one, with an event; counts its runs in `decisions`. */
function increment(decisions: number[] = []) {
  return (state: Counter) => {
    decisions.push(state.count);
    return { next: { count: state.count + 1 }, events: [counted()], result: state.count + 1 };
  };
}

describe('DocumentWriter', () => {
  it('reads again and decides again when another instance wrote the document since this one cached it', async () => {
    const { writer, documents } = writerWith();
    await writer.create('c', { count: 0 }, []);
    documents.changeBehindTheBack('c', 10);
    documents.commands.length = 0;

    const decisions: number[] = [];
    const updated = await writer.update('c', increment(decisions));

    expect(decisions).toEqual([0, 10]); // on the cached state, then on the one read again
    expect(updated?.result).toBe(11);
    expect(documents.commands).toEqual(['replace', 'find', 'replace']);
    expect(documents.documents.get('c')).toMatchObject({ count: 11, version: 3 });
  });

  it('hands a write the database refused to its caller, marks its events as perhaps stored, and reads the document again next time', async () => {
    const { writer, documents, entries } = writerWith();
    await writer.create('c', { count: 0 }, []);
    const refusal = new Error('connection closed');
    documents.refuseWrites = refusal;

    await expect(writer.update('c', increment())).rejects.toBe(refusal);
    expect(entries.failed).toHaveLength(1);
    expect(entries.added).toEqual([]);

    documents.refuseWrites = undefined;
    documents.commands.length = 0;
    await writer.update('c', increment());
    expect(documents.commands).toEqual(['find', 'replace']);
  });

  it('gives up after its rounds when the document keeps changing, and says so to the caller', async () => {
    const { writer, documents } = writerWith();
    await writer.create('c', { count: 0 }, []);
    const restless = (state: Counter) => {
      documents.changeBehindTheBack('c', state.count + 100);
      return { next: { count: state.count + 1 } };
    };
    await expect(writer.update('c', restless)).rejects.toThrow('kept changing');
  });

  it('writes the updates that arrive during a write as one write, decided in arrival order', async () => {
    const { writer, documents, entries } = writerWith();
    await writer.create('c', { count: 0 }, []);
    documents.commands.length = 0;
    documents.gate.close();
    const decisions: number[] = [];
    const first = writer.update('c', increment(decisions));
    await eventually(() => expect(documents.commands).toEqual(['replace']));
    const arrivedMeanwhile = [2, 3].map(() => writer.update('c', increment(decisions)));
    documents.gate.open();
    const results = await Promise.all([first, ...arrivedMeanwhile]);

    expect(results.map((updated) => updated?.result)).toEqual([1, 2, 3]);
    expect(decisions).toEqual([0, 1, 2]);
    expect(documents.commands).toEqual(['replace', 'replace']);
    expect(entries.added).toHaveLength(3);
    const stored = documents.documents.get('c');
    expect(stored?.outbox?.map((entry) => JSON.parse(entry.payload).sequence)).toEqual([1, 2, 3]);
  });

  it('fails only the caller whose decision threw; the others of its batch are written', async () => {
    const { writer, documents } = writerWith();
    await writer.create('c', { count: 0 }, []);
    documents.gate.close();
    const first = writer.update('c', increment());
    const throwing = writer.update('c', () => {
      throw new Error('not allowed');
    });
    const last = writer.update('c', increment());
    documents.gate.open();

    await expect(throwing).rejects.toThrow('not allowed');
    expect((await first)?.result).toBe(1);
    expect((await last)?.result).toBe(2);
  });

  it('drops confirmed entries from the outbox in the next write, and keeps the others', async () => {
    const { writer, documents, entries } = writerWith();
    await writer.create('c', { count: 0 }, [counted(), counted()]);
    const [confirmed, pending] = entries.added;
    entries.confirmed.add(confirmed);

    await writer.update('c', increment());

    const outbox = documents.documents.get('c')?.outbox?.map((entry) => entry.eventId);
    expect(outbox).toEqual([pending, entries.added[2]]);
  });

  it('cleans up confirmed entries on its own: each document learns whether its clean-up was written', async () => {
    const { writer, documents, entries } = writerWith();
    for (const id of ['a', 'b', 'c']) await writer.create(id, { count: 0 }, [counted()]);
    entries.added.forEach((eventId) => entries.confirmed.add(eventId));
    documents.changeBehindTheBack('b', 10);
    await eventually(() => expect(['a', 'b', 'c'].some((id) => writer.isWriting(id))).toBe(false));

    expect(await writer.dropConfirmed(['a', 'b', 'c'])).toBe(2);
    expect(documents.documents.get('a')).toMatchObject({ outbox: [], version: 2 });
    expect(documents.documents.get('c')).toMatchObject({ outbox: [], version: 2 });
    expect(documents.documents.get('b')).toMatchObject({ count: 10, version: 2 });

    // Its cached state is no longer trusted: the next write reads 'b' first; 'a' it knows.
    documents.commands.length = 0;
    await writer.update('b', increment());
    await writer.update('a', increment());
    expect(documents.commands).toEqual(['find', 'replace', 'replace']);
    expect(documents.documents.get('b')).toMatchObject({ count: 11 });
  });

  it('hands a clean-up the database refused to its caller, and reads those documents again next time', async () => {
    const { writer, documents, entries } = writerWith();
    await writer.create('a', { count: 0 }, [counted()]);
    entries.confirmed.add(entries.added[0]);
    const refusal = new Error('connection closed');
    documents.refuseWrites = refusal;
    await eventually(() => expect(writer.isWriting('a')).toBe(false));

    await expect(writer.dropConfirmed(['a'])).rejects.toBe(refusal);

    documents.refuseWrites = undefined;
    documents.commands.length = 0;
    expect((await writer.update('a', increment()))?.result).toBe(1);
    expect(documents.commands).toEqual(['find', 'replace']);
  });

  it('refuses a second create of one id, and answers null for an id that does not exist', async () => {
    const { writer } = writerWith();
    expect(await writer.create('c', { count: 0 }, [])).toBe(true);
    expect(await writer.create('c', { count: 5 }, [])).toBe(false);
    expect(await writer.update('missing', increment())).toBeNull();
  });
});
