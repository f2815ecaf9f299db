import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headroomAsync, httpServer } from './helpers.js';
import { startQueueTarget } from '../src/targets/queue-target.js';
import { startNoisyTarget } from '../src/targets/noisy-target.js';
import { parseSlo } from '../src/core/slo.js';

test('bad input is one line on stderr, exit 2, and no report', async () => {
  const cases: [string[], RegExp][] = [
    [['--slo', 'p99<<5ms'], /--slo: expected an SLO like/],
    [['--slo', 'p99<100ms', '--min-rate', '500', '--max-rate', '100'], /--min-rate: expected less than --max-rate/],
    [['--slo', 'p99<100ms', '--resolution', '80%'], /--resolution: expected a percentage between 0.5% and 50%/],
    [['--slo', 'p99<100ms', '--step-duration', '1s'], /--step-duration: expected at least 2s/],
    [['--slo', 'p99<100ms', '--mode', 'fast'], /--mode: expected "rate" or "concurrency"/],
    [[], /--slo: expected at least one SLO clause/],
  ];
  for (const [args, re] of cases) {
    const r = await headroomAsync(['squeeze', 'http://127.0.0.1:9/', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0]!, re);
    assert.equal(r.stdout, '');
  }
});

test('an unreachable target is exit 2 before any load', async () => {
  const s = await httpServer(() => {});
  const url = s.url;
  await s.close();
  const r = await headroomAsync(['squeeze', url, '--slo', 'p99<100ms', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot reach .* \(ECONNREFUSED\); nothing was squeezed \[HR_E_UNREACHABLE\]/);
  assert.equal(r.stdout, '');
});

test('squeezes a sample target to within 10% of its true capacity and reports JSON', async () => {
  // Latency grows smoothly with the rate (S₀/(1 − r/μ), lognormal noise): a true capacity
  // inside the curve, not on a queue's knife edge at ρ = 1, which 2 s steps cannot resolve.
  const t = await startNoisyTarget({ mu: 400, serviceMs: 10, sigmaLn: 0.2 });
  const truth = t.trueCapacity([parseSlo('p99<100ms'), parseSlo('errors<1%')]);
  try {
    const r = await headroomAsync(
      ['squeeze', t.url, '--slo', 'p99<100ms', '--slo', 'errors<1%', '--min-rate', '40', '--max-rate', '2000', '--step-duration', '2s', '--resolution', '3%', '--threads', '1', '--json'],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.outcome, 'capacity');
    assert.ok(Math.abs(rep.capacity_rps - truth) / truth <= 0.1, `found ${rep.capacity_rps}, truth ${truth}`);
    assert.ok(rep.steps.length <= 15 && rep.steps_count === rep.steps.length);
    assert.ok(rep.ci[0] <= rep.capacity_rps);
    assert.ok(Array.isArray(rep.curve) && typeof rep.time_over_slo_s === 'number' && 'usl' in rep);
    assert.match(r.stderr, /^capacity: [\d.]+ req\/s/m);
  } finally {
    await t.close();
  }
});

test('no headroom at the minimum rate exits 4 without a capacity', async () => {
  const slow = await httpServer((_req, res) => {
    setTimeout(() => res.end('slow'), 120);
  });
  try {
    const r = await headroomAsync(['squeeze', slow.url, '--slo', 'p99<50ms', '--min-rate', '20', '--max-rate', '200', '--step-duration', '2s', '--threads', '1', '--json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 4, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.outcome, 'no-headroom');
    assert.equal(rep.capacity_rps, null);
    assert.match(r.stderr, /no headroom at the minimum rate 20 req\/s/);
  } finally {
    await slow.close();
  }
});

test('concurrency mode finds where throughput stops growing (closed model)', async () => {
  const t = await startQueueTarget({ workers: 4, serviceMs: 20, queueLimit: 400 });
  try {
    const r = await headroomAsync(
      ['squeeze', t.url, '--mode', 'concurrency', '--slo', 'p99<1s', '--max-concurrency', '12', '--step-duration', '2s', '--threads', '1', '--json'],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.mode, 'concurrency');
    // 4 workers × 20 ms: 200 req/s, reached with 4 users; more users only queue.
    assert.ok(rep.best_concurrency >= 3 && rep.best_concurrency <= 9, `best at ${rep.best_concurrency} users`);
    assert.ok(Math.abs(rep.capacity_rps - 200) / 200 <= 0.1, `best ${rep.capacity_rps} req/s`);
    assert.ok(rep.steps.every((s: { offered_rps: unknown }) => s.offered_rps === null));
  } finally {
    await t.close();
  }
});
