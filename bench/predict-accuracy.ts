/**
 * Accuracy benchmark of `headroom predict` on the real series (bench/predict-datasets.ts):
 * for each series and each rolling origin k = 0..2 (k = 0 is the documented split: the
 * last 48 hourly / 28 daily points held out), the combination and each model against
 * R's snaive(), ets(), stlf() and thetaf() on the same splits (committed figures from
 * bench/predict-reference.R). Writes bench/results/predict-accuracy.md.
 *
 *   npm run build && node dist/bench/predict-accuracy.js
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadDatasets } from './predict-datasets.js';
import { predict } from '../src/core/forecast/combine.js';
import { makeContext } from '../src/core/forecast/context.js';
import { coverage, mase, smape } from '../src/core/forecast/accuracy.js';
import { splitCsvLine } from '../src/core/forecast/series-parse.js';
import { eventIndex, parseEventsCsv } from '../src/core/forecast/events.js';

const ORIGINS = 3;
interface RRow { series: string; origin: number; method: string; model: string; smape: number; mase: number; cover80: number; cover95: number }

export function readRAccuracy(path = 'bench/results/predict-r-accuracy.csv'): RRow[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const f = splitCsvLine(l);
    return { series: f[0]!, origin: Number(f[1]), method: f[2]!, model: f[3]!, smape: Number(f[4]), mase: Number(f[5]), cover80: Number(f[6]), cover95: Number(f[7]) };
  });
}

function main() {
  const r = readRAccuracy();
  const rows: string[] = [];
  const agg = new Map<string, { smape: number[]; mase: number[]; c80: number[]; c95: number[] }>();
  const add = (k: string, s: number, m: number, c80 = NaN, c95 = NaN) => {
    const a = agg.get(k) ?? { smape: [], mase: [], c80: [], c95: [] };
    a.smape.push(s); a.mase.push(m); a.c80.push(c80); a.c95.push(c95);
    agg.set(k, a);
  };
  const rel = new Map<string, number[]>();
  const addRel = (k: string, ratio: number) => rel.set(k, [...(rel.get(k) ?? []), ratio]);
  const t0 = performance.now();
  for (const d of loadDatasets()) {
    const y = d.series.values;
    for (let k = 0; k < ORIGINS; k++) {
      const end = y.length - d.holdout - k * d.m;
      const train = y.subarray(0, end);
      const actual = y.subarray(end, end + d.holdout);
      const ctx = makeContext(d.periods, d.series);
      const res = predict(train, ctx, { horizon: d.holdout, quantiles: [0.5] });
      const s = smape(actual, res.mean);
      const ms = mase(actual, res.mean, train, d.m);
      const c80 = coverage(actual, res.lo80, res.hi80);
      const c95 = coverage(actual, res.lo95, res.hi95);
      add('headroom combination', s, ms, c80, c95);
      if (k === 0) add('split0 headroom combination', s, ms, c80, c95);
      const t0h = d.series.startMs + end * d.series.stepMs;
      const t1h = t0h + d.holdout * d.series.stepMs;
      const anomalous = d.anomalies.some(([a, b]) => a < t1h && b > t0h);
      if (!anomalous) add('headroom combination, holdouts without NAB anomalies', s, ms, c80, c95);
      res.scores.forEach((sc, i) => add(`headroom ${sc.name}`, smape(actual, res.perModel[i]!), mase(actual, res.perModel[i]!, train, d.m)));
      // Fleet (batch) mode: heuristic ETS seasonal states and 4 inner origins, as forecastBatch runs.
      const fleet = predict(train, { ...ctx, fast: true }, { horizon: d.holdout, quantiles: [0.5], origins: 4 });
      add('headroom combination, fleet mode', smape(actual, fleet.mean), mase(actual, fleet.mean, train, d.m), coverage(actual, fleet.lo80, fleet.hi80), coverage(actual, fleet.lo95, fleet.hi95));
      const snR = r.find((x) => x.series === d.name && x.origin === k && x.method === 'snaive')!;
      addRel('headroom combination', ms / snR.mase);
      for (const meth of ['ets', 'stlf', 'thetaf']) {
        const rr = r.find((x) => x.series === d.name && x.origin === k && x.method === meth);
        if (rr) addRel(`R ${meth}`, rr.mase / snR.mase);
      }
      const line = [`${d.name}${anomalous ? ' (anomaly)' : ''}`, `${k}`, s.toFixed(2), ms.toFixed(3), c80.toFixed(2)];
      for (const meth of ['snaive', 'ets', 'stlf', 'thetaf']) {
        const rr = r.find((x) => x.series === d.name && x.origin === k && x.method === meth);
        if (rr) {
          add(`R ${meth}`, rr.smape, rr.mase, rr.cover80, rr.cover95);
          if (!anomalous) add(`R ${meth}, holdouts without NAB anomalies`, rr.smape, rr.mase, rr.cover80, rr.cover95);
          if (k === 0) add(`split0 R ${meth}`, rr.smape, rr.mase, rr.cover80, rr.cover95);
          line.push(`${rr.smape.toFixed(2)} / ${rr.mase.toFixed(3)}`);
        } else line.push('–');
      }
      line.push(res.scores.map((sc) => `${sc.name} ${(sc.weight * 100).toFixed(0)}%`).filter((x) => !x.endsWith(' 0%')).join(', '));
      rows.push(`| ${line.join(' | ')} |`);
      if (process.env.VERBOSE) console.error(line.join('  '));
    }
  }
  const secs = (performance.now() - t0) / 1000;
  // Known events: NYC taxi around US holidays, forecast from midnight before each holiday,
  // with and without an events file listing the public holidays of the whole span.
  const taxi = loadDatasets(100_000).find((d) => d.name === 'nyc_taxi')!;
  const holidays = ['2014-07-04', '2014-09-01', '2014-10-13', '2014-11-11', '2014-11-27', '2014-11-28', '2014-12-25', '2015-01-01', '2015-01-19'];
  const events = parseEventsCsv('start,end,label\n' + holidays.map((d) => `${d},,holiday`).join('\n'), 'holidays');
  const evRows: string[] = [];
  for (const day of ['2014-11-11', '2014-11-27', '2014-12-25', '2015-01-19']) {
    const s0 = taxi.series;
    const end = (Date.parse(`${day}T00:00:00Z`) - s0.startMs) / s0.stepMs;
    const y = s0.values.subarray(0, end);
    const act = s0.values.subarray(end, end + 48);
    const plain = predict(y, makeContext([24, 168], s0), { horizon: 48, quantiles: [0.5] });
    const known = predict(y, makeContext([24, 168], s0, eventIndex(events, s0.startMs, s0.stepMs, end + 48)), { horizon: 48, quantiles: [0.5] });
    const sn = new Float64Array(48).map((_, j) => y[end - 24 + (j % 24)]!);
    evRows.push(`| ${day} | ${smape(act, sn).toFixed(2)} | ${smape(act, plain.mean).toFixed(2)} | ${smape(act, known.mean).toFixed(2)} |`);
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const row = ([k, a]: [string, { smape: number[]; mase: number[]; c80: number[]; c95: number[] }]) => `| ${k} | ${mean(a.smape).toFixed(2)} | ${mean(a.mase).toFixed(3)} | ${Number.isNaN(a.c80[0]!) ? '–' : (mean(a.c80) * 100).toFixed(1) + '%'} | ${Number.isNaN(a.c95[0]!) ? '–' : (mean(a.c95) * 100).toFixed(1) + '%'} |`;
  const split0 = [...agg.entries()].filter(([k]) => k.startsWith('split0 ')).map(([k, a]) => row([k.slice(7), a]));
  const summary = [...agg.entries()].filter(([k]) => !k.startsWith('split0 ')).map(([k, a]) => `| ${k} | ${mean(a.smape).toFixed(2)} | ${mean(a.mase).toFixed(3)} | ${Number.isNaN(a.c80[0]!) ? '–' : (mean(a.c80) * 100).toFixed(1) + '%'} | ${Number.isNaN(a.c95[0]!) ? '–' : (mean(a.c95) * 100).toFixed(1) + '%'} |`);
  const comb = agg.get('headroom combination')!;
  const sn = agg.get('R snaive')!;
  const md = [
    '# headroom predict: accuracy on the real series',
    '',
    `Command: \`npm run build && node dist/bench/predict-accuracy.js\` (R figures: \`bench/predict-reference.R\`, committed in predict-r-accuracy.csv). Run ${new Date().toISOString().slice(0, 10)}, ${secs.toFixed(1)} s for ${comb.smape.length} forecasts.`,
    '',
    `Splits: each series of bench/predict-datasets.ts (hourly ones capped at the last 2016 points), ${ORIGINS} rolling origins: origin 0 holds out the last 48 hourly / 28 daily points (the documented split), origin k ends k seasonal cycles earlier. sMAPE on the 0–200 scale; MASE scaled by the in-sample seasonal naive (m = 24 hourly, 7 daily). Means over all ${comb.smape.length} (series, origin) pairs.`,
    '',
    '| method | sMAPE | MASE | 80% coverage | 95% coverage |',
    '| --- | --- | --- | --- | --- |',
    ...summary,
    '',
    'Geometric mean over (series, origin) of MASE relative to seasonal naive (M4-style relative measure, robust to the few series whose MASE explodes after a level shift): ' +
      [...rel.entries()].map(([k, a]) => `${k} ${Math.exp(a.reduce((x, v) => x + Math.log(Math.max(v, 1e-9)), 0) / a.length).toFixed(3)}`).join(', ') +
      '.',
    '',
    'Documented split only (origin 0: the last 48 hourly / 28 daily points of each of the 14 series):',
    '',
    '| method | sMAPE | MASE | 80% coverage | 95% coverage |',
    '| --- | --- | --- | --- | --- |',
    ...split0,
    '',
    `Combination vs seasonal naive, all origins: sMAPE ${((1 - mean(comb.smape) / mean(sn.smape)) * 100).toFixed(1)}% lower, MASE ${((1 - mean(comb.mase) / mean(sn.mase)) * 100).toFixed(1)}% lower; documented split: sMAPE ${((1 - mean(agg.get('split0 headroom combination')!.smape) / mean(agg.get('split0 R snaive')!.smape)) * 100).toFixed(1)}% lower, MASE ${((1 - mean(agg.get('split0 headroom combination')!.mase) / mean(agg.get('split0 R snaive')!.mase)) * 100).toFixed(1)}% lower.`,
    '',
    '## Known events',
    '',
    `NYC taxi (hourly, full history before the origin), 48 hours from midnight of each holiday, with \`--events\` listing the US public holidays of the span (${holidays.join(', ')}) vs without. sMAPE:`,
    '',
    '| holiday | seasonal naive | combination, no events | combination, with events |',
    '| --- | --- | --- | --- |',
    ...evRows,
    '',
    '## Per series and origin (headroom combination sMAPE, MASE, 80% coverage; R: sMAPE / MASE)',
    '',
    '| series | origin | sMAPE | MASE | cov80 | R snaive | R ets | R stlf | R thetaf | weights |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  writeFileSync('bench/results/predict-accuracy.md', md);
  console.log(md.split('\n').slice(0, 12 + agg.size).join('\n'));
}

main();
