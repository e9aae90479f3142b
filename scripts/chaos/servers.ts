import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@ecommerce/shared/testing';
import { freePort } from '@ecommerce/tests-e2e';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const ENSURE_INFRA = path.join(ROOT, 'scripts/ensure-infra.sh');

/** How long a server may take to answer again after a crash before the run fails. */
const RECOVERY_TIMEOUT_MS = 120_000;

/**
 * The run's own FerretDB: on a port of its own, with its data in a PostgreSQL database of its own,
 * started (and started again after each crash) by scripts/ensure-infra.sh exactly as `npm start`
 * starts the usual one. Killing or freezing it touches no other run's database.
 */
export class ChaosDatabase {
  private constructor(
    readonly port: number,
    /** Where this FerretDB keeps its data. */
    readonly postgresqlUrl: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly startedFile: string,
  ) {}

  /** Its port and settings; `ensureRunning` starts it. */
  static async create(startedFile: string): Promise<ChaosDatabase> {
    const port = await freePort();
    const postgresqlUrl = new URL(
      process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb',
    );
    postgresqlUrl.pathname = '/ferretdb_chaos';
    const env = {
      ...process.env,
      MONGO_PORT: String(port),
      FERRETDB_POSTGRESQL_URL: postgresqlUrl.toString(),
      STARTED_FILE: startedFile,
    };
    return new ChaosDatabase(port, postgresqlUrl.toString(), env, startedFile);
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  /** The PostgreSQL database this FerretDB keeps its data in (its backends are named after it). */
  get postgresDatabase(): string {
    return new URL(this.postgresqlUrl).pathname.slice(1);
  }

  /** The FerretDB process, from the pid file that ensure-infra.sh keeps; undefined when none runs. */
  pid(): number | undefined {
    try {
      const pid = Number(readFileSync(path.join(ROOT, `.data/ferretdb-${this.port}.pid`), 'utf8'));
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Its pid, for a fault that must hit a running FerretDB. */
  runningPid(): number {
    const pid = this.pid();
    if (pid === undefined) throw new Error(`the run's FerretDB (port ${this.port}) is not running`);
    return pid;
  }

  /** Starts it when it is not running (and waits until it answers a ping). */
  async ensureRunning(): Promise<void> {
    await run('bash', [ENSURE_INFRA, 'database'], { env: this.env, timeout: RECOVERY_TIMEOUT_MS });
  }

  async stop(): Promise<void> {
    await run('bash', [ENSURE_INFRA, '--stop', this.startedFile], { env: this.env });
  }
}

/** The PostgreSQL backends serving `database` (PostgreSQL's processes are named after them). */
export function postgresBackends(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      // "postgres: [<cluster>: ]<user> <database> 127.0.0.1(<port>) <state>"
      if (/^postgres: (?:[^ ]+: )?[^ ]+ ([^ ]+) /.exec(command)?.[1] === database) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/**
 * Waits until PostgreSQL takes connections again after a crash: its postmaster ends every backend
 * and replays the WAL meanwhile (pg_isready answers "rejecting connections").
 */
export async function waitForPostgres(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await eventually(
    () => run('pg_isready', ['-q', '-h', hostname, '-p', port || '5432'], { timeout: 10_000 }),
    { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 100 },
  );
}

/** RabbitMQ's Erlang VM, the process that a crash of the broker is. */
export async function rabbitmqPid(): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'eval', 'list_to_integer(os:getpid()).'], {
    timeout: 30_000,
  });
  return Number(stdout.trim());
}

/** Whether RabbitMQ's node answers. */
export async function rabbitmqRuns(): Promise<boolean> {
  return run('rabbitmqctl', ['-q', 'ping', '--timeout', '10'], { timeout: 30_000 }).then(
    () => true,
    () => false,
  );
}

/** Starts RabbitMQ again as its package does, and waits until it takes logins. */
export async function startRabbitmq(): Promise<void> {
  await run('rabbitmq-server', ['-detached'], { timeout: 30_000 });
  await eventually(() => run('rabbitmqctl', ['-q', 'await_startup'], { timeout: 60_000 }), {
    timeoutMs: RECOVERY_TIMEOUT_MS,
    intervalMs: 500,
  });
}

/** Waits until the process is gone (a SIGKILL is not instant). */
export async function waitForExit(pid: number): Promise<void> {
  await eventually(
    () => {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      throw new Error(`process ${pid} is still there`);
    },
    { timeoutMs: 30_000, intervalMs: 20 },
  );
}
