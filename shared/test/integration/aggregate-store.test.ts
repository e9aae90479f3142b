import type { Connection, Model } from 'mongoose';
import type { AnyEvent, EventDraft } from '../../src';
import { ConflictError, connectDatabase, createLogger, draftEvent } from '../../src';
import { aggregateSchema } from '../../src/aggregates/aggregate-schema';
import { AggregateStores } from '../../src/aggregates/aggregate-stores';
import { mongoDocuments } from '../../src/aggregates/stored-documents';
import type { TestEnvironment } from '../../src/testing';
import { createTestEnvironment, eventually } from '../../src/testing';

const logger = createLogger({
  service: 'store-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

interface Counter {
  count: number;
  log: string[];
}

/** A publisher that records what it is given and can be told to fail, as a broker that is down. */
class RecordingPublisher {
  readonly published: AnyEvent[] = [];
  down = false;
  async publish(event: AnyEvent): Promise<void> {
    if (this.down) throw new Error('broker down');
    this.published.push(event);
  }
}

let env: TestEnvironment;
let db: Connection;
let model: Model<Counter>;
const commands: string[] = [];
const storesToStop: AggregateStores[] = [];

beforeAll(async () => {
  env = await createTestEnvironment('store');
  db = await connectDatabase(env.mongodbUri('store'), logger, {
    onCommand: (name) => commands.push(name),
  });
  model = db.model<Counter>(
    'Counter',
    aggregateSchema<Counter>({ count: Number, log: [String] }, { collection: 'counters' }),
  );
  await db.syncIndexes();
});

afterEach(async () => {
  for (const stores of storesToStop.splice(0)) await stores.stop();
});

afterAll(async () => {
  await db?.close();
  await env?.dispose();
});

async function newStore(publisher = new RecordingPublisher(), pollIntervalMs = 60_000) {
  const stores = new AggregateStores({ publisher, logger, pollIntervalMs });
  const store = stores.define<Counter>(model.collection, { cleanupDelayMs: 100 });
  stores.start();
  storesToStop.push(stores);
  await stores.scan(); // the first scan, at start, is over before a test counts commands
  return { store, stores, publisher };
}

/** The stored document, store fields included. */
async function storedDocument(id: string) {
  return (await model.collection.findOne({ _id: id } as never)) as unknown as {
    outbox: Array<{ eventId: string }>;
    outboxPending: boolean;
  } | null;
}

let ids = 0;
const newId = () => `counter-${++ids}`;

const counted = (id: string): EventDraft =>
  draftEvent({
    eventType: 'inventory.status.updated',
    source: 'store-test',
    aggregateId: id,
    correlationId: 'c-1',
    data: { orderId: id, status: 'SUCCESS' },
  });

/** Adds one to the count and logs `label`, with an event. */
const increment = (id: string, label: string) => (state: Counter) => ({
  next: { count: state.count + 1, log: [...state.log, label] },
  events: [counted(id)],
  result: state.count + 1,
});

async function commandsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const start = commands.length;
  await work();
  return commands.slice(start);
}

describe('when an aggregate is created and then changed', () => {
  it('then it costs one insert and one write, and its events are numbered and published', async () => {
    const { store, publisher } = await newStore();
    const id = newId();
    const sent = await commandsDuring(async () => {
      expect(await store.create(id, { count: 0, log: [] }, [counted(id)])).toBe(true);
      const updated = await store.update(id, increment(id, 'a'));
      expect(updated).toEqual({ state: { count: 1, log: ['a'] }, changed: true, result: 1 });
    });
    expect(sent).toEqual(['insert', 'update']);
    await eventually(() =>
      expect(publisher.published.map((event) => event.sequence)).toEqual([1, 2]),
    );
    expect(await store.read(id)).toEqual({ count: 1, log: ['a'] });
  });

  it('then a second create with that id is refused', async () => {
    const { store } = await newStore();
    const id = newId();
    expect(await store.create(id, { count: 0, log: [] })).toBe(true);
    expect(await store.create(id, { count: 5, log: [] })).toBe(false);
    expect(await store.read(id)).toEqual({ count: 0, log: [] });
  });

  it('then a decision that changes nothing writes nothing, and an unknown id answers null', async () => {
    const { store } = await newStore();
    const id = newId();
    await store.create(id, { count: 0, log: [] });
    const sent = await commandsDuring(async () => {
      expect(await store.update(id, () => ({ result: 'seen' }))).toEqual({
        state: { count: 0, log: [] },
        changed: false,
        result: 'seen',
      });
    });
    expect(sent).toEqual([]);
    expect(await store.update(newId(), increment(id, 'x'))).toBeNull();
  });
});

describe('when many aggregates are created at once', () => {
  it('then they go out in a few insert commands, and each caller learns its own outcome', async () => {
    const { store, publisher } = await newStore();
    const taken = newId();
    await store.create(taken, { count: 7, log: [] });
    const fresh = Array.from({ length: 40 }, () => newId());
    let created: boolean[] = [];
    const sent = await commandsDuring(async () => {
      created = await Promise.all(
        [...fresh, taken].map((id) => store.create(id, { count: 0, log: [] }, [counted(id)])),
      );
    });
    // A duplicate id among the others is refused alone; the others are stored and published.
    expect(created).toEqual([...fresh.map(() => true), false]);
    expect(sent.filter((command) => command === 'insert').length).toBeLessThan(10);
    expect(await store.read(taken)).toEqual({ count: 7, log: [] });
    expect(await store.read(fresh[39])).toEqual({ count: 0, log: [] });
    await eventually(() => expect(publisher.published).toHaveLength(fresh.length));
  });
});

describe('when many changes of one aggregate arrive at once', () => {
  it('then they are applied in arrival order and written in a few group commits', async () => {
    const { store, publisher } = await newStore();
    const id = newId();
    await store.create(id, { count: 0, log: [] });
    const labels = Array.from({ length: 30 }, (_, index) => `${index}`);
    let results: Array<number | undefined> = [];
    const sent = await commandsDuring(async () => {
      const updates = await Promise.all(
        labels.map((label) => store.update(id, increment(id, label))),
      );
      results = updates.map((updated) => updated?.result);
    });
    expect(results).toEqual(labels.map((_, index) => index + 1));
    expect(sent.filter((name) => name === 'update').length).toBeLessThanOrEqual(3);
    expect(await store.read(id)).toEqual({ count: 30, log: labels });
    await eventually(() => expect(publisher.published).toHaveLength(30));
    expect(publisher.published.map((event) => event.sequence)).toEqual(
      labels.map((_, index) => index + 1),
    );
  });

  it('then a decision that throws fails its own caller only', async () => {
    const { store } = await newStore();
    const id = newId();
    await store.create(id, { count: 0, log: [] });
    const refuse = () => {
      throw new ConflictError('NO', 'not this one');
    };
    const [first, refused, third] = await Promise.allSettled([
      store.update(id, increment(id, 'a')),
      store.update(id, refuse),
      store.update(id, increment(id, 'c')),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'NO' } });
    expect(third).toMatchObject({ status: 'fulfilled', value: { state: { count: 2 } } });
  });
});

