// The services' own pool, the first setting the floor's calibration tries.
import { CONNECTION_POOL_SIZE } from '@ecommerce/shared';

/**
 * The benchmark's sizes, rates and targets. Defaults are the figures of CONTRACT.md ("Speed");
 * `BENCH_SCALE` shrinks every size at once for a quick run, and each size has its own variable.
 */
export interface BenchConfig {
  scale: number;
  phases: Set<PhaseName>;
  floor: boolean;
  /** Only the floor's phases (beside spread and hot), without the system's: its rates alone. */
  floorOnly: boolean;
  /** Messages each consumer of the services handles at once (the floor has its own: below). */
  prefetch: number;
  products: number;
  clients: number;
  latency: { rate: number; seconds: number };
  spreadOrders: number;
  hot: { orders: number; stock: number };
  volumeStored: number;
  /** The burst phase's sizes, one after the other: that many clients, one order each, at once. */
  burstClients: number[];
  /** A drain that makes no progress for this long has failed. */
  stallMs: number;
  /** Hard bound on any one wait for a drain, however slowly it progresses. */
  maxWaitMs: number;
  pollIntervalMs: number;
  floorQueueType: 'quorum' | 'classic';
  /**
   * The floor's settings to try (BENCH_FLOOR_SETTINGS): each is run on `floorCalibrationOrders`
   * orders over the spread's products, and the fastest runs the floor phases. One setting: no
   * calibration.
   */
  floorSettings: FloorSetting[];
  floorCalibrationOrders: number;
  /** The floor releases confirmed holds (BENCH_FLOOR_RELEASE_HOLDS=1); see floor-role.ts. */
  floorReleaseHolds: boolean;
  /** What the services run with (scripts/lib/common.sh): the memory figures depend on it. */
  serviceHeapFlags: string;
}

/** Each floor role's driver pool and each of its consumers' prefetch. */
export interface FloorSetting {
  pool: number;
  prefetch: number;
}

