import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { FaultKind } from './schedule';
import { FAULT_KINDS } from './schedule';

export interface ChaosOptions {
  durationSeconds: number;
  clients: number;
  /** Orders per second from all clients together. */
  rate: number;
  faults: FaultKind[];
  /** How many times each kind of fault strikes. */
  repeat: number;
  seed: number;
}

export const USAGE = `Usage: npm run chaos -- [options]

  --duration <s>     how long orders keep coming, in seconds (default 180)
  --clients <n>      clients placing orders at once (default 8)
  --rate <n>         orders per second, all clients together (default 40)
  --faults <a,b,…>   which kinds of fault (default: all of them, listed below)
  --repeat <n>       how many times each kind strikes (default 2)
  --seed <n>         the run to replay (default: drawn at random, printed at the start)

Fault kinds: ${FAULT_KINDS.join(', ')}`;

/** Reads the command line; anything off is an error that says what would be right. */
export function readOptions(args: string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '180' },
      clients: { type: 'string', default: '8' },
      rate: { type: 'string', default: '40' },
      faults: { type: 'string', default: FAULT_KINDS.join(',') },
      repeat: { type: 'string', default: '2' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const faults = values.faults
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const known = `known: ${FAULT_KINDS.join(', ')}`;
  if (faults.length === 0) throw new Error(`--faults names no kind (${known})`);
  const unknown = faults.filter((name) => !(FAULT_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--faults: unknown kind ${unknown.join(', ')} (${known})`);
  return {
    durationSeconds: whole('--duration', values.duration, 10, 86_400),
    clients: whole('--clients', values.clients, 1, 256),
    rate: whole('--rate', values.rate, 1, 1_000),
    faults: [...new Set(faults)] as FaultKind[],
    repeat: whole('--repeat', values.repeat, 1, 100),
    seed:
      values.seed === undefined ? randomInt(2 ** 31) : whole('--seed', values.seed, 0, 2 ** 32 - 1),
  };
}

function whole(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}
