import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { invalidInput } from '../core/errors.js';
import type { RunSummary, SecondSample } from '../core/load-types.js';
import { redactConfig, redactUrl } from '../core/redact.js';
import { releaseDb, withDb, type DbOptions } from './db.js';
import { multiInsert, query, sampleToRow, SERIES_COLUMNS, SERIES_JSON_SQL } from './rows.js';
import { migrate } from './schema.js';
import type {
  RunDetail, RunFilter, RunKind, RunRecord, RunStatus, SqueezeResultRecord, SqueezeStepRecord, StoredHistograms,
} from './types.js';

/** Where the store lives when no --store is given: `.headroom/headroom.duckdb` in the working directory. */
export function defaultStorePath(cwd: string): string {
  return join(cwd, '.headroom', 'headroom.duckdb');
}

/** A run with a live owner that has not flushed for this long is taken as dead (pid reused, machine gone). */
const STALE_HEARTBEAT_MS = 5 * 60_000;
const ROWS_PER_INSERT = 200;

/**
 * A time-sortable, unique run id: `20261122-035512-3f9a1c`.
 */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(3).toString('hex')}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const RUN_SELECT = `SELECT r.id, r.kind, r.status, r.target, r.config, r.labels, r.summary, r.exit_code,
  epoch_ms(r.started_at) AS started_at, epoch_ms(r.ended_at) AS ended_at, epoch_ms(r.heartbeat_at) AS heartbeat_at,
  (SELECT count(*) FROM series s WHERE s.run_id = r.id) AS seconds,
  (SELECT q.capacity_rps FROM squeeze_results q WHERE q.run_id = r.id) AS capacity_rps
  FROM runs r`;

function toRun(r: Record<string, unknown>): RunRecord {
  return {
    id: r.id as string,
    kind: r.kind as RunKind,
    status: r.status as RunStatus,
    target: (r.target as string | null) ?? null,
    config: JSON.parse((r.config as string) || '{}') as Record<string, unknown>,
    labels: JSON.parse((r.labels as string | null) || '{}') as Record<string, string>,
    started_at: r.started_at as number,
    ended_at: (r.ended_at as number | null) ?? null,
    heartbeat_at: (r.heartbeat_at as number | null) ?? null,
    seconds: (r.seconds as number) ?? 0,
    summary: r.summary ? (JSON.parse(r.summary as string) as RunSummary) : null,
    exit_code: (r.exit_code as number | null) ?? null,
    capacity_rps: (r.capacity_rps as number | null) ?? null,
  };
}

export interface NewRun {
  kind: RunKind;
  target: string | null;
  config: Record<string, unknown>;
  labels?: Record<string, string>;
  /** Defaults to a fresh newRunId(). */
  id?: string;
  /** Defaults to now. */
  startedAt?: number;
}

export interface FinishRun {
  status: Exclude<RunStatus, 'running'>;
  summary?: RunSummary | null;
  exitCode?: number | null;
  histograms?: StoredHistograms;
  endedAt?: number;
}

/**
 * The headroom store: every run and squeeze, with its per-second series, final
 * histograms and squeeze result, in one DuckDB file. It holds no open handle between
 * calls (see db.ts), so any number of headroom processes can share one file.
 *
 * @example
 * const store = await Store.open('.headroom/headroom.duckdb');
 * const id = await store.createRun({ kind: 'run', target: 'http://127.0.0.1:8080/', config: { rate: 100 } });
 * await store.appendSeries(id, samples);
 * await store.finishRun(id, { status: 'passed', summary });
 */
export class Store {
  private constructor(
    readonly path: string,
    private readonly db: DbOptions,
  ) {}

  /** Opens (creating if needed) and migrates the store, and marks runs whose owner died as incomplete. */
  static async open(path: string, opts: DbOptions = {}): Promise<Store> {
    const store = new Store(path, opts);
    await store.use(async (c) => {
      await migrate(c);
      await reconcile(c);
    });
    return store;
  }

