import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  /** The last failure in words, cleared by the next success. */
  error: string | undefined;
  /** Loads now (after an action), without waiting for the next tick. */
  refresh: () => Promise<void>;
}

/**
 * Loads `load()` now and then every `intervalMs` while the page is open: how tables stay live
 * without a reload. A load never overlaps the previous one. `load` must be stable
 * (`useCallback`): a new one starts over.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const stableLoad = load;

  const refresh = useCallback(async () => {
    await inFlight.current;
    const run = stableLoad().then(
      (value) => {
        setData(value);
        setError(undefined);
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
    inFlight.current = run;
    await run;
  }, [stableLoad]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh, intervalMs]);

  return { data, error, refresh };
}
