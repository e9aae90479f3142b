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
 * PostgreSQL's statistics. FerretDB's schema is the database, and its metadata table names the
 * collection's table.
 */
export function tableReads(database: string, collection: string): TableReads {
  const table =
    `SELECT _jsonb->>'table' FROM "${database}"._ferretdb_database_metadata ` +
    `WHERE _jsonb->>'_id' = '${collection}'`;
  const output = execFileSync(
    'psql',
    [
      '-X',
      '-Atq',
      POSTGRESQL_URL,
      '-c',
      `SELECT coalesce(seq_tup_read, 0), coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0) ` +
        `FROM pg_stat_user_tables WHERE schemaname = '${database}' AND relname = (${table})`,
    ],
    { encoding: 'utf8' },
  ).trim();
  if (!/^\d+\|\d+\|\d+$/.test(output)) {
    throw new Error(`No statistics of ${database}.${collection}'s table: "${output}"`);
  }
  const [sequentialRows, indexScans, indexRows] = output.split('|').map(Number);
  return { sequentialRows, indexScans, indexRows };
}
