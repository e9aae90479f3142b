import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './api-errors';

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

  const refresh = useCallback(async () => {
    await inFlight.current;
    const run = load().then(
      (value) => {
        setData(value);
        setError(undefined);
      },
      (failure: unknown) => setError(messageOf(failure)),
    );
    inFlight.current = run;
    await run;
  }, [load]);

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