  private use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return withDb(this.path, fn, this.db);
  }

  /** Records the start of a run (status running, owned by this process); returns its id. */
  async createRun(run: NewRun): Promise<string> {
    const id = run.id ?? newRunId();
    const started = run.startedAt ?? Date.now();
    await this.use((c) =>
      c.run(
        `INSERT INTO runs (id, kind, status, target, config, labels, started_at, heartbeat_at, owner_pid, owner_host)
         VALUES ($1, $2, 'running', $3, $4, $5, make_timestamptz($6::BIGINT * 1000), now(), $7, $8)`,
        [id, run.kind, run.target === null ? null : redactUrl(run.target), JSON.stringify(redactConfig(run.config)),
          JSON.stringify(run.labels ?? {}), started, process.pid, hostname()],
      ),
    );
    return id;
  }

  /**
   * Appends seconds to a run's series and refreshes its heartbeat, in one transaction:
   * after a crash the series holds whole flushes only. Each second is appended once.
   */
  async appendSeries(runId: string, samples: readonly SecondSample[]): Promise<void> {
    await this.use((c) => inTransaction(c, async () => {
      await insertSeries(c, runId, samples);
      await c.run(`UPDATE runs SET heartbeat_at = now() WHERE id = $1`, [runId]);
    }));
  }

  /** Records a run's end: status, summary, exit code and final histograms. */
  async finishRun(runId: string, f: FinishRun): Promise<void> {
    await this.use((c) => inTransaction(c, async () => {
      await c.run(
        `UPDATE runs SET status = $2, summary = $3, exit_code = $4, ended_at = make_timestamptz($5::BIGINT * 1000), heartbeat_at = now()
         WHERE id = $1`,
        [runId, f.status, f.summary ? JSON.stringify(f.summary) : null, f.exitCode ?? null, f.endedAt ?? Date.now()],
      );
      for (const [name, data] of Object.entries(f.histograms ?? {})) {
        if (!data) continue;
        await c.run(`INSERT OR REPLACE INTO histograms (run_id, name, encoding, data) VALUES ($1, $2, 'hdr-base64', $3)`,
          [runId, name, data]);
      }
    }));
  }

  /** Stores squeeze steps (as they are held) and, when given, the final result. */
  async saveSqueeze(runId: string, steps: readonly SqueezeStepRecord[], result?: SqueezeResultRecord): Promise<void> {
    await this.use((c) => inTransaction(c, async () => {
      for (const s of steps) {
        await c.run(
          `INSERT OR REPLACE INTO squeeze_steps (run_id, step, phase, target_rps, achieved_rps, p99_ms, error_rate, ok, t_start, t_end, detail)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [runId, s.step, s.phase, s.target_rps, s.achieved_rps, s.p99_ms, s.error_rate, s.ok, s.t_start, s.t_end,
            s.detail ? JSON.stringify(s.detail) : null],
        );
      }
      if (result) {
        await c.run(
          `INSERT OR REPLACE INTO squeeze_results (run_id, capacity_rps, ci_low, ci_high, binding_guard, slo_p99_ms, usl, curve, stop_reason, result)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [runId, result.capacity_rps, result.ci?.low ?? null, result.ci?.high ?? null, result.binding_guard, result.slo_p99_ms,
            result.usl ? JSON.stringify(result.usl) : null, JSON.stringify(result.curve ?? []), result.stop_reason ?? null,
            result.result === undefined ? null : JSON.stringify(result.result)],
        );
      }
    }));
  }

  /** Removes a run and everything recorded for it. */
  async deleteRun(runId: string): Promise<void> {
    await this.use((c) => inTransaction(c, async () => {
      for (const table of ['series', 'histograms', 'squeeze_steps', 'squeeze_results']) {
        await c.run(`DELETE FROM ${table} WHERE run_id = $1`, [runId]);
      }
      await c.run('DELETE FROM runs WHERE id = $1', [runId]);
    }));
  }

  /** Runs, newest first, filtered. */
  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: DuckDBValue[] = [];
    const add = (sql: string, v: DuckDBValue) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.kind) add('r.kind = ?', filter.kind);
    if (filter.status) add('r.status = ?', filter.status);
    if (filter.target) add(`contains(r.target, ?)`, filter.target);
    if (filter.since !== undefined) add('r.started_at >= make_timestamptz(?::BIGINT * 1000)', filter.since);
    if (filter.until !== undefined) add('r.started_at < make_timestamptz(?::BIGINT * 1000)', filter.until);
    const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
    const sql = `${RUN_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY r.started_at DESC, r.id DESC`;
    let runs = (await this.use((c) => query(c, sql, params))).map(toRun);
    // Labels are few per run; filtering them here keeps the SQL free of the json extension.
    if (filter.label) runs = runs.filter((r) => r.labels[filter.label!.key] === filter.label!.value);
    return runs.slice(0, limit);
  }

  /** One run by id or unique id prefix; HR_E_RUN_NOT_FOUND / HR_E_RUN_AMBIGUOUS otherwise. */
  async getRun(idOrPrefix: string): Promise<RunRecord> {
    return this.use((c) => findRun(c, idOrPrefix));
  }

  /** A run's per-second series, optionally only the seconds after `afterT` (live updates). */
  async getSeries(runId: string, afterT = 0): Promise<SecondSample[]> {
    return JSON.parse(await this.getSeriesJson(runId, afterT)) as SecondSample[];
  }

  /** The same as getSeries, as JSON text ready to send (no parse and re-serialise in the server). */
  async getSeriesJson(runId: string, afterT = 0): Promise<string> {
    const [row] = await this.use((c) => query(c, SERIES_JSON_SQL, [runId, afterT]));
    return (row?.json as string | undefined) ?? '[]';
  }

  /** A run (by id or prefix) and its series as JSON text, in one opening of the file (the API's hot path). */
  async getRunSeriesJson(idOrPrefix: string, afterT = 0): Promise<{ run: RunRecord; json: string }> {
    return this.use(async (c) => {
      const run = await findRun(c, idOrPrefix);
      const [row] = await query(c, SERIES_JSON_SQL, [run.id, afterT]);
      return { run, json: (row?.json as string | undefined) ?? '[]' };
    });
  }

  async getHistograms(runId: string): Promise<StoredHistograms> {
    const rows = await this.use((c) => query(c, `SELECT name, data FROM histograms WHERE run_id = $1`, [runId]));
    return Object.fromEntries(rows.map((r) => [r.name as string, r.data as string])) as StoredHistograms;
  }

  /** A squeeze's steps and result (null result while it runs or when it never finished). */
  async getSqueeze(runId: string): Promise<{ steps: SqueezeStepRecord[]; result: SqueezeResultRecord | null }> {
    return this.use(async (c) => {
      const steps = (await query(c, `SELECT * FROM squeeze_steps WHERE run_id = $1 ORDER BY step`, [runId])).map((r) => ({
        step: r.step as number, phase: r.phase as string, target_rps: r.target_rps as number, achieved_rps: r.achieved_rps as number,
        p99_ms: r.p99_ms as number, error_rate: r.error_rate as number, ok: r.ok as boolean, t_start: r.t_start as number,
        t_end: r.t_end as number, ...(r.detail ? { detail: JSON.parse(r.detail as string) as Record<string, unknown> } : {}),
      }));
      const [r] = await query(c, `SELECT * FROM squeeze_results WHERE run_id = $1`, [runId]);
      const result: SqueezeResultRecord | null = r
        ? {
          capacity_rps: (r.capacity_rps as number | null) ?? null,
          ci: r.ci_low === null ? null : { low: r.ci_low as number, high: (r.ci_high as number | null) ?? null },
          binding_guard: (r.binding_guard as string | null) ?? null,
          slo_p99_ms: (r.slo_p99_ms as number | null) ?? null,
          usl: r.usl ? JSON.parse(r.usl as string) : null,
          curve: JSON.parse(r.curve as string),
          stop_reason: (r.stop_reason as string | null) ?? null,
          result: r.result ? JSON.parse(r.result as string) : undefined,
        }
        : null;
      return { steps, result };
    });
  }

  /** Everything about one run, read in one opening of the file. */
  async getRunDetail(idOrPrefix: string): Promise<RunDetail> {
    const run = await this.getRun(idOrPrefix);
    const [series, histograms, squeeze] = await Promise.all([
      this.getSeries(run.id),
      this.getHistograms(run.id),
      run.kind === 'squeeze' ? this.getSqueeze(run.id) : Promise.resolve(null),
    ]);
    return { run, series, histograms, squeeze };
  }

  /** Lets go of the file if this process holds it (DbOptions.hold): the end of a recording. */
  release(): void {
    releaseDb(this.path);
  }

  /** Marks runs whose recording process died as incomplete; returns how many. */
  async reconcile(): Promise<number> {
    return this.use(reconcile);
  }
}

