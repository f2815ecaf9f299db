import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchLedger, hardBreach } from './safety-gate.js';
import { resolveSqueezeOptions } from './squeeze-options.js';
import { parseSlo } from './slo.js';
import { testSecond as second } from './test-second.js';

const opts = resolveSqueezeOptions({ slo: [parseSlo('p99<200ms'), parseSlo('errors<1%')], minRate: 25, maxRate: 3200 });

test('a target completing half of what it is sent trips the gate before the latency of what completed does', () => {
  const b = hardBreach(opts, second(600, 300, 150), new SearchLedger(opts.slo));
  assert.equal(b?.guard, 'throughput');
  assert.match(b!.message, /completed 300 of 600 requests sent in a second/);
});

test('the throughput gate leaves alone a target that keeps up, and a generator that could not send', () => {
  assert.equal(hardBreach(opts, second(600, 560, 150), new SearchLedger(opts.slo)), null, 'a step up whose first completions lag a little');
  assert.equal(hardBreach(opts, second(600, 300, 150, true), new SearchLedger(opts.slo)), null, 'the generator was saturated');
});

test('latency over 1.5× the SLO trips the gate', () => {
  assert.equal(hardBreach(opts, second(400, 400, 320), new SearchLedger(opts.slo))?.guard, 'p99<200ms');
});
