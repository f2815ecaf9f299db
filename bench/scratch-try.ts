import { loadDatasets } from './predict-datasets.js';
import { autoEts, etsForecast, etsName } from '../src/core/forecast/ets.js';
const smape = (a: Float64Array, f: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += (2 * Math.abs(a[i]! - f[i]!)) / (Math.abs(a[i]!) + Math.abs(f[i]!) || 1); return (100 * s) / a.length; };
for (const d of loadDatasets()) {
  const y = d.series.values; const n = y.length - d.holdout;
  const tr = y.subarray(0, n), te = y.subarray(n);
  const sn = new Float64Array(d.holdout).map((_, j) => tr[n - d.m + (j % d.m)]!);
  const t0 = performance.now();
  const fit = autoEts(tr, d.m);
  const f = etsForecast(fit, d.holdout);
  console.log(d.name.padEnd(24), y.length, d.periods.join('/'), 'snaive', smape(te, sn).toFixed(2), etsName(fit.spec), smape(te, f).toFixed(2), (performance.now() - t0).toFixed(0) + 'ms');
}