async function inTransaction(c: DuckDBConnection, fn: () => Promise<void>): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await fn();
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK');
    throw e;
  }
}

async function insertSeries(c: DuckDBConnection, runId: string, samples: readonly SecondSample[]): Promise<void> {
  for (let i = 0; i < samples.length; i += ROWS_PER_INSERT) {
    const chunk = samples.slice(i, i + ROWS_PER_INSERT);
    await c.run(multiInsert('series', SERIES_COLUMNS, chunk.length), chunk.flatMap((s) => sampleToRow(runId, s)));
  }
}

async function findRun(c: DuckDBConnection, idOrPrefix: string): Promise<RunRecord> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(idOrPrefix)) {
    throw invalidInput('HR_E_BAD_RUN_ID', `run id: expected letters, digits and dashes, got ${JSON.stringify(idOrPrefix.slice(0, 80))}`);
  }
  const rows = await query(c, `${RUN_SELECT} WHERE r.id = $1 OR starts_with(r.id, $1) ORDER BY r.id LIMIT 3`, [idOrPrefix]);
  const exact = rows.find((r) => r.id === idOrPrefix);
  if (exact) return toRun(exact);
  if (rows.length === 0) {
    throw invalidInput('HR_E_RUN_NOT_FOUND', `run id: no run "${idOrPrefix}" in the store`, 'list runs with "headroom serve" or GET /api/runs');
  }
  if (rows.length > 1) {
    throw invalidInput('HR_E_RUN_AMBIGUOUS', `run id: "${idOrPrefix}" matches several runs; give more characters`);
  }
  return toRun(rows[0]!);
}

async function reconcile(c: DuckDBConnection): Promise<number> {
  const rows = await query(c,
    `SELECT id, owner_pid, owner_host, epoch_ms(heartbeat_at) AS hb FROM runs WHERE status = 'running'`);
  const host = hostname();
  const now = Date.now();
  const dead = rows.filter((r) => {
    const stale = typeof r.hb === 'number' && now - r.hb > STALE_HEARTBEAT_MS;
    if (r.owner_host === host && typeof r.owner_pid === 'number') return !isAlive(r.owner_pid) || stale;
    return stale;
  });
  for (const r of dead) {
    // The run ends where its last flush did: the series holds every second up to then.
    await c.run(`UPDATE runs SET status = 'incomplete', ended_at = coalesce(heartbeat_at, started_at) WHERE id = $1 AND status = 'running'`,
      [r.id as string]);
  }
  return dead.length;
}