describe('when many aggregates change at once', () => {
  it('then their compare-and-sets go out in a few update commands, each applied once', async () => {
    const { store } = await newStore();
    const counters = Array.from({ length: 30 }, () => newId());
    await Promise.all(counters.map((id) => store.create(id, { count: 0, log: [] })));
    let results: Array<number | undefined> = [];
    const sent = await commandsDuring(async () => {
      const updates = await Promise.all(counters.map((id) => store.update(id, increment(id, 'a'))));
      results = updates.map((updated) => updated?.result);
    });
    expect(results).toEqual(counters.map(() => 1));
    expect(sent.filter((name) => name === 'update').length).toBeLessThanOrEqual(5);
    for (const id of counters) expect(await store.read(id)).toEqual({ count: 1, log: ['a'] });
  });

  it('then one that another instance changed meanwhile is decided again, and the others are not', async () => {
    const mine = (await newStore()).store;
    const theirs = (await newStore()).store;
    const counters = Array.from({ length: 20 }, () => newId());
    await Promise.all(counters.map((id) => mine.create(id, { count: 0, log: [] })));
    const changed = counters[7];
    await theirs.update(changed, increment(changed, 'theirs'));
    // The first write goes out alone, the other 19 together: one of them no longer matches, and
    // the command does not say which.
    const sent = await commandsDuring(() =>
      Promise.all(counters.map((id) => mine.update(id, increment(id, 'mine')))),
    );
    expect(sent.filter((name) => name === 'update').length).toBeLessThanOrEqual(4);
    expect(await mine.read(changed)).toEqual({ count: 2, log: ['theirs', 'mine'] });
    for (const id of counters.filter((id) => id !== changed)) {
      expect(await mine.read(id)).toEqual({ count: 1, log: ['mine'] });
    }
  });
});

