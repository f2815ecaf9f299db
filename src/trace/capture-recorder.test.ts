import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRecord } from '../core/trace-record.js';
import { CaptureRecorder } from './capture-recorder.js';
import { decodeRows } from './record-rows.js';

test('a store that falls behind costs records, counted as dropped, and recording resumes when it catches up', async () => {
  const stored: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const rec = new CaptureRecorder({ write: async (rows) => { await held; stored.push(...decodeRows(rows).map((r) => r.ref)); } }, { maxQueuedRows: 3, flushMs: 60_000 });
  for (let i = 1; i <= 5; i++) rec.add(emptyRecord(`r${i}`));
  assert.deepEqual({ ...rec.stats }, { recorded: 3, dropped: 2, storeError: null });
  const first = rec.flush();
  rec.add(emptyRecord('r6')); // still 3 waiting for the store
  assert.equal(rec.stats.dropped, 3);
  release();
  await first;
  rec.add(emptyRecord('r7'));
  await rec.close();
  assert.deepEqual(stored, ['r1', 'r2', 'r3', 'r7']);
  assert.deepEqual({ ...rec.stats }, { recorded: 4, dropped: 3, storeError: null });
});

test('a failing store counts its rows as dropped and keeps the first error', async () => {
  let calls = 0;
  const rec = new CaptureRecorder({ write: async () => { throw new Error(`disk full ${++calls}`); } }, { flushMs: 60_000 });
  rec.add(emptyRecord('a'));
  await rec.flush();
  rec.add(emptyRecord('b'));
  await rec.close();
  assert.deepEqual({ ...rec.stats }, { recorded: 0, dropped: 2, storeError: 'disk full 1' });
});
