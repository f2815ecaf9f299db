import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { emptyRecord } from '../core/trace-record.js';
import { openTraceDb } from '../trace/db.js';
import { insertRecords } from '../trace/store-import.js';
import { closeAllDbs, withDb } from './db.js';
import { query } from './rows.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './schema.js';
import { Store } from './store.js';
import { TRACE_TABLES_SQL } from './trace-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'hr-trace-mig-'));
let n = 0;
const fresh = () => join(dir, `s${++n}.duckdb`);
after(async () => {
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

const tables = (path: string) => withDb(path, async (c) => (await query(c, `SELECT table_name FROM duckdb_tables() ORDER BY 1`)).map((r) => r.table_name as string));
const versions = (path: string) => withDb(path, async (c) => (await query(c, 'SELECT version FROM schema_version ORDER BY 1')).map((r) => r.version as number));

test('the trace tables are migration 4 of the store', () => {
  const m = MIGRATIONS.find((x) => x.version === 4)!;
  assert.deepEqual(m.sql, [...TRACE_TABLES_SQL]);
  assert.ok(SCHEMA_VERSION >= 4);
});

test('an older store (no trace tables) opens and gains them, its runs kept', async () => {
  const path = fresh();
  await withDb(path, async (c) => {
    assert.deepEqual(await migrate(c, 3), [1, 2, 3]);
    await c.run(`INSERT INTO runs (id, kind, status, target, config, started_at) VALUES ('old-run', 'run', 'passed', NULL, '{}', now())`);
  });
  assert.ok(!(await tables(path)).includes('trace_requests'));
  await closeAllDbs();
  const store = await Store.open(path);
  assert.ok((await tables(path)).some((t) => t === 'trace_requests'));
  assert.deepEqual(await versions(path), MIGRATIONS.map((x) => x.version));
  assert.equal((await store.getRun('old-run')).status, 'passed');
  await closeAllDbs();
  // The trace commands write into the same file, now one store.
  const db = await openTraceDb(path, dir);
  const r = Object.assign(emptyRecord('t:1'), { ts: 1_700_000_000_000, client: 'c', method: 'GET', path: '/x', route: '/x', status: 200 });
  assert.equal(await insertRecords(db, [r], 'test'), 1);
  db.close();
  const [row] = await withDb(path, (c) => query(c, 'SELECT count(*) AS n FROM trace_requests'));
  assert.equal(row!.n, 1);
});

test('a file the trace commands made before migration 4 (no schema_version) keeps its records', async () => {
  const path = fresh();
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  for (const stmt of TRACE_TABLES_SQL) await conn.run(stmt);
  await conn.run(`INSERT INTO trace_imports VALUES (1, 'old.log', 'clf', now()::TIMESTAMP, 0, 0, '[]')`);
  conn.closeSync();
  instance.closeSync();
  await Store.open(path);
  assert.deepEqual(await versions(path), MIGRATIONS.map((x) => x.version));
  const [row] = await withDb(path, (c) => query(c, 'SELECT source FROM trace_imports'));
  assert.equal(row!.source, 'old.log');
  assert.ok((await tables(path)).includes('runs'));
  await closeAllDbs();
});

test('the trace commands upgrade an older store too', async () => {
  const path = fresh();
  await withDb(path, (c) => migrate(c, 2));
  await closeAllDbs();
  const db = await openTraceDb(path, dir);
  const v = await db.all<{ version: number }>('SELECT version FROM schema_version ORDER BY 1');
  db.close();
  assert.deepEqual(v.map((x) => x.version), MIGRATIONS.map((x) => x.version));
});

test('migration 5 gives a version-4 store the findings basis, its stored findings kept (and stale)', async () => {
  const path = fresh();
  await withDb(path, async (c) => {
    assert.deepEqual(await migrate(c, 4), [1, 2, 3, 4]);
    await c.run(`INSERT INTO trace_findings VALUES (now()::TIMESTAMP, 'polling', 'c', 'GET /x', 3, 0.1, 0, 'low', 'old', '[]')`);
  });
  await closeAllDbs();
  await Store.open(path);
  assert.deepEqual(await versions(path), MIGRATIONS.map((x) => x.version));
  const rows = await withDb(path, (c) => query(c, 'SELECT summary, seq FROM trace_findings'));
  assert.deepEqual(rows, [{ summary: 'old', seq: 0 }]);
  const [b] = await withDb(path, (c) => query(c, 'SELECT count(*) AS n FROM trace_findings_basis'));
  assert.equal(b!.n, 0, 'no basis: the old findings are not served as current');
  await closeAllDbs();
});
