import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouteTemplater } from '../core/route-template.js';
import { openTraceDb } from './db.js';
import { cutAtLines } from './parallel-import.js';
import { importIntoStore } from './store-import.js';

// Temporary directories of this file, removed when its tests are done.
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});


const APACHE = join(process.cwd(), '..', 'shared', 'data', 'traces', 'apache_combined_semicomplete_2015.log');

test('the parallel path gives exactly the records of the streaming path', async () => {
  const rows = async (parallel: boolean) => {
    const db = await openTraceDb(':memory:');
    try {
      const [s] = await importIntoStore(db, [APACHE], {
        client: { kind: 'ip' }, routes: new RouteTemplater(['/presentations/{deck}/*']), maxBad: 0.05,
        parallelMinBytes: parallel ? 0 : Number.MAX_SAFE_INTEGER, workers: 3,
      });
      const r = await db.all('SELECT * EXCLUDE (import_id, id) FROM trace_requests ORDER BY id');
      return { s, r };
    } finally {
      db.close();
    }
  };
  const a = await rows(false);
  const b = await rows(true);
  assert.equal(b.r.length, 9999);
  assert.deepEqual(b.s, a.s);
  assert.deepEqual(b.r, a.r, 'same records in the same order (ids may differ: the parallel path numbers by line)');
});

test('cuts fall just after line breaks', async () => {
  const cuts = await cutAtLines(APACHE, 4);
  assert.equal(cuts.length, 5);
  assert.equal(cuts[0], 0);
  assert.equal(cuts[4], 2370789);
});

test('JSON Lines: the parallel path keeps every field', async () => {
  const { generateTraffic } = await import('../core/traffic-generator.js');
  const { records } = generateTraffic({ seed: 9, durationMs: 600_000, background: 5, perPattern: 1 });
  const file = join(tempDir('hr-pjsonl-'), 'r.jsonl');
  writeFileSync(file, records.map(({ ref: _ref, ...r }) => JSON.stringify({ ...r, etag: '"e\tx"' })).join('\n') + '\n');
  const rows = async (parallel: boolean) => {
    const db = await openTraceDb(':memory:');
    try {
      await importIntoStore(db, [file], { client: { kind: 'ip' }, routes: new RouteTemplater(), maxBad: 0, parallelMinBytes: parallel ? 0 : Number.MAX_SAFE_INTEGER, workers: 2 });
      return await db.all('SELECT * EXCLUDE (import_id, id) FROM trace_requests ORDER BY id');
    } finally {
      db.close();
    }
  };
  const a = await rows(false);
  const b = await rows(true);
  assert.equal(a.length, records.length);
  assert.deepEqual(b, a.map((r) => ({ ...r, etag: '"e x"' })), 'identical but for the tab, which the bulk path turns into a space');
});
