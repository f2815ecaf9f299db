import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DETECTOR_CONFIG, type Detector } from '../src/core/finding.js';
import { generateTraffic } from '../src/core/traffic-generator.js';
import { openTraceDb } from '../src/trace/db.js';
import { buildReport } from '../src/trace/report.js';
import { insertRecords } from '../src/trace/store-import.js';

// Precision and recall of every detector on seeded synthetic traffic with injected
// patterns and near misses (src/core/traffic-generator.ts). A finding matches the truth on
// (detector, client, endpoint); error-heavy is per client, so only (detector, client).
// Known misses are documented in docs/trace-detectors.md.
const DETECTORS: Detector[] = ['duplicate', 'n_plus_1', 'polling', 'retry_storm', 'oversized', 'cache_refetch', 'error_heavy'];

test('every detector reaches precision and recall of at least 0.9 on synthetic traffic', async (t) => {
  const score = Object.fromEntries(DETECTORS.map((d) => [d, { tp: 0, fp: 0, fn: 0 }]));
  for (const seed of [1, 2, 3]) {
    const { records, truth } = generateTraffic({ seed, durationMs: 6 * 3600_000, background: 60, perPattern: 6 });
    const db = await openTraceDb(':memory:');
    try {
      await insertRecords(db, records, `synthetic-${seed}`);
      const { findings } = await buildReport(db, { top: 5, detectors: DEFAULT_DETECTOR_CONFIG });
      const key = (d: string, c: string, e: string) => (d === 'error_heavy' ? `${d}|${c}` : `${d}|${c}|${e}`);
      const want = new Set(truth.map((t) => key(t.detector, t.client, t.endpoint)));
      const got = new Set(findings.map((f) => key(f.detector, f.client, f.endpoint)));
      for (const g of got) score[g.split('|')[0]!]![want.has(g) ? 'tp' : 'fp']++;
      for (const w of want) if (!got.has(w)) score[w.split('|')[0]!]!.fn++;
    } finally {
      db.close();
    }
  }
  const table = Object.entries(score).map(([d, s]) => ({ d, ...s, precision: s.tp / Math.max(1, s.tp + s.fp), recall: s.tp / Math.max(1, s.tp + s.fn) }));
  t.diagnostic(table.map((r) => `${r.d}: tp ${r.tp} fp ${r.fp} fn ${r.fn} precision ${r.precision.toFixed(2)} recall ${r.recall.toFixed(2)}`).join('; '));
  for (const r of table) {
    assert.ok(r.tp > 0, `${r.d}: no true positives`);
    assert.ok(r.precision >= 0.9, `${r.d}: precision ${r.precision.toFixed(2)} (tp ${r.tp}, fp ${r.fp})`);
    assert.ok(r.recall >= 0.9, `${r.d}: recall ${r.recall.toFixed(2)} (tp ${r.tp}, fn ${r.fn})`);
  }
});