export const PHASE_NAMES = ['latency', 'spread', 'hot', 'burst', 'volume'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export const TARGETS = {
  postToFinalP99Ms: 300,
  spreadPerSecond: 100,
  hotPerSecond: 50,
  /** The spread's rate with the store full, as a share of the empty store's (issue 19: 90 %). */
  volumeShare: 0.9,
  /** With the store full: the lists' and an order's p99 and each console page's load, ms. */
  volume: { listP99Ms: 50, byIdP99Ms: 20, pageMs: 1_000 },
  commandsPerOrder: 12,
  rssMb: 200,
  /** The system's rate over the floor's, beside spread and beside hot (issue 19). */
  floorShare: { spread: 0.7, hot: 1.5 },
  /**
   * Settled when final (spread, hot, burst): the units still reserved when the phase's last
   * order became final, as a share of the units its orders took (those CONFIRMED), and none
   * `settledAfterMs` later.
   */
  reservedWhenFinalShare: 0.05,
  settledAfterMs: 2_000,
  burst: {
    /** Answers 503 (with Retry-After) at most: shedding is a safety valve, not the way to speed. */
    shedShare: 0.05,
    postP99Ms: 2_000,
    /** From the release to the last accepted order final, for bursts of this size or smaller. */
    allFinalMs: 30_000,
    allFinalUpToClients: 2_000,
  },
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const scale = positive(env, 'BENCH_SCALE', 1);
  // Order counts and durations shrink with the scale; products and clients do not.
  const size = (name: string, fullSize: number, scaled = true) =>
    Math.max(1, Math.round(positive(env, name, scaled ? fullSize * scale : fullSize)));
  const hotOrders = size('BENCH_HOT_ORDERS', 3_000);
  const prefetch = Math.round(positive(env, 'PREFETCH', 10));
  const queueType = env.BENCH_FLOOR_QUEUE_TYPE ?? 'quorum';
  if (queueType !== 'quorum' && queueType !== 'classic') {
    throw new Error(`BENCH_FLOOR_QUEUE_TYPE must be quorum or classic, not ${queueType}`);
  }
  return {
    scale,
    phases: readPhases(env.BENCH_PHASES),
    floor: env.BENCH_FLOOR !== '0',
    floorOnly: env.BENCH_FLOOR_ONLY === '1',
    prefetch,
    products: size('BENCH_PRODUCTS', 20, false),
    clients: size('BENCH_CLIENTS', 32, false),
    latency: {
      rate: positive(env, 'BENCH_LATENCY_RATE', 50),
      seconds: positive(env, 'BENCH_LATENCY_SECONDS', 60 * scale),
    },
    spreadOrders: size('BENCH_SPREAD_ORDERS', 3_000),
    // Half the orders can be served unless set otherwise, as in the contract (1,500 of 3,000).
    hot: { orders: hotOrders, stock: size('BENCH_HOT_STOCK', Math.floor(hotOrders / 2), false) },
    volumeStored: size('BENCH_VOLUME_STORED', 200_000),
    // 2,000 by default; the contract's other size runs with BENCH_BURST_CLIENTS=2000,5000.
    burstClients: list(env, 'BENCH_BURST_CLIENTS', '2000').map((clients) =>
      Math.max(2, Math.round(clients * scale)),
    ),
    stallMs: positive(env, 'BENCH_STALL_SECONDS', 60) * 1000,
    maxWaitMs: positive(env, 'BENCH_MAX_WAIT_SECONDS', 3_600) * 1000,
    pollIntervalMs: positive(env, 'BENCH_POLL_MS', 500),
    floorQueueType: queueType,
    floorSettings: readFloorSettings(env.BENCH_FLOOR_SETTINGS, prefetch),
    floorCalibrationOrders: size('BENCH_FLOOR_CALIBRATION_ORDERS', 1_000),
    floorReleaseHolds: env.BENCH_FLOOR_RELEASE_HOLDS === '1',
    serviceHeapFlags: env.SERVICE_HEAP_FLAGS || 'none',
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be > 0, not "${raw}"`);
  return value;
}

/** A comma-separated list of numbers > 0. */
function list(env: NodeJS.ProcessEnv, name: string, fallback: string): number[] {
  return (env[name] || fallback).split(',').map((item) => {
    const value = Number(item.trim());
    if (item.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`${name}: each item must be > 0, not "${item}"`);
    }
    return value;
  });
}

/**
 * `pool/prefetch,…`. By default the services' own settings, then two larger ones: FerretDB's
 * relay (scripts/ferretdb/main.go) lets 40 commands run at once whatever the clients' pools, so
 * the pool of 10 that keeps a service from hanging FerretDB v1 is not what the servers allow.
 */
function readFloorSettings(raw: string | undefined, prefetch: number): FloorSetting[] {
  if (!raw) {
    return [
      { pool: CONNECTION_POOL_SIZE, prefetch },
      { pool: 32, prefetch: 32 },
      { pool: 64, prefetch: 64 },
    ];
  }
  return raw.split(',').map((item) => {
    const match = /^\s*(\d+)\/(\d+)\s*$/.exec(item);
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
      throw new Error(`BENCH_FLOOR_SETTINGS: "${item}" is not pool/prefetch (e.g. 64/64)`);
    }
    return { pool: Number(match[1]), prefetch: Number(match[2]) };
  });
}

function readPhases(raw: string | undefined): Set<PhaseName> {
  if (!raw) return new Set(PHASE_NAMES);
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(PHASE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`BENCH_PHASES: unknown phase "${name}" (known: ${PHASE_NAMES.join(', ')})`);
    }
  }
  return new Set(names as PhaseName[]);
}

export function describeConfig(config: BenchConfig): string {
  return [
    `scale ${config.scale}`,
    `phases ${[...config.phases].join(',')}${config.floor ? ' + floor' : ''}`,
    `${config.products} products`,
    `${config.clients} clients`,
    `prefetch ${config.prefetch}`,
    `latency ${config.latency.rate}/s × ${config.latency.seconds} s`,
    `spread ${config.spreadOrders}`,
    `hot ${config.hot.orders} on stock ${config.hot.stock}`,
    `burst ${config.burstClients.join(' then ')} clients`,
    `volume ${config.volumeStored} stored`,
    `floor ${config.floorQueueType} queues, ${config.floorSettings.map(formatFloorSetting).join(' or ')}`,
    `service heap flags: ${config.serviceHeapFlags}`,
  ].join(', ');
}

export const formatFloorSetting = ({ pool, prefetch }: FloorSetting) =>
  `pool ${pool}/prefetch ${prefetch}`;
