import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RouteTemplater } from '../core/route-template.js';
import { openTraceDb } from './db.js';
import { cutAtLines } from './parallel-import.js';
import { importIntoStore } from './store-import.js';

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
