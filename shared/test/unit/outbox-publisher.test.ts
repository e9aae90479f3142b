import type { AnyEvent } from '../../src';
import { createLogger, draftEvent } from '../../src';
import type { OutboxEntry } from '../../src/aggregates/outbox-entry';
import { toOutboxEntry } from '../../src/aggregates/outbox-entry';
import { OutboxPublisher } from '../../src/aggregates/outbox-publisher';
import { Gate } from '../../src/testing';

const logger = createLogger({ service: 'outbox-test', level: 'silent' });
const GRACE_MS = 5_000;

/** A broker that records what it confirms, can be down, and can hold a publish until released. */
class FakeBroker {
  readonly confirmed: string[] = [];
  readonly attempts: string[] = [];
  down = false;
  /** Closed, it holds a write (a publish) until opened. */
  readonly gate = new Gate();

  async publish(event: AnyEvent): Promise<void> {
    this.attempts.push(event.eventId);
    await this.gate.passage();
    if (this.down) throw new Error('broker down');
    this.confirmed.push(event.eventId);
  }
}

let sequence = 0;
function entry(createdAt = new Date()): OutboxEntry {
  sequence += 1;
  const event = {
    ...draftEvent({
      eventType: 'inventory.status.updated',
      source: 'outbox-test',
      aggregateId: 'doc',
      correlationId: 'c-1',
      data: { orderId: 'o-1', status: 'SUCCESS' },
    }),
    sequence,
  } as AnyEvent;
  return { ...toOutboxEntry(event), createdAt };
}

const ids = (entries: OutboxEntry[]) => entries.map((e) => e.eventId);

function publisherWith(broker: FakeBroker): OutboxPublisher {
  return new OutboxPublisher({ name: 'docs', publisher: broker, logger, scanGraceMs: GRACE_MS });
}

describe('OutboxPublisher', () => {
  it('publishes the events of one document in order, a later write after an earlier one still in flight', async () => {
    const broker = new FakeBroker();
    const outbox = publisherWith(broker);
    const [first, second, third] = [entry(), entry(), entry()];
    broker.gate.close();
    const earlier = outbox.publish('doc', [first]);
    const later = outbox.publish('doc', [second, third]);
    await Promise.resolve();
    expect(broker.attempts).toEqual([first.eventId]);
    broker.gate.open();
    await Promise.all([earlier, later]);
    expect(broker.confirmed).toEqual(ids([first, second, third]));
  });

  it('never has the scan publish again an event the broker confirmed, before or after the write that drops it', async () => {
    const broker = new FakeBroker();
    const outbox = publisherWith(broker);
    const confirmed = entry();
    await outbox.publish('doc', [confirmed]);
    const muchLater = Date.now() + 10 * GRACE_MS;

    expect(outbox.isConfirmed('doc', confirmed.eventId)).toBe(true);
    expect(outbox.dueInScan('doc', [confirmed], muchLater, false)).toEqual([]);
    // A scan that read the document before the write that dropped the entry, seen after it.
    outbox.stored('doc', []);
    expect(outbox.isConfirmed('doc', confirmed.eventId)).toBe(false);
    expect(outbox.holds('doc')).toBe(false);
    expect(broker.confirmed).toEqual([confirmed.eventId]);
  });

  it('has the scan publish at once, and again, an event whose publish failed, the rest of its chain too', async () => {
    const broker = new FakeBroker();
    const outbox = publisherWith(broker);
    const [failing, behind] = [entry(), entry()];
    broker.down = true;
    await outbox.publish('doc', [failing, behind]);
    expect(broker.attempts).toEqual([failing.eventId]);
    expect(outbox.hasFailed).toBe(true);
    expect(outbox.unconfirmed).toBe(2);

    broker.down = false;
    const due = outbox.dueInScan('doc', [failing, behind], Date.now(), false);
    expect(ids(due)).toEqual(ids([failing, behind]));
    await outbox.publish('doc', due);
    expect(broker.confirmed).toEqual(ids([failing, behind]));
    expect(outbox.hasFailed).toBe(false);
    expect(outbox.unconfirmed).toBe(0);
  });

  it('leaves to their writer, for the grace period, the entries it did not write', () => {
    const outbox = publisherWith(new FakeBroker());
    const written = new Date();
    const theirs = entry(written);
    expect(outbox.dueInScan('doc', [theirs], written.getTime() + GRACE_MS - 1, false)).toEqual([]);
    expect(ids(outbox.dueInScan('doc', [theirs], written.getTime() + GRACE_MS, false))).toEqual([
      theirs.eventId,
    ]);
  });

  it('does not let the scan take an entry that is being published', () => {
    const broker = new FakeBroker();
    const outbox = publisherWith(broker);
    const inFlight = entry(new Date(0));
    broker.gate.close();
    void outbox.publish('doc', [inFlight]);
    expect(outbox.dueInScan('doc', [inFlight], Date.now(), false)).toEqual([]);
    expect(outbox.holds('doc')).toBe(true);
    broker.gate.open();
  });

  it('forgets the entries of a failed write that the scan found stored nowhere, unless a write is still in flight', () => {
    const outbox = publisherWith(new FakeBroker());
    outbox.writeFailed('doc', [entry()]);
    outbox.forgetUnstored(new Set(), () => true);
    expect(outbox.hasFailed).toBe(true);
    outbox.forgetUnstored(new Set(['other']), () => false);
    expect(outbox.hasFailed).toBe(false);
    expect(outbox.holds('doc')).toBe(false);
  });

  it('names for clean-up the documents whose confirmed entries have waited long enough', async () => {
    const outbox = publisherWith(new FakeBroker());
    await outbox.publish('doc', [entry()]);
    expect([...outbox.confirmedBefore(Date.now() - 60_000)]).toEqual([]);
    expect([...outbox.confirmedBefore(Date.now())]).toEqual(['doc']);
  });
});
