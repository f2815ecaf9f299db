import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { HeadroomError, ExitCode } from '../core/errors.js';

/**
 * Short-lived access to a DuckDB file that several processes share.
 *
 * DuckDB lets one process at a time open a file for writing (it takes an OS file lock;
 * https://duckdb.org/docs/stable/connect/concurrency). So no headroom process keeps the
 * store open: each write (a recorder's one-second flush) and each read (a server
 * request) opens the file, does its work, and closes it, which releases the lock within
 * tens of milliseconds. A process that finds the lock taken waits with a jittered
 * backoff, up to a bound, and then fails with HR_E_STORE_LOCKED — it never writes
 * around the lock, so the file cannot be corrupted by two writers.
 *
 * Inside one process the open instance is shared and reference-counted, because DuckDB
 * refuses a second instance of a file already open in the same process.
 *
 * A recording run flushes every second, and opening the file costs ~12 ms of CPU each
 * time. So a recorder opens in `hold` mode: it keeps the file open between its flushes
 * until another process asks for it. A process that finds the file locked touches a
 * marker file beside it (`<store>.want`); a holder looks at the marker after each use
 * (one stat) and, when it was touched since the holder opened, closes the file then, so
 * the other process gets in within one flush interval. Nobody waits on a holder for
 * longer than that, and nobody pays for reopening while nobody else is looking.
 */
interface Entry {
  instance: Promise<DuckDBInstance>;
  /** Set once the instance is open, so that closing is synchronous (no window for a second instance). */
  resolved?: DuckDBInstance;
  refs: number;
  idleTimer?: NodeJS.Timeout;
  /** When the file was opened (epoch ms): a want marker older than this was for an earlier holder. */
  openedAt: number;
  hold: boolean;
  /** While held and unused: looks for a want marker a few times a second. */
  holdTimer?: NodeJS.Timeout;
}

const HOLD_CHECK_MS = 200;

const open = new Map<string, Entry>();

export interface DbOptions {
  /** How long to keep retrying while another process holds the file lock (ms). */
  lockTimeoutMs?: number;
  /** Keep the file open this long after the last use, to serve bursts of reads (ms). */
  idleCloseMs?: number;
  /** Keep the file open after use until another process asks for it (a recorder's flushes). */
  hold?: boolean;
}

const wantPath = (key: string) => `${key}.want`;

/** Another process is waiting for the file if it touched the marker since we opened it. */
function wanted(key: string, openedAt: number): boolean {
  try {
    return statSync(wantPath(key)).mtimeMs >= openedAt;
  } catch {
    return false;
  }
}

function askForFile(key: string): void {
  try {
    writeFileSync(wantPath(key), String(process.pid));
  } catch {
    // A read-only folder: the holder still closes at its end, only later.
  }
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

function isLockError(e: unknown): boolean {
  return /Could not set lock|Conflicting lock/i.test((e as Error)?.message ?? '');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function createWithRetry(path: string, lockTimeoutMs: number): Promise<DuckDBInstance> {
  const deadline = Date.now() + lockTimeoutMs;
  let wait = 10;
  for (;;) {
    try {
      return await DuckDBInstance.create(path);
    } catch (e) {
      if (isLockError(e)) askForFile(path);
      if (!isLockError(e)) {
        throw new HeadroomError('HR_E_STORE_OPEN', `store: cannot open ${path}: ${firstLine(e)}`, ExitCode.invalidInput,
          'check the path given to --store, or move the file aside');
      }
      if (Date.now() >= deadline) {
        throw new HeadroomError(
          'HR_E_STORE_LOCKED',
          `store: ${path} stayed locked by another process for ${Math.round(lockTimeoutMs / 1000)}s`,
          ExitCode.invalidInput,
          'another program (not headroom) keeps the store open; close it, or use --store PATH / --no-store',
        );
      }
      await sleep(wait * (0.5 + Math.random()));
      wait = Math.min(wait * 2, 250);
    }
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

/**
 * Runs `fn` with a connection to the store file at `path`, opening the file (waiting out
 * another process's lock, bounded) and closing it afterwards.
 *
 * @example
 * const n = await withDb('.headroom/headroom.duckdb', async (c) => (await c.runAndReadAll('select 1')).getRowsJS());
 */
export async function withDb<T>(path: string, fn: (conn: DuckDBConnection) => Promise<T>, opts: DbOptions = {}): Promise<T> {
  const key = resolve(path);
  let entry = open.get(key);
  if (!entry) {
    mkdirSync(dirname(key), { recursive: true });
    entry = { instance: createWithRetry(key, opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS), refs: 0, openedAt: 0, hold: false };
    open.set(key, entry);
    entry.instance.catch(() => {
      if (open.get(key) === entry) open.delete(key);
    });
  }
  const e = entry;
  e.refs++;
  if (e.idleTimer) {
    clearTimeout(e.idleTimer);
    e.idleTimer = undefined;
  }
  if (e.holdTimer) {
    clearInterval(e.holdTimer);
    e.holdTimer = undefined;
  }
  let conn: DuckDBConnection | undefined;
  try {
    const instance = await e.instance;
    if (!e.resolved) e.openedAt = Date.now();
    e.resolved = instance;
    if (opts.hold) e.hold = true;
    conn = await instance.connect();
    return await fn(conn);
  } finally {
    conn?.closeSync();
    e.refs--;
    if (e.refs === 0) {
      const close = () => {
        if (e.refs > 0 || open.get(key) !== e) return;
        if (e.holdTimer) clearInterval(e.holdTimer);
        open.delete(key);
        e.resolved?.closeSync();
      };
      const idle = opts.idleCloseMs ?? 0;
      if (e.hold && !wanted(key, e.openedAt)) {
        // Held for the next flush; let go as soon as another process asks (or at releaseDb).
        e.holdTimer = setInterval(() => {
          if (wanted(key, e.openedAt)) close();
        }, HOLD_CHECK_MS);
        e.holdTimer.unref();
      } else if (idle > 0) {
        e.idleTimer = setTimeout(close, idle);
        e.idleTimer.unref();
      } else {
        close();
      }
    }
  }
}

/** Closes a file this process holds (a recorder at its end), unless it is in use right now. */
export function releaseDb(path: string): void {
  const key = resolve(path);
  const e = open.get(key);
  if (!e) return;
  e.hold = false;
  if (e.refs > 0) return; // the last user closes it
  if (e.idleTimer) clearTimeout(e.idleTimer);
  if (e.holdTimer) clearInterval(e.holdTimer);
  open.delete(key);
  e.resolved?.closeSync();
}

/** Closes every store file this process still has open (for tests and shutdown). */
export async function closeAllDbs(): Promise<void> {
  const entries = [...open.values()];
  open.clear();
  for (const e of entries) {
    if (e.idleTimer) clearTimeout(e.idleTimer);
    if (e.holdTimer) clearInterval(e.holdTimer);
    try {
      (await e.instance).closeSync();
    } catch {
      // it never opened
    }
  }
}
