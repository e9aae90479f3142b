// The floor's driver pool defaults to the services' own cap, so the two compare like for like.
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
  /** Messages each consumer handles at once, given to the services and to the floor alike. */
  prefetch: number;
  products: number;
  clients: number;
  latency: { rate: number; seconds: number };
  spreadOrders: number;
  hot: { orders: number; stock: number };
  volumeStored: number;
  /** A drain that makes no progress for this long has failed. */
  stallMs: number;
  /** Hard bound on any one wait for a drain, however slowly it progresses. */
  maxWaitMs: number;
  pollIntervalMs: number;
  floorQueueType: 'quorum' | 'classic';
  /** Each floor role's driver pool: the services cap theirs at 10 (FerretDB deadlocks beyond). */
  floorPoolSize: number;
  /** The floor releases confirmed holds (BENCH_FLOOR_RELEASE_HOLDS=1); see floor-role.ts. */
  floorReleaseHolds: boolean;
  /** What the services run with (scripts/lib/common.sh): the memory figures depend on it. */
  serviceHeapFlags: string;
}

export const PHASE_NAMES = ['latency', 'spread', 'hot', 'volume'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export const TARGETS = {
  postToFinalP99Ms: 300,
  spreadPerSecond: 100,
  hotPerSecond: 50,
  volumeShare: 0.8,
  commandsPerOrder: 12,
  rssMb: 200,
  floorShare: 0.5,
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const scale = positive(env, 'BENCH_SCALE', 1);
  // Order counts and durations shrink with the scale; products and clients do not.
  const size = (name: string, fullSize: number, scaled = true) =>
    Math.max(1, Math.round(positive(env, name, scaled ? fullSize * scale : fullSize)));
  const hotOrders = size('BENCH_HOT_ORDERS', 3_000);
  const queueType = env.BENCH_FLOOR_QUEUE_TYPE ?? 'quorum';
  if (queueType !== 'quorum' && queueType !== 'classic') {
    throw new Error(`BENCH_FLOOR_QUEUE_TYPE must be quorum or classic, not ${queueType}`);
  }
  return {
    scale,
    phases: readPhases(env.BENCH_PHASES),
    floor: env.BENCH_FLOOR !== '0',
    floorOnly: env.BENCH_FLOOR_ONLY === '1',
    prefetch: Math.round(positive(env, 'PREFETCH', 10)),
    products: size('BENCH_PRODUCTS', 20, false),
    clients: size('BENCH_CLIENTS', 32, false),
    latency: {
      rate: positive(env, 'BENCH_LATENCY_RATE', 50),
      seconds: positive(env, 'BENCH_LATENCY_SECONDS', 60 * scale),
    },
    spreadOrders: size('BENCH_SPREAD_ORDERS', 3_000),
    // Half the orders can be served unless set otherwise, as in the contract (1,500 of 3,000).
    hot: { orders: hotOrders, stock: size('BENCH_HOT_STOCK', Math.floor(hotOrders / 2), false) },
    volumeStored: size('BENCH_VOLUME_STORED', 20_000),
    stallMs: positive(env, 'BENCH_STALL_SECONDS', 60) * 1000,
    maxWaitMs: positive(env, 'BENCH_MAX_WAIT_SECONDS', 3_600) * 1000,
    pollIntervalMs: positive(env, 'BENCH_POLL_MS', 500),
    floorQueueType: queueType,
    floorPoolSize: size('BENCH_FLOOR_POOL', CONNECTION_POOL_SIZE, false),
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
    `volume ${config.volumeStored} stored`,
    `service heap flags: ${config.serviceHeapFlags}`,
  ].join(', ');
}
