import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { run } from '../src/index.js';
import type { SecondSample } from '../src/index.js';
import { httpServer } from './helpers.js';

// A target that stops answering completely for 1 s in the middle of a 10 s run at a
// constant 200 req/s. Requests intended during the stall wait up to 1 s, so 10 % of all
// requests have latencies spread evenly over (0, 1 s]: the top 1 % (20 requests) are the
// first 20 of the stall, and p99 ≈ 1000 − 20 × 5 ms = 900 ms. The generator holds only
// 8 connections, so nearly all stalled iterations wait in the generator, unsent: their
// service time (from the actual send) stays small. A tool with coordinated omission would
// report p99 of a few ms.
test('a 1 s stall mid-run shows in the latency percentiles, not in the service time', async () => {
  const STALL_AT = 4500;
  const STALL_MS = 1000;
  let t0 = 0;
  const held: ServerResponse[] = [];
  let stallTimer: NodeJS.Timeout | undefined;
  const srv = await httpServer((_req, res) => {
    if (t0 === 0) {
      t0 = performance.now();
      stallTimer = setTimeout(() => {
        stalled = false;
        for (const r of held.splice(0)) r.end('late');
      }, STALL_AT + STALL_MS);
    }
    const t = performance.now() - t0;
    if (t >= STALL_AT && stalled) held.push(res);
    else res.end('ok');
  });
  let stalled = true;
  const seconds: SecondSample[] = [];
  try {
    const s = await run(
      { url: srv.url, rate: 200, durationMs: 10_000, maxConnections: 8, threads: 1 },
      { onStart: (load) => load.onSecond((x) => seconds.push(x)) },
    );
    assert.ok(s.requests >= 1990 && s.requests <= 2010, `requests ${s.requests}`);
    assert.equal(s.errors.total, 0);
    assert.ok(s.latency_ms.p99 > 800 && s.latency_ms.p99 < 1100, `latency p99 ${s.latency_ms.p99} ms, expected ≈ 900`);
    assert.ok(s.latency_ms.max > 950 && s.latency_ms.max < 1300, `latency max ${s.latency_ms.max} ms`);
    assert.ok(s.service_ms.p99 < 300, `service p99 ${s.service_ms.p99} ms should not show the stall`);
    assert.ok(s.late >= 150, `late ${s.late}: iterations waited for a connection`);
    // The stall is visible in the per-second series too.
    const worst = Math.max(...seconds.map((x) => x.latency_ms.max));
    assert.ok(worst > 900, `per-second max ${worst}`);
  } finally {
    clearTimeout(stallTimer);
    await srv.close();
  }
});
