import { mkdirSync } from 'node:fs';
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
 */
interface Entry {
  instance: Promise<DuckDBInstance>;
  /** Set once the instance is open, so that closing is synchronous (no window for a second instance). */
  resolved?: DuckDBInstance;
  refs: number;
  idleTimer?: NodeJS.Timeout;
}

const open = new Map<string, Entry>();

export interface DbOptions {
  /** How long to keep retrying while another process holds the file lock (ms). */
  lockTimeoutMs?: number;
  /** Keep the file open this long after the last use, to serve bursts of reads (ms). */
  idleCloseMs?: number;
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
    entry = { instance: createWithRetry(key, opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS), refs: 0 };
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
  let conn: DuckDBConnection | undefined;
  try {
    const instance = await e.instance;
    e.resolved = instance;
    conn = await instance.connect();
    return await fn(conn);
  } finally {
    conn?.closeSync();
    e.refs--;
    if (e.refs === 0) {
      const close = () => {
        if (e.refs > 0 || open.get(key) !== e) return;
        open.delete(key);
        e.resolved?.closeSync();
      };
      const idle = opts.idleCloseMs ?? 0;
      if (idle > 0) {
        e.idleTimer = setTimeout(close, idle);
        e.idleTimer.unref();
      } else {
        close();
      }
    }
  }
}

/** Closes every store file this process still has open (for tests and shutdown). */
export async function closeAllDbs(): Promise<void> {
  const entries = [...open.values()];
  open.clear();
  for (const e of entries) {
    if (e.idleTimer) clearTimeout(e.idleTimer);
    try {
      (await e.instance).closeSync();
    } catch {
      // it never opened
    }
  }
}
