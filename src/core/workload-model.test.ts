import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkloadModel, workloadToRequests, type WorkloadModel } from './workload-model.js';

const model: WorkloadModel = {
  version: 1,
  source: { records: 100, start: '2025-01-01T00:00:00.000Z', end: '2025-01-01T00:01:40.000Z', duration_s: 100 },
  rate: { mean_rps: 1, peak_rps: 2, bucket_s: 60, rps: [1, 1] },
  endpoints: [
    { method: 'GET', route: '/users/{id}', share: 0.75, rps: 0.75, examples: ['/users/1', '/users/2', '/users/3'], latency_ms: null, bytes_mean: null, error_share: 0 },
    { method: 'POST', route: '/orders/{id}/items', share: 0.25, rps: 0.25, examples: [], latency_ms: { p50: 3, p95: 9 }, bytes_mean: 10, error_share: 0 },
  ],
  clients: [],
  think_time_ms: null,
  sessions: { gap_ms: 1_800_000, count: 0, requests: null, duration_s: null, transitions: [] },
};

test('a model becomes a scaled rate and a weighted request list', () => {
  const w = workloadToRequests(model, { scale: 2.5, baseUrl: 'http://127.0.0.1:9/' });
  assert.equal(w.rate_rps, 2.5);
  assert.deepEqual(w.requests, [
    { method: 'GET', url: 'http://127.0.0.1:9/users/1', weight: 0.25 },
    { method: 'GET', url: 'http://127.0.0.1:9/users/2', weight: 0.25 },
    { method: 'GET', url: 'http://127.0.0.1:9/users/3', weight: 0.25 },
    { method: 'POST', url: 'http://127.0.0.1:9/orders/1/items', weight: 0.25 },
  ]);
  assert.throws(() => workloadToRequests(model, { scale: 0, baseUrl: 'http://127.0.0.1:9' }), /--scale: expected a positive number/);
});

test('validation is strict and names the field', () => {
  const copy = JSON.parse(JSON.stringify(model));
  assert.equal(validateWorkloadModel(copy).endpoints.length, 2);
  assert.throws(() => validateWorkloadModel({ ...copy, extra: 1 }), /workload key "extra"/);
  assert.throws(() => validateWorkloadModel({ ...copy, version: 2 }), /workload version: expected 1/);
  const badEp = { ...copy, endpoints: [{ ...copy.endpoints[0], share: 3 }] };
  assert.throws(() => validateWorkloadModel(badEp), /endpoints\[0\]\.share: expected a number in 0\.\.1/);
  assert.throws(() => validateWorkloadModel({ ...copy, endpoints: [{ ...copy.endpoints[0], examples: ['http://x/'] }] }), /examples/);
});
