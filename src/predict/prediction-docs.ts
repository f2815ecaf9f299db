import type { PredictionChart } from './prediction-chart.js';

/**
 * The documents `headroom predict forecast --json` and `headroom predict plan --json`
 * print, and the store keeps (with `chart` added) for the dashboard. Times are
 * `YYYY-MM-DD HH:MM:SS` UTC strings, as printed; the chart's are epoch ms.
 */
export interface ForecastDoc {
  source: string;
  history: { start: string; end: string; step_s: number; points: number };
  periods: number[];
  horizon: number;
  quantiles: number[];
  models: { name: string; detail: string; weight: number; backtest_mase: number }[];
  warnings: string[];
  /** Per step: t, mean, q<p> per requested quantile, lo80/hi80/lo95/hi95. */
  forecast: Array<{ t: string; mean: number; lo80: number; hi80: number; lo95: number; hi95: number } & Record<string, number | string>>;
  per_model: Record<string, number[]>;
  chart?: PredictionChart;
}

export interface PlanDoc {
  source: string;
  /** The squeeze run in the store the capacity came from (`--capacity ID`), else null. */
  capacity_run_id: string | null;
  quantile: number;
  horizon: number;
  per_instance_rps: number | null;
  usl: { sigma: number; kappa: number; lambda?: number } | null;
  target_util: number;
  redundancy: string;
  lead_time_s: number;
  peak: { t: string; demand: number; instances: number | null };
  current: { instances: number; demand: number; usable_rps: number; capacity_rps: number; headroom_pct: number; utilisation: number } | null;
  runway: { until: string | null; beyond_horizon: boolean; act_by: string | null; act_now: boolean } | null;
  usl_peak: { instances: number; rps: number } | null;
  infeasible: boolean;
  per_day: { day: string; demand: number; instances: number | null }[];
  per_step: { t: string; demand: number; instances: number | null }[];
  assumptions: string[];
  binds_first?: string;
  resources?: { name: string; peak_instances: number | null; instances: number; headroom_pct: number; runway_until: string | null; act_by: string | null }[];
  warnings: string[];
  chart?: PredictionChart;
}
