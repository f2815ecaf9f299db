import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlo } from '../core/slo.js';
import { startUslTarget } from './usl-target.js';
import { startCollapseTarget } from './collapse-target.js';
import { startNoisyTarget } from './noisy-target.js';
import { startRateLimitTarget } from './rate-limit-target.js';

const p99 = (ms: number) => parseSlo(`p99<${ms}ms`);

test('true capacities follow from each definition', async () => {
  const usl = await startUslTarget({ serviceMs: 10, sigma: 0.08, kappa: 0.0015 });
  const noisy = await startNoisyTarget({ mu: 1000, serviceMs: 5, sigmaLn: 0.3 });
  const rl = await startRateLimitTarget({ limitRps: 500, serviceMs: 2 });
  const col = await startCollapseTarget({ limitRps: 600, serviceMs: 5 });
  try {
    const u = usl.trueCapacity([p99(25)]);
    assert.ok(u > 600 && u < 640, `usl ${u}`);
    // Past the USL peak the peak binds: X(N*) = 100·24.76/(1 + 0.08·23.76 + 0.0015·24.76·23.76).
    assert.ok(Math.abs(usl.trueCapacity([p99(1000)]) - 654.4) < 1, `${usl.trueCapacity([p99(1000)])}`);
    assert.ok(Math.abs(noisy.trueCapacity([p99(50)]) - 1000 * (1 - (5 * Math.exp(0.3 * 2.3263)) / 50)) < 1e-6);
    assert.ok(Math.abs(rl.trueCapacity([p99(50), parseSlo('errors<1%')]) - 500 / 0.99) < 1e-6);
    assert.equal(col.trueCapacity([p99(50)]), 600);
  } finally {
    await Promise.all([usl.close(), noisy.close(), rl.close(), col.close()]);
  }
});

test('targets answer over loopback: 200 when healthy, 503 past a limit, and count arrivals', async () => {
  const rl = await startRateLimitTarget({ limitRps: 5, serviceMs: 1 });
  const col = await startCollapseTarget({ limitRps: 3, serviceMs: 1, collapsedMs: 10 }); // over 3 req/s across 2 s: the 7th
  try {
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await fetch(rl.url)).status);
    assert.deepEqual(codes, [200, 200, 200, 200, 200, 503, 503, 503]);
    const cc = [];
    for (let i = 0; i < 8; i++) cc.push((await fetch(col.url)).status);
    assert.deepEqual(cc, [200, 200, 200, 200, 200, 200, 503, 503]);
    assert.equal(col.collapses(), 1);
    const buckets = col.receivedPer100ms();
    assert.equal(buckets.reduce((a, b) => a + b.received, 0), 8);
    assert.equal(buckets.reduce((a, b) => a + b.collapsed, 0), 2);
  } finally {
    await Promise.all([rl.close(), col.close()]);
  }
});
