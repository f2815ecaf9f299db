import { invalidInput } from '../errors.js';

/**
 * Capacity plan from a demand forecast (DESIGN.md system 4): instances needed =
 * ceil(demand at the chosen quantile ÷ (capacity per instance at SLO × target
 * utilisation)) plus redundancy; the runway is the first time the current fleet no longer
 * covers that quantile; the lead time says by when to act. When the squeeze fitted the
 * Universal Scalability Law (Gunther 2007, "Guerrilla Capacity Planning", ch. 4),
 * N instances deliver C(N) = c·N / (1 + σ(N − 1) + κN(N − 1)) instead of c·N.
 */

export interface UslParams {
  sigma: number;
  kappa: number;
  lambda?: number;
}

export type Redundancy = { kind: 'n+k'; k: number } | { kind: 'cells'; cells: number };

export interface PlanInput {
  /** Timestamps (ms) of the forecast steps. */
  times: number[];
  /** Demand at the planning quantile per step (requests per second). */
  demand: ArrayLike<number>;
  /** Demand now: the last observed value. */
  currentDemand: number;
  perInstanceRps: number;
  usl?: UslParams;
  instances?: number;
  targetUtil: number;
  redundancy: Redundancy;
  leadTimeMs: number;
  /** "Now": the time of the last observation (injected: core has no clock). */
  nowMs: number;
}

export interface PlanResult {
  perStep: { t: number; demand: number; instances: number }[];
  peak: { t: number; demand: number; instances: number };
  current?: { instances: number; demand: number; usableRps: number; capacityRps: number; headroomPct: number; utilisation: number };
  /** First step where the current fleet's usable capacity is below the demand quantile, or null. */
  runway: { t: number | null; beyondHorizon: boolean; actBy: number | null; actNow: boolean } | null;
  /** Largest throughput scaling out can reach (USL peak), when it binds. */
  uslPeak?: { instances: number; rps: number };
  infeasible: boolean;
  assumptions: string[];
}

/**
 * Parses `--redundancy`: `n+1`, `n+2`, `cells:4`.
 *
 * @example
 * parseRedundancy('cells:4') // { kind: 'cells', cells: 4 }
 */
export function parseRedundancy(text: string): Redundancy {
  const nk = /^n\+(\d+)$/i.exec(text.trim());
  if (nk) return { kind: 'n+k', k: Number(nk[1]) };
  const c = /^cells:(\d+)$/i.exec(text.trim());
  if (c && Number(c[1]) >= 2) return { kind: 'cells', cells: Number(c[1]) };
  if (text.trim() === 'none' || text.trim() === 'n') return { kind: 'n+k', k: 0 };
  throw invalidInput('HR_E_BAD_REDUNDANCY', `--redundancy: expected n+1, n+2 (spare instances) or cells:N with N ≥ 2 (survive losing the largest of N cells), got "${text}"`);
}

/**
 * Throughput of n instances at the SLO.
 *
 * @example
 * fleetCapacity(10, 100, { sigma: 0.05, kappa: 0.001 }) // ≈ 649 rps instead of 1000
 */
export function fleetCapacity(n: number, perInstance: number, usl?: UslParams): number {
  if (n <= 0) return 0;
  if (!usl) return n * perInstance;
  return (perInstance * n) / (1 + usl.sigma * (n - 1) + usl.kappa * n * (n - 1));
}

/**
 * Instances at which the USL curve peaks (Gunther: N* = √((1 − σ)/κ)), or Infinity.
 *
 * @example
 * uslPeakInstances({ sigma: 0.05, kappa: 0.001 }) // 30
 */
export function uslPeakInstances(usl?: UslParams): number {
  if (!usl || usl.kappa <= 0) return Infinity;
  return Math.max(1, Math.floor(Math.sqrt((1 - usl.sigma) / usl.kappa)));
}

/** Serving instances (before redundancy) needed for demand d, or Infinity when unreachable. */
function servingNeeded(d: number, perInstance: number, targetUtil: number, usl?: UslParams): number {
  if (d <= 0) return 0;
  const linear = Math.ceil(d / (perInstance * targetUtil) - 1e-9);
  if (!usl) return linear;
  const top = uslPeakInstances(usl);
  for (let n = Math.max(1, linear); n <= Math.min(top, 1_000_000); n++) {
    if (fleetCapacity(n, perInstance, usl) * targetUtil >= d - 1e-9) return n;
  }
  return Infinity;
}

