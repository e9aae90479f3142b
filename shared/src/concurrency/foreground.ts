/**
 * What clients wait for goes before what they do not. A service's foreground is its API, where a
 * client holds a connection open for its answer; its background is work that can start a moment
 * later without anyone waiting on it, such as publishing the events of changes already stored.
 *
 * In a burst of orders, the events of the first ones would otherwise set the other services to
 * work while thousands of requests still wait for their answer, on the same cores and the same
 * database. Background work asks `whenCalm()` first: at once while the foreground is calm, else
 * once it calms down, and never later than a bounded wait, so that a burst delays it and a steady
 * overload cannot starve it.
 */
export interface Foreground {
  whenCalm(): Promise<void>;
}

/** A foreground that never holds anything back (a service without an API, tests). */
export const NO_FOREGROUND: Foreground = { whenCalm: () => Promise.resolve() };
