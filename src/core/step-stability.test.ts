import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backlogGrowth, stepSteadiness } from './step-stability.js';
import { parseSlo } from './slo.js';
import { testSecond } from './test-second.js';

test('backlogGrowth is the slope of sent − completed: ~0 for a target that keeps up, λ − μ for one that does not', () => {
  const keepsUp = [402, 398, 401, 399, 400].map((a, i) => testSecond(400, a, 20, false, i + 1));
  assert.ok(Math.abs(backlogGrowth(keepsUp)!) < 1.5, String(backlogGrowth(keepsUp)));
  const behind = [400, 400, 401, 400, 400].map((a, i) => testSecond(407.6, a, 20, false, i + 1));
  assert.ok(Math.abs(backlogGrowth(behind)! - 7.6) < 0.5, String(backlogGrowth(behind)));
  assert.equal(backlogGrowth(behind.slice(0, 2)), null, 'too few seconds');
  assert.equal(backlogGrowth([{ ...keepsUp[0]!, offered_rps: null }, ...keepsUp.slice(1)]), null, 'closed model');
});

test('a step whose target falls behind is unsteady although its latency meets the SLO', () => {
  const slo = [parseSlo('p99<200ms')];
  const behind = [400, 400, 401, 400].map((a, i) => testSecond(407.6, a, 30, false, i + 1));
  const s = stepSteadiness(slo, behind);
  assert.equal(s.steady, false);
  assert.match(s.reason, /^backlog growing by 7\.\d req\/s/);
  assert.equal(stepSteadiness(slo, [402, 398, 401, 399].map((a, i) => testSecond(400, a, 30, false, i + 1))).steady, true);
});