/**
 * Total instances for demand d including redundancy.
 *
 * @example
 * instancesNeeded(1000, 100, 0.7, { kind: 'n+k', k: 1 }) // 16
 */
export function instancesNeeded(d: number, perInstance: number, targetUtil: number, redundancy: Redundancy, usl?: UslParams): number {
  const serving = servingNeeded(d, perInstance, targetUtil, usl);
  if (!Number.isFinite(serving)) return Infinity;
  if (redundancy.kind === 'n+k') return serving + redundancy.k;
  // Losing the largest of C equal cells must leave `serving` instances: C·ceil(serving/(C−1)).
  const C = redundancy.cells;
  return C * Math.ceil(serving / (C - 1));
}

/** Usable throughput of a fleet of n after losing its redundancy, at target utilisation. */
function usable(n: number, p: PlanInput): number {
  const serving = p.redundancy.kind === 'n+k' ? n - p.redundancy.k : Math.floor((n * (p.redundancy.cells - 1)) / p.redundancy.cells);
  return fleetCapacity(Math.max(0, serving), p.perInstanceRps, p.usl) * p.targetUtil;
}

/**
 * Builds the plan.
 *
 * @example
 * plan({ times, demand: q99, currentDemand: 900, perInstanceRps: 250, instances: 6, targetUtil: 0.7, redundancy: { kind: 'n+k', k: 1 }, leadTimeMs: 3 * 86_400_000, nowMs })
 */
export function plan(p: PlanInput): PlanResult {
  const perStep = p.times.map((t, i) => ({ t, demand: p.demand[i]!, instances: instancesNeeded(p.demand[i]!, p.perInstanceRps, p.targetUtil, p.redundancy, p.usl) }));
  let peakI = 0;
  for (let i = 1; i < perStep.length; i++) if (perStep[i]!.demand > perStep[peakI]!.demand) peakI = i;
  const peak = perStep[peakI] ?? { t: p.nowMs, demand: p.currentDemand, instances: instancesNeeded(p.currentDemand, p.perInstanceRps, p.targetUtil, p.redundancy, p.usl) };
  const assumptions = [
    `capacity per instance at the SLO: ${p.perInstanceRps} rps${p.usl ? `, scaling by the USL with σ=${p.usl.sigma}, κ=${p.usl.kappa}` : ', scaling linearly with instances'}`,
    `target utilisation ${p.targetUtil}: instances are planned to run at most ${(p.targetUtil * 100).toFixed(0)}% of their SLO capacity`,
    p.redundancy.kind === 'n+k' ? `redundancy n+${p.redundancy.k}: ${p.redundancy.k} spare instance(s) beyond those serving the peak` : `redundancy cells:${p.redundancy.cells}: the fleet survives losing its largest of ${p.redundancy.cells} equal cells`,
    `lead time ${(p.leadTimeMs / 3_600_000).toFixed(0)} h to add capacity`,
    'demand is the forecast quantile chosen with --quantile; the forecast assumes the future resembles the history (known events only if given with --events)',
  ];
  let current: PlanResult['current'];
  let runway: PlanResult['runway'] = null;
  if (p.instances !== undefined) {
    const u = usable(p.instances, p);
    const cap = fleetCapacity(p.instances, p.perInstanceRps, p.usl);
    current = {
      instances: p.instances,
      demand: p.currentDemand,
      usableRps: u,
      capacityRps: cap,
      headroomPct: u > 0 ? (1 - p.currentDemand / u) * 100 : -Infinity,
      utilisation: cap > 0 ? p.currentDemand / cap : Infinity,
    };
    const hit = perStep.find((s) => s.demand > u);
    const t = hit ? hit.t : null;
    const actBy = t === null ? null : t - p.leadTimeMs;
    runway = { t, beyondHorizon: t === null, actBy, actNow: actBy !== null && actBy <= p.nowMs };
  }
  const top = uslPeakInstances(p.usl);
  const uslPeak = Number.isFinite(top) ? { instances: top, rps: fleetCapacity(top, p.perInstanceRps, p.usl) } : undefined;
  return { perStep, peak, current, runway, uslPeak, infeasible: !Number.isFinite(peak.instances), assumptions };
}

