import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RouteTemplater } from '../src/core/route-template.js';
import { openTraceDb } from '../src/trace/db.js';
import { buildReport } from '../src/trace/report.js';
import { importIntoStore } from '../src/trace/store-import.js';

// The real sample files (../shared/data/traces) must give sensible findings.
const DATA = join(process.cwd(), '..', 'shared', 'data', 'traces');

async function reportOf(file: string, client: 'ip' | 'ua' = 'ip') {
  const db = await openTraceDb(':memory:');
  try {
    await importIntoStore(db, [join(DATA, file)], { client: { kind: client }, routes: new RouteTemplater(), maxBad: 0.05 });
    return await buildReport(db, { top: 10 });
  } finally {
    db.close();
  }
}

test('Apache log: the RSS pollers of /blog/tags/puppet?flav=rss20 are found, with evidence lines', async () => {
  const r = await reportOf('apache_combined_semicomplete_2015.log');
  assert.equal(r.totals.requests, 9999);
  assert.equal(r.clients[0]!.key, '66.249.73.135');
  assert.equal(r.clients[0]!.requests, 482);
  const polls = r.findings.filter((f) => f.detector === 'polling' && f.endpoint === 'GET /blog/tags/puppet');
  assert.deepEqual(polls.map((f) => f.client).sort(), ['46.105.14.53', '50.16.19.13']);
  const big = polls.find((f) => f.client === '46.105.14.53')!;
  assert.equal(big.count, 364);
  assert.match(big.summary, /every 3\d{3}(\.\d)? s/);
  assert.ok(big.saved_rps > 0 && big.evidence[0]!.startsWith('apache_combined_semicomplete_2015.log:'));
  assert.notEqual(big.severity, 'low');
});

test('HotROD OTLP: the parallel N+1 of /route and the sequential N+1 with retries of GetDriver', async () => {
  const r = await reportOf('hotrod_dispatch_otlp.json');
  const n1 = r.findings.filter((f) => f.detector === 'n_plus_1');
  const route = n1.find((f) => f.endpoint === 'GET /route')!;
  assert.equal(route.client, 'frontend');
  assert.equal(route.count, 10);
  assert.match(route.summary, /parallel/);
  const redis = n1.find((f) => f.endpoint === 'GetDriver')!;
  assert.equal(redis.client, 'driver');
  assert.equal(redis.count, 13);
  assert.match(redis.summary, /sequential/);
  assert.ok(r.findings.some((f) => f.detector === 'retry_storm' && f.endpoint === 'GetDriver'));
  assert.ok(!r.findings.some((f) => f.detector === 'duplicate'), 'distinct pickups are not duplicates');
  const m = r.matrix.find((x) => x.client === 'frontend' && x.service === 'route')!;
  assert.equal(m.requests, 10);
});

test('NYTimes HAR: responses still fresh are fetched again in the repeat view', async () => {
  const r = await reportOf('nytimes_wpt_first_repeat.har', 'ua');
  const cache = r.findings.filter((f) => f.detector === 'cache_refetch');
  assert.ok(cache.length >= 1);
  assert.ok(cache.every((f) => f.evidence.every((e) => e.startsWith('nytimes_wpt_first_repeat.har#'))));
});
