/**
 * Writes the benchmark series (bench/predict-datasets.ts) as plain CSV files for the R
 * reference script: `<dir>/<name>.csv` with one value per line, and `<dir>/index.csv`
 * listing name, periods, holdout, MASE period. Usage:
 *   node dist/bench/predict-export.js /tmp/hr-series
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDatasets } from './predict-datasets.js';

const dir = process.argv[2] ?? '/tmp/hr-series';
mkdirSync(dir, { recursive: true });
const index = ['name,periods,holdout,m'];
for (const d of loadDatasets()) {
  writeFileSync(join(dir, `${d.name}.csv`), Array.from(d.series.values, (v) => String(v)).join('\n') + '\n');
  index.push(`${d.name},${d.periods.join(' ')},${d.holdout},${d.m}`);
}
writeFileSync(join(dir, 'index.csv'), index.join('\n') + '\n');
console.error(`wrote ${index.length - 1} series to ${dir}`);