/** A resource the demand flows through: a service fleet, a database, a queue. */
export interface Resource {
  name: string;
  /** Capacity of one instance at the SLO, in the resource's own requests per second. */
  capacityRps: number;
  /** Instances it has today. */
  instances: number;
  /** Requests this resource receives per unit of demand (fan-out seen in traces; default 1). */
  perDemand: number;
  usl?: UslParams;
}

export interface BottleneckRow {
  name: string;
  plan: PlanResult;
}

/**
 * Plans every resource for the same demand (scaled by its fan-out) and orders them by
 * which binds first: the earliest runway, then the least headroom today.
 *
 * @example
 * bottlenecks(base, [{ name: 'api', capacityRps: 250, instances: 12, perDemand: 1 }, { name: 'db', capacityRps: 4000, instances: 2, perDemand: 3 }])[0].name
 */
export function bottlenecks(base: Omit<PlanInput, 'perInstanceRps' | 'instances' | 'usl'>, resources: Resource[]): BottleneckRow[] {
  const rows = resources.map((r) => ({
    name: r.name,
    plan: plan({
      ...base,
      demand: Array.from(base.demand as ArrayLike<number>, (d) => d * r.perDemand),
      currentDemand: base.currentDemand * r.perDemand,
      perInstanceRps: r.capacityRps,
      instances: r.instances,
      usl: r.usl,
    }),
  }));
  const key = (r: BottleneckRow) => r.plan.runway?.t ?? Infinity;
  return rows.sort((a, b) => key(a) - key(b) || (a.plan.current?.headroomPct ?? 0) - (b.plan.current?.headroomPct ?? 0));
}

/**
 * Parses a resources file: a JSON array of `{name, capacity_rps, instances, per_demand?,
 * usl?: {sigma, kappa}}`. Unknown keys are errors.
 *
 * @example
 * parseResources('[{"name":"api","capacity_rps":250,"instances":12}]', 'resources.json')
 */
export function parseResources(text: string, source: string): Resource[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalidInput('HR_E_RESOURCES', `--resources: ${source} is not JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc) || doc.length === 0) throw invalidInput('HR_E_RESOURCES', `--resources: ${source}: expected a non-empty array of {name, capacity_rps, instances, per_demand?, usl?}`);
  const known = new Set(['name', 'capacity_rps', 'instances', 'per_demand', 'usl']);
  return doc.map((el: unknown, i) => {
    const where = `--resources: ${source} element ${i}`;
    if (!el || typeof el !== 'object' || Array.isArray(el)) throw invalidInput('HR_E_RESOURCES', `${where}: expected an object`);
    const o = el as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!known.has(k)) throw invalidInput('HR_E_RESOURCES', `${where}: unknown field "${k}"; expected name, capacity_rps, instances, per_demand, usl`);
    if (typeof o.name !== 'string' || o.name === '') throw invalidInput('HR_E_RESOURCES', `${where} field "name": expected a non-empty string`);
    if (typeof o.capacity_rps !== 'number' || !(o.capacity_rps > 0)) throw invalidInput('HR_E_RESOURCES', `${where} field "capacity_rps": expected a positive number, got ${JSON.stringify(o.capacity_rps)}`);
    if (typeof o.instances !== 'number' || !Number.isInteger(o.instances) || o.instances < 1) throw invalidInput('HR_E_RESOURCES', `${where} field "instances": expected a whole number ≥ 1, got ${JSON.stringify(o.instances)}`);
    const perDemand = o.per_demand === undefined ? 1 : o.per_demand;
    if (typeof perDemand !== 'number' || !(perDemand > 0)) throw invalidInput('HR_E_RESOURCES', `${where} field "per_demand": expected a positive number, got ${JSON.stringify(o.per_demand)}`);
    let usl: UslParams | undefined;
    if (o.usl !== undefined) {
      const u = o.usl as Record<string, unknown>;
      if (typeof u?.sigma !== 'number' || u.sigma < 0 || u.sigma >= 1 || typeof u.kappa !== 'number' || u.kappa < 0 || u.kappa >= 1) {
        throw invalidInput('HR_E_RESOURCES', `${where} field "usl": expected {sigma, kappa} with each in [0, 1), got ${JSON.stringify(o.usl).slice(0, 60)}`);
      }
      usl = { sigma: u.sigma, kappa: u.kappa };
    }
    return { name: o.name, capacityRps: o.capacity_rps, instances: o.instances, perDemand, usl };
  });
}
