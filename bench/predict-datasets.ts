/**
 * The real demand series of ../shared/data/timeseries (see its README), turned into the
 * regular series the forecasting benchmark and tests use: 5- and 30-minute data summed
 * (counts) or averaged (utilisation) to hourly, daily series as given (page views
 * exp()-transformed back from the logs the files hold). Split: the last 48 hourly points
 * (or 28 daily points) are held out, as the data README suggests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSeriesCsv, parseTimestamp } from '../src/core/forecast/series-parse.js';
import { aggregate, regularize, type RegularSeries } from '../src/core/forecast/series-regular.js';

export interface Dataset {
  name: string;
  series: RegularSeries;
  /** Seasonal periods in steps. */
  periods: number[];
  /** Held-out points at the end. */
  holdout: number;
  /** Seasonal period for MASE scaling. */
  m: number;
  /** NAB-labelled anomaly windows [startMs, endMs] of the source file (empty if none). */
  anomalies: [number, number][];
}

/** Where the shared data lives: from the repo root (tests and benchmarks run there). */
export function dataDir(): string {
  return resolve(process.env.HEADROOM_DATA ?? resolve(process.cwd(), '../shared/data/timeseries'));
}

const SPECS: { name: string; file: string; factor: number; how: 'sum' | 'mean'; column?: string; daily?: boolean; exp?: boolean }[] = [
  { name: 'nyc_taxi', file: 'nab/nyc_taxi.csv', factor: 2, how: 'sum' },
  { name: 'twitter_amzn', file: 'nab/Twitter_volume_AMZN.csv', factor: 12, how: 'sum' },
  { name: 'twitter_goog', file: 'nab/Twitter_volume_GOOG.csv', factor: 12, how: 'sum' },
  { name: 'twitter_fb', file: 'nab/Twitter_volume_FB.csv', factor: 12, how: 'sum' },
  { name: 'elb_requests', file: 'nab/elb_request_count_8c0756.csv', factor: 12, how: 'sum' },
  { name: 'cpu_asg', file: 'nab/cpu_utilization_asg_misconfiguration.csv', factor: 12, how: 'mean' },
  { name: 'ec2_cpu', file: 'nab/ec2_cpu_utilization_5f5533.csv', factor: 12, how: 'mean' },
  { name: 'rds_cpu', file: 'nab/rds_cpu_utilization_cc0c53.csv', factor: 12, how: 'mean' },
  { name: 'grok_asg', file: 'nab/grok_asg_anomaly.csv', factor: 12, how: 'mean' },
  { name: 'pedestrians_4', file: 'prophet/example_pedestrians_multivariate.csv', factor: 1, how: 'sum', column: 'location_4' },
  { name: 'pedestrians_41', file: 'prophet/example_pedestrians_multivariate.csv', factor: 1, how: 'sum', column: 'location_41' },
  { name: 'wp_peyton_daily', file: 'prophet/example_wp_log_peyton_manning.csv', factor: 1, how: 'sum', daily: true, exp: true },
  { name: 'wp_r_daily', file: 'prophet/example_wp_log_R.csv', factor: 1, how: 'sum', daily: true, exp: true },
  { name: 'pedestrians_covid_daily', file: 'prophet/example_pedestrians_covid.csv', factor: 1, how: 'sum', daily: true },
];

/**
 * Loads every benchmark series; hourly ones are capped to the last `maxHourly` points
 * (12 weeks by default) so that R's ets() and ours see the same, recent history.
 */
export function loadDatasets(maxHourly = 2016, maxDaily = 1095): Dataset[] {
  const windows = JSON.parse(readFileSync(resolve(dataDir(), 'nab/anomaly_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  return SPECS.map((s) => {
    const anomalies = (windows[s.file.replace(/^nab\//, '')] ?? []).map(([a, b]) => [parseTimestamp(a.slice(0, 19)), parseTimestamp(b.slice(0, 19))] as [number, number]);
    const text = readFileSync(resolve(dataDir(), s.file), 'utf8');
    const raw = parseSeriesCsv(text, s.file, s.column);
    if (s.exp) for (const p of raw) p.value = Math.exp(p.value);
    let series = regularize(raw, { source: s.file, stepMs: s.daily ? 86_400_000 : undefined });
    series = aggregate(series, s.factor, s.how);
    const cap = s.daily ? maxDaily : maxHourly;
    if (series.values.length > cap) {
      const drop = series.values.length - cap;
      series = { ...series, startMs: series.startMs + drop * series.stepMs, values: series.values.slice(drop) };
    }
    return s.daily
      ? { name: s.name, series, periods: [7], holdout: 28, m: 7, anomalies }
      : { name: s.name, series, periods: series.values.length >= 2 * 168 + 48 ? [24, 168] : [24], holdout: 48, m: 24, anomalies };
  });
}
