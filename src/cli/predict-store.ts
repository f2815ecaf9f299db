import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidInput, isHeadroomError } from '../core/errors.js';
import { redactArgv } from '../core/redact.js';
import { Store } from '../store/store.js';
import type { CliIo } from './io.js';
import { storePathFrom } from './store-flags.js';

/**
 * The store side of `headroom predict forecast|plan`: they record what they print (so the
 * dashboard can draw it), and a plan can take its capacity from a squeeze run in the store.
 */
export const PREDICT_STORE_FLAGS = {
  store: { type: 'string' },
  'no-store': { type: 'boolean' },
} as const;

export const PREDICT_STORE_USAGE = `    --store PATH: record it in this store (default .headroom/headroom.duckdb); --no-store: do not record it`;

export interface PredictStoreFlags {
  store?: string;
  'no-store'?: boolean;
}

/** Checks the store flags before any work, so a bad combination is one line up front. */
export function checkStoreFlags(f: PredictStoreFlags): void {
  if (f['no-store'] && f.store !== undefined) throw invalidInput('HR_E_USAGE', '--no-store: cannot be used with --store PATH; choose one');
}

/**
 * Records a forecast or plan at the end, once it has been computed: bad input never
 * leaves anything behind. Returns the id, or null with --no-store.
 *
 * @example
 * const id = await recordPrediction(flags, io, (store) => saveForecast(store, {...}));
 */
export async function recordPrediction(f: PredictStoreFlags, io: CliIo, save: (store: Store) => Promise<string>): Promise<string | null> {
  if (f['no-store']) return null;
  const store = await Store.open(storePathFrom(f.store, io.cwd));
  const id = await save(store);
  io.stderr.write(`headroom: recorded as ${id} (${store.path})\n`);
  return id;
}

/** The argv as stored: secrets removed, like a run's configuration. */
export function storedConfig(argv: string[]): Record<string, unknown> {
  return { argv: redactArgv(argv) };
}

/**
 * `--capacity ID`: when the value is not a file but looks like a run id, the squeeze's
 * result is read from the store. Returns null for a file (read as before).
 *
 * @example
 * const cap = await capacityFromStore('20261122-0401', flags, io); // { doc: squeezeReport, runId, source }
 */
export async function capacityFromStore(value: string, f: PredictStoreFlags, io: CliIo): Promise<{ doc: unknown; runId: string; source: string } | null> {
  if (existsSync(resolve(io.cwd, value)) || !/^[A-Za-z0-9-]{1,64}$/.test(value)) return null;
  const path = storePathFrom(f.store, io.cwd);
  if (!existsSync(path)) {
    throw invalidInput('HR_E_CAPACITY', `--capacity: "${value}" is neither a file nor a squeeze run (no store at ${path})`,
      'give a squeeze result JSON file, or the id of a squeeze recorded with --store PATH');
  }
  const store = await Store.open(path);
  let run;
  try {
    run = await store.getRun(value);
  } catch (e) {
    if (isHeadroomError(e) && e.code === 'HR_E_RUN_NOT_FOUND') {
      throw invalidInput('HR_E_CAPACITY', `--capacity: "${value}" is neither a file nor a run in the store ${path}`, 'list squeezes with GET /api/runs?kind=squeeze');
    }
    if (isHeadroomError(e)) throw invalidInput('HR_E_CAPACITY', `--capacity: ${e.message}`, e.hint);
    throw e;
  }
  if (run.kind !== 'squeeze') throw invalidInput('HR_E_CAPACITY', `--capacity: run ${run.id} is a ${run.kind}, not a squeeze`);
  const { result } = await store.getSqueeze(run.id);
  if (!result) throw invalidInput('HR_E_CAPACITY', `--capacity: squeeze ${run.id} has no result (it is ${run.status})`, 'wait for it to finish, or pick another squeeze');
  // The whole squeeze report when it is there (what `headroom squeeze --json` printed);
  // else the figures the store keeps beside it, in the same shape.
  const doc = result.result ?? { capacity_rps: result.capacity_rps, usl: result.usl ? { ok: true, ...result.usl } : null };
  return { doc, runId: run.id, source: `squeeze ${run.id} in the store` };
}
