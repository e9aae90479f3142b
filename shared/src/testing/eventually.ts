/**
 * Polls `probe` until it returns without throwing, or fails with its last error once the deadline
 * passes. Tests wait for asynchronous outcomes with this, never with fixed sleeps.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
