import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidInput } from '../core/errors.js';
import { TRACE_FINDINGS_BASIS_SQL, TRACE_TABLES_SQL } from './trace-tables.js';

/**
 * The store's schema as an ordered list of migrations. A store records the versions it
 * has applied in `schema_version`; opening it applies the missing ones in one transaction
 * each, so a store written by an older headroom opens in a newer one. Migrations are
 * append-only: never edit one that has shipped, add the next.
 *
 * JSON is kept in VARCHAR columns on purpose: DuckDB's JSON type needs the json extension,
 * which may not be loadable offline; `json_extract` still works on VARCHAR when it is.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, per-second series, final histograms',
    sql: [
      `CREATE TABLE runs (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        target VARCHAR,
        config VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ,
        owner_pid INTEGER,
        owner_host VARCHAR,
        summary VARCHAR,
        exit_code INTEGER
      )`,
      // The whole sample is kept as JSON (exact, and new engine fields need no migration);
      // the columns beside it are the ones worth querying in SQL. No primary key on purpose:
      // DuckDB loads a table's ART index when it first writes to it, so every one-second
      // flush would pay for the index of every run ever stored (measured: 22 ms of CPU per
      // flush without it, 71 ms with it on a 100k-row store). Rows are appended once each
      // (a failed flush rolls back whole), and DuckDB's zone maps keep reads of one run fast.
      `CREATE TABLE series (
        run_id VARCHAR NOT NULL,
        t INTEGER NOT NULL,
        offered_rps DOUBLE,
        achieved_rps DOUBLE NOT NULL,
        lat_p50 DOUBLE,
        lat_p99 DOUBLE,
        lat_max DOUBLE,
        svc_p99 DOUBLE,
        errors INTEGER NOT NULL,
        sample VARCHAR NOT NULL
      )`,
      `CREATE TABLE histograms (
        run_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        encoding VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        PRIMARY KEY (run_id, name)
      )`,
    ],
  },
  {
    version: 2,
    description: 'squeeze steps and results; heartbeat and labels on runs',
    sql: [
      `ALTER TABLE runs ADD COLUMN heartbeat_at TIMESTAMPTZ`,
      `ALTER TABLE runs ADD COLUMN labels VARCHAR DEFAULT '{}'`,
      `CREATE TABLE squeeze_steps (
        run_id VARCHAR NOT NULL,
        step INTEGER NOT NULL,
        phase VARCHAR NOT NULL,
        target_rps DOUBLE NOT NULL,
        achieved_rps DOUBLE NOT NULL,
        p99_ms DOUBLE NOT NULL,
        error_rate DOUBLE NOT NULL,
        ok BOOLEAN NOT NULL,
        t_start DOUBLE NOT NULL,
        t_end DOUBLE NOT NULL,
        detail VARCHAR,
        PRIMARY KEY (run_id, step)
      )`,
      `CREATE TABLE squeeze_results (
        run_id VARCHAR PRIMARY KEY,
        capacity_rps DOUBLE,
        ci_low DOUBLE,
        ci_high DOUBLE,
        binding_guard VARCHAR,
        slo_p99_ms DOUBLE,
        usl VARCHAR,
        curve VARCHAR NOT NULL,
        stop_reason VARCHAR,
        result VARCHAR
      )`,
    ],
  },
  {
    version: 3,
    description: 'demand forecasts and capacity plans (headroom predict)',
    sql: [
      // The whole output is kept as JSON in `doc` (what --json prints, plus the chart's
      // series); the columns beside it are what lists and filters read.
      `CREATE TABLE forecasts (
        id VARCHAR PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL,
        source VARCHAR NOT NULL,
        horizon INTEGER NOT NULL,
        step_s DOUBLE NOT NULL,
        config VARCHAR NOT NULL,
        doc VARCHAR NOT NULL
      )`,
      `CREATE TABLE plans (
        id VARCHAR PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL,
        source VARCHAR NOT NULL,
        capacity_run_id VARCHAR,
        quantile DOUBLE NOT NULL,
        peak_demand DOUBLE,
        peak_instances INTEGER,
        instances INTEGER,
        runway_until TIMESTAMPTZ,
        config VARCHAR NOT NULL,
        doc VARCHAR NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    description: 'trace imports, records and findings (headroom trace)',
    sql: [...TRACE_TABLES_SQL],
  },
  {
    version: 5,
    description: 'what the stored trace findings were computed from (the dashboard serves them while current)',
    sql: [...TRACE_FINDINGS_BASIS_SQL],
  },
];

/** The schema version this headroom writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The versions already applied to the database on `conn` (empty for a new file). */
export async function appliedVersions(conn: DuckDBConnection): Promise<number[]> {
  await conn.run(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const r = await conn.runAndReadAll('SELECT version FROM schema_version ORDER BY version');
  return r.getRowsJS().map((row) => Number(row[0]));
}

/**
 * Brings the schema up to `upTo` (default: the latest), one transaction per migration so
 * a crash mid-way leaves the store at the previous version, never half-migrated.
 * Returns the versions it applied.
 *
 * @example
 * await migrate(conn);          // a new or old store, now at SCHEMA_VERSION
 * await migrate(conn, 1);       // only the first migration (tests of upgrades)
 */
export async function migrate(conn: DuckDBConnection, upTo: number = SCHEMA_VERSION): Promise<number[]> {
  const have = new Set(await appliedVersions(conn));
  const newest = Math.max(0, ...have);
  if (newest > SCHEMA_VERSION) {
    // A newer headroom wrote this store: reading it with an older schema could misread it.
    throw invalidInput(
      'HR_E_STORE_VERSION',
      `store: schema version ${newest} was written by a newer headroom; this one reads up to ${SCHEMA_VERSION}`,
      'upgrade headroom, or use another --store PATH',
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version > upTo || have.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const stmt of m.sql) await conn.run(stmt);
      await conn.run('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [m.version, m.description]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}
