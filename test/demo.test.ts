import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headroomAsync } from './helpers.js';

// `headroom demo` is now a squeeze of a sample target (it replaced the engine's two-rate demo).
test('headroom demo squeezes the sample target and prints the found capacity next to the true one', async () => {
  const r = await headroomAsync(['demo', '--json'], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  const m = /found ([\d.]+) req\/s; true capacity ([\d.]+) req\/s/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const [found, truth] = [Number(m[1]), Number(m[2])];
  assert.ok(Math.abs(truth - 410.6) < 0.1, String(truth));
  assert.ok(Math.abs(found - truth) / truth <= 0.1, `found ${found}`);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.capacity_rps, found);
});

test('headroom demo --target rejects an unknown name with exit 2', async () => {
  const r = await headroomAsync(['demo', '--target', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--target: expected one of queue-8x20ms, .*got "nope"/);
});
