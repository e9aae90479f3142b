import type { ServiceName } from '@ecommerce/tests-e2e';
import { SERVICES } from '@ecommerce/tests-e2e';
import { requestText } from './http';

/** A number per service: database commands, or commands per second. */
export type PerService = Record<ServiceName, number>;

export const perService = (value: (name: ServiceName) => number): PerService =>
  Object.fromEntries(SERVICES.map((name) => [name, value(name)])) as PerService;

export const sum = (counts: PerService): number => SERVICES.reduce((a, n) => a + counts[n], 0);

const minus = (a: PerService, b: PerService) => perService((name) => a[name] - b[name]);

/**
 * The bench's own requests that reach a database: each kind is calibrated and subtracted. (Whether
 * orders are still pending it reads from the order service's metrics, which cost no command: a
 * query for them reads the whole orders table on FerretDB, and slowed the very phase it watched.)
 */
export const POLL_KINDS = ['notifications', 'product'] as const;
export type PollKind = (typeof POLL_KINDS)[number];

/** How many requests of each kind the bench has sent so far. */
export class PollLedger {
  private readonly counts = Object.fromEntries(POLL_KINDS.map((kind) => [kind, 0])) as Record<
    PollKind,
    number
  >;

  note(kind: PollKind): void {
    this.counts[kind] += 1;
  }

  snapshot(): Record<PollKind, number> {
    return { ...this.counts };
  }
}

/** `db_commands_total`, summed over its `command` label, as each service reports it now. */
export async function readCommandCounters(urls: Record<ServiceName, string>): Promise<PerService> {
  const texts = await Promise.all(SERVICES.map((name) => requestText(`${urls[name]}/metrics`)));
  return perService((name) => commandTotal(texts[SERVICES.indexOf(name)]));
}

export function commandTotal(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^db_commands_total(?:\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

/** What the bench's polling costs, measured on the idle system before any phase. */
export interface Calibration {
  /** Commands per second of an idle system (heartbeats, outbox passes…); reported, not subtracted. */
  backgroundPerSecond: PerService;
  /** Commands one request of each kind causes, per service. */
  costPerPoll: Record<PollKind, PerService>;
}

const CALIBRATION_IDLE_MS = 4_000;
const CALIBRATION_REQUESTS = 30;

export async function calibrate(
  counters: () => Promise<PerService>,
  probes: Record<PollKind, () => Promise<unknown>>,
): Promise<Calibration> {
  const idleStart = await counters();
  const idleBegan = Date.now();
  await new Promise((resolve) => setTimeout(resolve, CALIBRATION_IDLE_MS));
  const idle = minus(await counters(), idleStart);
  const idleSeconds = (Date.now() - idleBegan) / 1000;
  const backgroundPerSecond = perService((name) => idle[name] / idleSeconds);

  const costPerPoll = {} as Record<PollKind, PerService>;
  for (const kind of POLL_KINDS) {
    const before = await counters();
    const began = Date.now();
    for (let i = 0; i < CALIBRATION_REQUESTS; i++) await probes[kind]();
    const seconds = (Date.now() - began) / 1000;
    const delta = minus(await counters(), before);
    // Background during those requests is not theirs; what is left is spread over them.
    costPerPoll[kind] = perService((name) =>
      Math.max(0, (delta[name] - backgroundPerSecond[name] * seconds) / CALIBRATION_REQUESTS),
    );
  }
  return { backgroundPerSecond, costPerPoll };
}

/** The commands counted between `open()` and `close()`, less those of the bench's own polls. */
export interface CommandWindow {
  raw: PerService;
  polls: PerService;
  net: PerService;
  seconds: number;
}

export async function openCommandWindow(
  counters: () => Promise<PerService>,
  ledger: PollLedger,
  calibration: Calibration,
): Promise<{ close: () => Promise<CommandWindow> }> {
  const start = await counters();
  const pollsAtStart = ledger.snapshot();
  const began = Date.now();
  return {
    async close() {
      const raw = minus(await counters(), start);
      const pollsAtEnd = ledger.snapshot();
      const polls = perService((name) =>
        POLL_KINDS.reduce(
          (total, kind) =>
            total + (pollsAtEnd[kind] - pollsAtStart[kind]) * calibration.costPerPoll[kind][name],
          0,
        ),
      );
      return { raw, polls, net: minus(raw, polls), seconds: (Date.now() - began) / 1000 };
    },
  };
}

const QUIET_STEP_MS = 500;
const QUIET_MAX_MS = 15_000;

/**
 * Waits until the services send no more commands than an idle system does: the last writes an
 * order causes (an outbox entry marked sent, a hold released) can land after the order, its
 * notification and its stock look final. Returns false when the system never got that quiet.
 */
export async function waitUntilQuiet(
  counters: () => Promise<PerService>,
  calibration: Calibration,
): Promise<boolean> {
  // Background comes in bursts (a pass every second or two): allow twice its average, and two.
  const allowance = 2 * sum(calibration.backgroundPerSecond) * (QUIET_STEP_MS / 1000) + 2;
  const deadline = Date.now() + QUIET_MAX_MS;
  let previous = await counters();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_STEP_MS));
    const now = await counters();
    if (sum(minus(now, previous)) <= allowance) return true;
    previous = now;
  }
  return false;
}
