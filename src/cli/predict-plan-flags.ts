import { readFile } from 'node:fs/promises';
import { invalidInput } from '../core/errors.js';
import { numberIn, positiveInt } from '../predict/demand-input.js';
import { parseRedundancy, type Redundancy, type UslParams } from '../core/forecast/plan.js';

/** Flags shared by `predict plan` and the plan replay of `predict backtest`. */
export const PLAN_FLAGS = {
  capacity: { type: 'string' },
  'per-instance-rps': { type: 'string' },
  'target-util': { type: 'string' },
  redundancy: { type: 'string' },
  quantile: { type: 'string' },
} as const;

export interface PlanFlagValues {
  capacity?: string;
  'per-instance-rps'?: string;
  'target-util'?: string;
  redundancy?: string;
  quantile?: string;
}

export interface PlanSettings {
  perInstanceRps: number;
  usl?: UslParams;
  targetUtil: number;
  redundancy: Redundancy;
  quantile: number;
  capacitySource: string;
  /** How the USL was (or was not) used, for the plan's assumptions. */
  uslNote?: string;
}

/**
 * Reads the capacity per instance: `--per-instance-rps N`, or a squeeze result JSON
 * (`--capacity file.json`) with `capacity_rps` and optionally `usl: {sigma, kappa, lambda}`.
 */
/** The flags every plan needs whatever the capacity source. */
export function commonPlanFlags(f: PlanFlagValues): { targetUtil: number; redundancy: Redundancy; quantile: number } {
  return {
    targetUtil: numberIn(f['target-util'], '--target-util', 0.7, 0, 1),
    redundancy: parseRedundancy(f.redundancy ?? 'n+1'),
    quantile: numberIn(f.quantile, '--quantile', 0.99, 0, 0.9999),
  };
}

export async function readPlanSettings(
  f: PlanFlagValues,
  required: boolean,
  /** The squeeze result already read from the store when --capacity named a run id (predict-store.ts). */
  fromStore?: { doc: unknown; source: string },
): Promise<PlanSettings | undefined> {
  const { targetUtil, redundancy, quantile } = commonPlanFlags(f);
  if (f.capacity && f['per-instance-rps']) throw invalidInput('HR_E_USAGE', '--capacity: give either --capacity or --per-instance-rps, not both');
  if (f['per-instance-rps']) {
    return { perInstanceRps: numberIn(f['per-instance-rps'], '--per-instance-rps', 0, 0, 1e12), targetUtil, redundancy, quantile, capacitySource: '--per-instance-rps' };
  }
  if (f.capacity) {
    let doc: unknown = fromStore?.doc;
    if (!fromStore) {
      try {
        doc = JSON.parse(await readFile(f.capacity, 'utf8'));
      } catch (e) {
        throw invalidInput('HR_E_CAPACITY', `--capacity: expected a squeeze run id or a squeeze result JSON file with capacity_rps, ${(e as Error).message.split('\n')[0]}`);
      }
    }
    // The squeeze report (`headroom squeeze --json`): capacity_rps is null when no
    // capacity was found; usl is {ok: true, sigma, kappa, lambda, ...} or {ok: false, reason}.
    const o = doc as { capacity_rps?: unknown; usl?: { ok?: boolean; sigma?: unknown; kappa?: unknown; lambda?: unknown; reason?: unknown } | null };
    if (o?.capacity_rps === null) {
      throw invalidInput('HR_E_CAPACITY', `--capacity: field "capacity_rps" in ${f.capacity} is null: that squeeze found no capacity`, 'rerun the squeeze, or give --per-instance-rps');
    }
    if (typeof o?.capacity_rps !== 'number' || !(o.capacity_rps > 0)) {
      throw invalidInput('HR_E_CAPACITY', `--capacity: field "capacity_rps" in ${f.capacity}: expected a positive number of requests per second per instance, got ${JSON.stringify(o?.capacity_rps)}`);
    }
    let usl: UslParams | undefined;
    let uslNote: string | undefined;
    if (o.usl && o.usl.ok === false) uslNote = `the squeeze has no USL fit (${String(o.usl.reason ?? 'not fitted')}): scaling assumed linear`;
    else if (o.usl !== undefined && o.usl !== null) {
      const { sigma, kappa, lambda } = o.usl;
      if (typeof sigma !== 'number' || sigma < 0 || sigma >= 1) throw invalidInput('HR_E_CAPACITY', `--capacity: field "usl.sigma" in ${f.capacity}: expected a number in [0, 1), got ${JSON.stringify(sigma)}`);
      if (typeof kappa !== 'number' || kappa < 0 || kappa >= 1) throw invalidInput('HR_E_CAPACITY', `--capacity: field "usl.kappa" in ${f.capacity}: expected a number in [0, 1), got ${JSON.stringify(kappa)}`);
      usl = { sigma, kappa, ...(typeof lambda === 'number' ? { lambda } : {}) };
      uslNote = "the squeeze's USL contention σ and coherency κ are applied to the number of instances: it assumes instances contend for shared resources as the load in the squeeze did";
    }
    return { perInstanceRps: o.capacity_rps, usl, uslNote, targetUtil, redundancy, quantile, capacitySource: fromStore?.source ?? f.capacity };
  }
  if (required) throw invalidInput('HR_E_USAGE', 'expected --per-instance-rps N or --capacity squeeze-result.json');
  return undefined;
}

export { positiveInt };
