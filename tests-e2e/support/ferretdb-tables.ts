import { execFileSync } from 'node:child_process';

/** FerretDB's PostgreSQL database (scripts/ensure-infra.sh), as the script's variable names it. */
const POSTGRESQL_URL =
  process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb';

/** A node of a PostgreSQL plan (EXPLAIN FORMAT JSON), as FerretDB's `explain` returns it. */
export type Plan = Record<string, unknown> & { Plans?: Plan[]; Plan?: Plan };

export interface TableReads {
  /** Rows read by sequential scans. */
  sequentialRows: number;
  indexScans: number;
  /** Rows fetched by index scans. */
  indexRows: number;
}

/**
 * How the table of `collection` in the MongoDB database `database` was read so far, from
 * PostgreSQL's statistics.
 */
export function tableReads(database: string, collection: string): TableReads {
  const output = psql(
    `SELECT coalesce(seq_tup_read, 0), coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0) ` +
      `FROM pg_stat_user_tables WHERE schemaname = '${database}' AND relname = (${tableOf(database, collection)})`,
  );
  if (!/^\d+\|\d+\|\d+$/.test(output)) {
    throw new Error(`No statistics of ${database}.${collection}'s table: "${output}"`);
  }
  const [sequentialRows, indexScans, indexRows] = output.split('|').map(Number);
  return { sequentialRows, indexScans, indexRows };
}

/** Takes PostgreSQL's statistics of the table of `collection` now (ANALYZE), as they stand. */
export function analyzeTable(database: string, collection: string): void {
  const table = psql(tableOf(database, collection));
  if (!table) throw new Error(`No table for ${database}.${collection}`);
  psql(`ANALYZE "${database}"."${table}"`);
}

/** How PostgreSQL compressed each stored document of `collection` (none: not compressed). */
export function compressionsOf(database: string, collection: string): string[] {
  const table = psql(tableOf(database, collection));
  if (!table) throw new Error(`No table for ${database}.${collection}`);
  const rows = psql(
    `SELECT coalesce(pg_column_compression(_jsonb), 'none') FROM "${database}"."${table}" ORDER BY _jsonb->>'_id'`,
  );
  return rows.split('\n');
}

/**
 * Has PostgreSQL write every changed page to disk now (CHECKPOINT), and says how long that took,
 * or why it could not: the login needs the role `pg_checkpoint` (PostgreSQL 15 on), which
 * scripts/ensure-infra.sh grants when it creates the login. A bulk write leaves its pages to a
 * checkpoint that otherwise runs, and slows every commit, for a minute or more after it.
 */
export function checkpoint(): { seconds: number } | { refused: string } {
  const started = performance.now();
  try {
    psql('CHECKPOINT');
    return { seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return { refused: String(stderr ?? error).trim() };
  }
}

/** FerretDB's schema is the database, and its metadata table names the collection's table. */
const tableOf = (database: string, collection: string) =>
  `SELECT _jsonb->>'table' FROM "${database}"._ferretdb_database_metadata ` +
  `WHERE _jsonb->>'_id' = '${collection}'`;

function psql(command: string): string {
  return execFileSync('psql', ['-X', '-Atq', POSTGRESQL_URL, '-c', command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
