/**
 * A gate a fake holds its callers at, for unit tests of ordering: closed, `passage()` waits until
 * `open()`; open, it does not wait.
 */
export class Gate {
  private closed?: Promise<void>;
  private opener?: () => void;

  close(): void {
    this.closed = new Promise((resolve) => (this.opener = resolve));
  }

  open(): void {
    this.opener?.();
    this.closed = undefined;
  }

  async passage(): Promise<void> {
    if (this.closed) await this.closed;
  }
}
