import type { AnyEvent } from '../events/envelope';
import { runInContext } from '../logging/context';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { EventPublisher } from '../messaging/event-bus';
import { withTraceContext } from '../observability/trace-context';
import type { WrittenEntries } from './document-writer';
import type { OutboxEntry } from './outbox-entry';

/** What this process knows of the publication of one document's outbox entries. */
interface Publications {
  /** Entries this process is publishing or has published (the scan leaves them alone). */
  handedOver: Set<string>;
  /** Of those, the ones the broker confirmed, still stored; with when the first was confirmed. */
  confirmed: Set<string>;
  confirmedSince?: number;
  /** Entries this process wrote and could not publish (or may have written): the scan takes them at once. */
  failed: Set<string>;
  /** Publications of this document, chained so that its events leave in order. */
  chain: Promise<void>;
}

export interface OutboxPublisherOptions {
  /** The store's name, for logs. */
  name: string;
  publisher: EventPublisher;
  logger: Logger;
  /** Entries that are not this process's are left this long to the process that wrote them. */
  scanGraceMs: number;
}

/**
 * The publication side of the outbox, per document: publishes the entries a write stored, in
 * order and with confirms, remembers which ones the broker confirmed (so that they leave the
 * document with its next write, and no scan publishes them again), and tells a scan what is due.
 * It holds no state of the documents themselves: the document writer does.
 */
export class OutboxPublisher implements WrittenEntries {
  private readonly documents = new Map<string, Publications>();

  constructor(private readonly options: OutboxPublisherOptions) {}

  /** Publishes entries of one document after those handed over before them. */
  publish(id: string, entries: OutboxEntry[]): Promise<void> {
    const publications = this.publicationsOf(id);
    for (const entry of entries) publications.handedOver.add(entry.eventId);
    publications.chain = publications.chain.then(() => this.publishInOrder(id, entries));
    return publications.chain;
  }

  /**
   * A write stored the document with `outbox`: marks of entries no longer in it are dropped, and
   * `added`, the write's new entries, are published.
   */
  stored(id: string, outbox: OutboxEntry[], added: OutboxEntry[] = []): void {
    if (added.length > 0) void this.publish(id, added);
    const publications = this.documents.get(id);
    if (!publications) return;
    const kept = new Set(outbox.map((entry) => entry.eventId));
    for (const eventId of publications.confirmed) {
      if (!kept.has(eventId)) {
        publications.confirmed.delete(eventId);
        publications.handedOver.delete(eventId);
      }
    }
    if (publications.confirmed.size === 0) publications.confirmedSince = undefined;
    this.forgetIfEmpty(id, publications);
  }

  /** A write failed that may have stored these entries: the next scan looks for them. */
  writeFailed(id: string, entries: OutboxEntry[]): void {
    if (entries.length === 0) return;
    const publications = this.publicationsOf(id);
    for (const entry of entries) publications.failed.add(entry.eventId);
  }

  /** Whether the broker confirmed this entry: the document's next write may drop it. */
  isConfirmed(id: string, eventId: string): boolean {
    return this.documents.get(id)?.confirmed.has(eventId) ?? false;
  }

  /**
   * Whether this process still has business with the document's entries (publishing them, or
   * confirmed ones to clean up): its last known state must stay cached, or a scan would publish
   * the confirmed entries again.
   */
  holds(id: string): boolean {
    const publications = this.documents.get(id);
    return (
      publications !== undefined && publications.handedOver.size + publications.failed.size > 0
    );
  }

  /**
   * The entries of a flagged document that the scan is to publish now: none this process has in
   * hand; its own failed ones at once; others (another instance wrote them, and is likely
   * publishing them) once `scanGraceMs` old. `writing`: a write of the document is in flight
   * (its failed entries may yet be stored).
   */
  dueInScan(id: string, outbox: OutboxEntry[], now: number, writing: boolean): OutboxEntry[] {
    const publications = this.documents.get(id);
    if (publications && !writing) {
      const stored = new Set(outbox.map((entry) => entry.eventId));
      for (const eventId of publications.failed) {
        if (!stored.has(eventId)) publications.failed.delete(eventId);
      }
    }
    return outbox.filter(
      (entry) =>
        !publications?.handedOver.has(entry.eventId) &&
        (publications?.failed.has(entry.eventId) ||
          now - new Date(entry.createdAt).getTime() >= this.options.scanGraceMs),
    );
  }

  /**
   * After a scan: failed entries of a document it did not find flagged were never stored (a
   * failed write whose document has no pending events): nothing to send.
   */
  forgetUnstored(flagged: ReadonlySet<string>, writing: (id: string) => boolean): void {
    for (const [id, publications] of this.documents) {
      if (publications.failed.size > 0 && !flagged.has(id) && !writing(id)) {
        publications.failed.clear();
        this.forgetIfEmpty(id, publications);
      }
    }
  }

  /** The documents with entries confirmed since before `cutoff`: due for clean-up. */
  *confirmedBefore(cutoff: number): Iterable<string> {
    for (const [id, publications] of this.documents) {
      if (publications.confirmedSince !== undefined && publications.confirmedSince <= cutoff) {
        yield id;
      }
    }
  }

  /** Whether events this process wrote are waiting for a scan (a publish or a write failed). */
  get hasFailed(): boolean {
    for (const publications of this.documents.values()) {
      if (publications.failed.size > 0) return true;
    }
    return false;
  }

  /** Events this process wrote that the broker has not confirmed yet: in flight, or failed. */
  get unconfirmed(): number {
    let count = 0;
    for (const publications of this.documents.values()) {
      count +=
        publications.handedOver.size - publications.confirmed.size + publications.failed.size;
    }
    return count;
  }

  /** Resolves once every publication handed over so far has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.documents.values()].map((publications) => publications.chain));
  }

  /** A failure stops the chain for this round: the scan publishes the rest later. */
  private async publishInOrder(id: string, entries: OutboxEntry[]): Promise<void> {
    const publications = this.publicationsOf(id);
    for (const [index, entry] of entries.entries()) {
      const event = JSON.parse(entry.payload) as AnyEvent;
      try {
        await runInContext({ correlationId: event.correlationId, eventId: event.eventId }, () =>
          withTraceContext(entry.trace, () => this.options.publisher.publish(event)),
        );
      } catch (error) {
        this.options.logger.warn('Publishing an event failed; it stays in the outbox', {
          eventType: event.eventType,
          aggregate: `${this.options.name}/${id}`,
          ...errorFields(error),
        });
        for (const unsent of entries.slice(index)) {
          publications.handedOver.delete(unsent.eventId);
          publications.failed.add(unsent.eventId);
        }
        return;
      }
      publications.failed.delete(entry.eventId);
      publications.confirmed.add(entry.eventId);
      publications.confirmedSince ??= Date.now();
    }
  }

  private publicationsOf(id: string): Publications {
    let publications = this.documents.get(id);
    if (!publications) {
      publications = {
        handedOver: new Set(),
        confirmed: new Set(),
        failed: new Set(),
        chain: Promise.resolve(),
      };
      this.documents.set(id, publications);
    }
    return publications;
  }

  /**
   * Nothing in hand for the document any more: its record goes. No publication of it is running
   * then (an entry stays handed over until it is confirmed and dropped, or has failed).
   */
  private forgetIfEmpty(id: string, publications: Publications): void {
    const marks = publications.handedOver.size + publications.failed.size;
    if (marks === 0) this.documents.delete(id);
  }
}