describe('when one compare-and-set of a command is refused by the database', () => {
  it('then its caller gets the error, and each of the others an outcome that matches what is stored', async () => {
    const documents = mongoDocuments(model.collection);
    const [first, refused, other] = [newId(), newId(), newId()];
    for (const id of [first, refused, other]) {
      expect(await documents.insert({ _id: id, version: 1, count: 0 })).toBe(true);
    }
    const replace = (id: string, fields: Record<string, unknown>) =>
      documents.replaceIf({ id, version: 1, document: { _id: id, version: 2, ...fields } });
    // The first goes out alone; the other two wait for it and go out together.
    const [alone, invalid, beside] = await Promise.allSettled([
      replace(first, { count: 1 }),
      replace(refused, { $count: 1 }),
      replace(other, { count: 1 }),
    ]);
    expect(alone).toEqual({ status: 'fulfilled', value: true });
    expect(invalid).toMatchObject({ status: 'rejected', reason: { code: 9 } });
    expect(beside.status).toBe('fulfilled');
    const stored = await documents.find(other);
    expect(stored?.version).toBe(beside.status === 'fulfilled' && beside.value ? 2 : 1);
    expect((await documents.find(refused))?.version).toBe(1);
  });
});

describe('when another instance changed the document since this one cached it', () => {
  it('then the compare-and-set fails, and the store reads and decides again', async () => {
    const mine = (await newStore()).store;
    const theirs = (await newStore()).store;
    const id = newId();
    await mine.create(id, { count: 0, log: [] });
    await theirs.update(id, increment(id, 'theirs'));
    const updated = await mine.update(id, increment(id, 'mine'));
    expect(updated?.state).toEqual({ count: 2, log: ['theirs', 'mine'] });
  });
});

describe('when the broker is down as an event is written', () => {
  it('then the scan publishes it once the broker is back, and the outbox is emptied', async () => {
    const publisher = new RecordingPublisher();
    const { store, stores } = await newStore(publisher, 100);
    const id = newId();
    publisher.down = true;
    await store.create(id, { count: 0, log: [] }, [counted(id)]);
    publisher.down = false;
    await stores.scan();
    await eventually(() =>
      expect(publisher.published.filter((event) => event.aggregateId === id)).toHaveLength(1),
    );
    await eventually(async () =>
      expect(await storedDocument(id)).toMatchObject({ outbox: [], outboxPending: false }),
    );
  });

  it('then confirmed entries go in the next write of the document, not in one of their own', async () => {
    const { store, publisher } = await newStore();
    const id = newId();
    await store.create(id, { count: 0, log: [] }, [counted(id)]);
    await eventually(() => expect(publisher.published).toHaveLength(1));
    const [created] = publisher.published;
    await store.update(id, increment(id, 'a'));
    const stored = await storedDocument(id);
    expect(stored?.outbox).toHaveLength(1);
    expect(stored?.outbox[0]?.eventId).not.toBe(created?.eventId);
  });
});
