/**
 * The squeeze controller fed the per-second samples of real squeezes of the sample
 * targets (recorded on loopback by `node dist/bench/squeeze-accuracy.js --record DIR`):
 * no sockets. Replaying a recording must reproduce, second by second, the rate the
 * controller asked for when it was recorded, and end on the same verdict — so any change
 * to the controller's decisions shows up here (re-record the fixtures when it is meant).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SqueezeController } from '../src/core/squeeze-controller.js';
import { resolveSqueezeOptions } from '../src/core/squeeze-options.js';
import { parseSlo } from '../src/core/slo.js';
import type { SecondSample } from '../src/core/load-types.js';

/** The sample targets as bench/squeeze-accuracy.ts squeezes them: min = truth/16, max = 8 × truth. */
const RECORDED = [
  { name: 'queue-8x20ms', slo: 'p99<200ms', truth: 400 },
  { name: 'queue-2x10ms', slo: 'p99<100ms', truth: 200 },
  { name: 'queue-12x40ms', slo: 'p99<400ms', truth: 300 },
  { name: 'usl', slo: 'p50<50ms', truth: 366.3 },
  { name: 'collapse', slo: 'p99<100ms', truth: 300 },
  { name: 'noisy', slo: 'p99<200ms', truth: 410.6 },
  { name: 'rate-limit', slo: 'p99<100ms', truth: 252.5 },
];

function load(name: string): SecondSample[] {
  const text = readFileSync(new URL(`../../test/fixtures/squeeze/${name}.jsonl`, import.meta.url), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as SecondSample);
}

function replay(name: string, slo: string, truth: number) {
  const c = new SqueezeController(
    resolveSqueezeOptions({ slo: [parseSlo(slo), parseSlo('errors<1%')], minRate: Math.max(10, Math.round(truth / 16)), maxRate: Math.round(truth * 8), stepDurationS: 5 }),
  );
  const samples = load(name);
  const first = c.start()[0];
  let rate = first?.type === 'rate' ? first.rps : NaN;
  let changed = 0;
  let used = 0;
  for (const s of samples) {
    if (c.finished) break;
    // A second that began on a new rate may blend the old and new one; the rest match exactly.
    if (s.t > changed + 1) assert.ok(Math.abs(s.offered_rps! - rate) < 0.01, `${name} t=${s.t}: recorded ${s.offered_rps} req/s, the controller asked for ${rate}`);
    used++;
    for (const cmd of c.onSecond(s)) {
      if (cmd.type === 'rate' && cmd.rps !== rate) {
        rate = cmd.rps;
        changed = s.t;
      }
    }
  }
  assert.ok(c.finished, `${name}: the recording ended before the search did`);
  assert.ok(samples.length - used <= 1, `${name}: ${samples.length - used} seconds recorded after the search ended`);
  return c.result();
}

for (const { name, slo, truth } of RECORDED) {
  test(`recorded squeeze of ${name}: same decisions every second, capacity within 5% of ${truth}`, () => {
    const r = replay(name, slo, truth);
    assert.equal(r.outcome, 'capacity', r.message);
    assert.ok(Math.abs(r.capacity_rps! - truth) / truth <= 0.05, `found ${r.capacity_rps}`);
    assert.ok(r.steps.length <= 15, `${r.steps.length} steps`);
    assert.deepEqual(replay(name, slo, truth), r, 'a second replay decides the same');
  });
}

test('recorded seconds above a fixed-service queue’s limit fail on its backlog while p99 still meets the SLO', () => {
  const r = replay('queue-8x20ms', 'p99<200ms', 400);
  const above = r.steps.filter((s) => s.offered_rps! > 404 && s.verdict !== 'hard-breach');
  assert.ok(above.length > 0, 'the recording probes just above 400 req/s');
  for (const s of above) {
    assert.equal(s.verdict, 'bad', `step ${s.index} at ${s.offered_rps}`);
    if (s.p99_ms < 200) assert.equal(s.binding, 'throughput', `step ${s.index}: ${s.note}`);
  }
});
