/**
 * The event ids this process handled lately (a bounded, least-recently-used set), and those it
 * is handling right now. A redelivery that arrives while its first copy is still being handled
 * waits for it instead of running the handler beside it.
 *
 * Why in memory and not a dedup collection: every handler is idempotent by a business key (a
 * reservation per order, a notification per order, status and channel, an order leaves PENDING
 * once), which is what makes a duplicate harmless also after a restart. This set only spares the
 * database the repeats that arrive soon, at no database command.
 */
export class RecentlyHandledEvents {
  private readonly handled = new Set<string>();
  private readonly inProgress = new Map<string, Promise<boolean>>();

  constructor(private readonly capacity = 10_000) {}

  /**
   * Runs `work` for the event unless it was handled lately (or is being handled, and that
   * succeeds). Resolves true when `work` ran and succeeded, false for a duplicate.
   */
  async runOnce(eventId: string, work: () => Promise<void>): Promise<boolean> {
    for (;;) {
      if (this.handled.has(eventId)) return false;
      const running = this.inProgress.get(eventId);
      if (!running) break;
      await running.catch(() => undefined);
    }
    const attempt = work().then(() => {
      this.remember(eventId);
      return true;
    });
    this.inProgress.set(eventId, attempt);
    try {
      return await attempt;
    } finally {
      this.inProgress.delete(eventId);
    }
  }

  private remember(eventId: string): void {
    this.handled.add(eventId);
    if (this.handled.size > this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.handled.values().next().value;
      if (oldest !== undefined) this.handled.delete(oldest);
    }
  }
}
