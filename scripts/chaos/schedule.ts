import type { ServiceName } from '@ecommerce/tests-e2e';
import { SERVICES } from '@ecommerce/tests-e2e';

/**
 * Every fault the chaos run knows. "broker" and "database" faults sit between one service and
 * that server (a Toxiproxy route); the others crash or freeze a whole process.
 */
export const FAULT_KINDS = [
  'kill-postgres',
  'kill-ferretdb',
  'kill-rabbitmq',
  'kill-order-service',
  'kill-inventory-service',
  'kill-notification-service',
  'cut-broker',
  'cut-database',
  'slow-broker',
  'slow-database',
  'reset-broker',
  'reset-database',
  'freeze-database',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  'kill-postgres': 'SIGKILL of a PostgreSQL backend: the server crashes and recovers from its WAL',
  'kill-ferretdb': 'SIGKILL of FerretDB, started again as npm start does',
  'kill-rabbitmq': "SIGKILL of RabbitMQ's Erlang VM, started again",
  'kill-order-service': 'SIGKILL of the order service, started again',
  'kill-inventory-service': 'SIGKILL of the inventory service, started again',
  'kill-notification-service': 'SIGKILL of the notification service, started again',
  'cut-broker': 'a service cut off from RabbitMQ (its connections closed, new ones refused)',
  'cut-database': 'a service cut off from the database',
  'slow-broker': '300-700 ms of latency each way between a service and RabbitMQ',
  'slow-database': '300-700 ms of latency each way between a service and the database',
  'reset-broker': "a service's connections to RabbitMQ reset (TCP RST) as they are used",
  'reset-database': "a service's connections to the database reset as they are used",
  'freeze-database': 'FerretDB frozen with SIGSTOP, then SIGCONT',
};

export interface PlannedFault {
  kind: FaultKind;
  /** When it starts, from the start of the load (or as soon as the fault before it is over). */
  atMs: number;
  /** How long it lasts: the outage of a killed server, the length of a cut or a freeze. */
  holdMs: number;
  /** The service a route fault sits in front of (the killed one for a kill-…-service). */
  target?: ServiceName;
  /** A slow-… fault's delay each way, ms. */
  latencyMs?: number;
}

export type Random = () => number;

/** A small seeded generator (mulberry32): the same seed draws the same run. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number from `min` to `max`, both included. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** How long each kind of fault lasts, ms: long enough to matter, short of the retry limit. */
const HOLD_MS: Record<FaultKind, [number, number]> = {
  'kill-postgres': [0, 0],
  'kill-ferretdb': [500, 3_000],
  'kill-rabbitmq': [500, 3_000],
  'kill-order-service': [200, 2_000],
  'kill-inventory-service': [200, 2_000],
  'kill-notification-service': [200, 2_000],
  'cut-broker': [2_000, 6_000],
  'cut-database': [2_000, 6_000],
  'slow-broker': [3_000, 8_000],
  'slow-database': [3_000, 8_000],
  'reset-broker': [2_000, 5_000],
  'reset-database': [2_000, 5_000],
  'freeze-database': [2_000, 6_000],
};

/**
 * Each kind `repeat` times, in an order drawn at random, spread over the load: the run is cut into
 * as many slots as faults after `warmupMs`, and each fault starts at a moment drawn in the first
 * half of its slot, so that the system has the rest of it to recover under load.
 */
export function planFaults(options: {
  kinds: readonly FaultKind[];
  repeat: number;
  durationMs: number;
  warmupMs: number;
  random: Random;
}): PlannedFault[] {
  const { kinds, repeat, durationMs, warmupMs, random } = options;
  const faults = kinds.flatMap((kind) => Array.from({ length: repeat }, () => kind));
  // Fisher-Yates, with the run's generator.
  for (let i = faults.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [faults[i], faults[j]] = [faults[j], faults[i]];
  }
  const slotMs = (durationMs - warmupMs) / Math.max(faults.length, 1);
  return faults.map((kind, index) => {
    const [minHold, maxHold] = HOLD_MS[kind];
    const killed = /^kill-(.*-service)$/.exec(kind)?.[1] as ServiceName | undefined;
    const routed = kind.endsWith('-broker') || kind.endsWith('-database');
    return {
      kind,
      atMs: Math.round(warmupMs + index * slotMs + random() * (slotMs / 2)),
      holdMs: between(random, minHold, maxHold),
      ...(killed && { target: killed }),
      ...(routed && kind !== 'freeze-database' && { target: pick(random, SERVICES) }),
      ...(kind.startsWith('slow-') && { latencyMs: between(random, 300, 700) }),
    };
  });
}
