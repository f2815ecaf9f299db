import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateSchedule, parseStages } from './rate-schedule.js';
import { HeadroomError } from './errors.js';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

test('a constant rate spaces arrivals evenly: N⁻¹(n + ½) = (n + ½)/r', () => {
  const s = RateSchedule.constant(1000, 10_000);
  close(s.timeOfCount(0.5), 0.5);
  close(s.timeOfCount(1.5), 1.5);
  close(s.countAt(10_000), 10_000);
  assert.equal(s.timeOfCount(10_001), Infinity);
});

test('a ramp integrates to the area under it and inverts exactly', () => {
  const s = new RateSchedule([{ from: 0, to: 1000, durationMs: 10_000 }]);
  close(s.rateAt(5000), 500);
  close(s.countAt(10_000), 5000);
  close(s.countAt(5000), 1250);
  for (const n of [1, 10, 1250, 3000, 4999]) close(s.countAt(s.timeOfCount(n)), n, 1e-6);
});

test('ramp down and multi-stage schedules invert monotonically', () => {
  const s = new RateSchedule([
    { from: 100, to: 2000, durationMs: 3000 },
    { from: 2000, to: 2000, durationMs: 2000 },
    { from: 2000, to: 10, durationMs: 4000 },
  ]);
  let prev = -1;
  for (let n = 0.5; n < s.total; n += 7.3) {
    const t = s.timeOfCount(n);
    assert.ok(t >= prev, `time must not go back at n=${n}`);
    close(s.countAt(t), n, 1e-6);
    prev = t;
  }
});

test('setRate holds a new rate from a moment on, keeping N(t) continuous', () => {
  const s = RateSchedule.constant(100, 10_000);
  s.setRate(2000, 500);
  close(s.countAt(2000), 200);
  close(s.countAt(3000), 700);
  close(s.rateAt(2500), 500);
  close(s.timeOfCount(700), 3000);
  close(s.countAt(10_000), 200 + 500 * 8);
});

test('parseStages reads ramps and holds, and names the flag on errors', () => {
  assert.deepEqual(parseStages('0:1000/30s,1000:5000/1m,5000/10s'), [
    { from: 0, to: 1000, durationMs: 30_000 },
    { from: 1000, to: 5000, durationMs: 60_000 },
    { from: 5000, to: 5000, durationMs: 10_000 },
  ]);
  for (const bad of ['', 'abc', '0:1000', '10/0s', '0/10s', '-5/1s', '1:2:3/4s']) {
    assert.throws(() => parseStages(bad), (e: unknown) => e instanceof HeadroomError && e.message.startsWith('--stages:'), bad);
  }
});

test('N⁻¹ of a denormal count on a ramp from 0 stays at the start (underflow)', () => {
  const s = new RateSchedule([{ from: 0, to: 1, durationMs: 100 }]);
  const n = 5e-323 * s.total;
  assert.ok(Math.abs(s.countAt(s.timeOfCount(n)) - n) <= 1e-6);
  assert.ok(s.timeOfCount(n) < 1e-6);
});

test('property: for any stages, N⁻¹ is monotone and inverts N', async () => {
  const fc = (await import('fast-check')).default;
  const stage = fc.record({ from: fc.integer({ min: 0, max: 5000 }), to: fc.integer({ min: 0, max: 5000 }), durationMs: fc.integer({ min: 1, max: 60_000 }) });
  fc.assert(
    fc.property(fc.array(stage, { minLength: 1, maxLength: 5 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }), (stages, qs) => {
      const s = new RateSchedule(stages);
      const total = s.total;
      const ns = qs.map((q) => q * total).sort((a, b) => a - b);
      let prev = -Infinity;
      for (const n of ns) {
        const t = s.timeOfCount(n);
        assert.ok(t >= prev - 1e-6 && t <= s.endMs + 1e-6, `t=${t}`);
        assert.ok(Math.abs(s.countAt(t) - n) <= 1e-6 * Math.max(1, n), `N(N⁻¹(${n})) = ${s.countAt(t)}`);
        prev = t;
      }
    }),
    { numRuns: 500 },
  );
});
