import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { migrate } from '../store/schema.js';

/** The store file unless `--store PATH` says otherwise; shared with src/store. */
export const DEFAULT_STORE = '.headroom/headroom.duckdb';

/** An open DuckDB store, migrated to the current schema (trace tables included). */
export interface TraceDb {
  conn: DuckDBConnection;
  path: string;
  /** Runs a query and returns plain JS row objects (BIGINT as number). */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): void;
}

/**
 * Opens (creating if needed) the DuckDB file and brings it to the store's current schema. `:memory:`
 * gives a throwaway database, which the tests use.
 *
 * @example
 * const db = await openTraceDb('.headroom/headroom.duckdb', process.cwd());
 */
export async function openTraceDb(path: string = DEFAULT_STORE, cwd = process.cwd()): Promise<TraceDb> {
  const full = path === ':memory:' ? path : resolve(cwd, path);
  if (full !== ':memory:') mkdirSync(dirname(full), { recursive: true });
  const instance = await DuckDBInstance.create(full);
  const conn = await instance.connect();
  // The store's versioned migrations, trace tables included (migration 4): a file the
  // trace commands open is a whole store, and an older one is upgraded here as well.
  await migrate(conn);
  const toJs = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
  return {
    conn,
    path: full,
    async all<T>(sql: string, params?: unknown[]) {
      const reader = await conn.runAndReadAll(sql, params as never);
      const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
      return rows.map((r) => {
        for (const k of Object.keys(r)) r[k] = toJs(r[k]);
        return r as T;
      });
    },
    async run(sql: string, params?: unknown[]) {
      await conn.run(sql, params as never);
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
