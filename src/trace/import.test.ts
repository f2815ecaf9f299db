import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RouteTemplater } from '../core/route-template.js';
import type { TraceRecord } from '../core/trace-record.js';
import { importFile, type ImportOptions } from './import.js';

// Temporary directories of this file, removed when its tests are done.
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});


// One contract for every importer (as hono runs one suite against every router): the same
// requests written as an access log, a HAR file, OTLP/JSON (current and old attribute
// names, bare and wrapped) and headroom JSON Lines must give the same normalised records.
const UA = 'probe/1.0 (contract)';
const REQS = [
  { ts: Date.UTC(2024, 0, 2, 3, 4, 5), method: 'GET', path: '/users/42/friends', query: 'page=2', status: 200, bytes: 1234 },
  { ts: Date.UTC(2024, 0, 2, 3, 4, 6), method: 'POST', path: '/orders/3f2a9c1b77e04d21', query: '', status: 201, bytes: 17 },
  { ts: Date.UTC(2024, 0, 2, 3, 4, 7), method: 'GET', path: '/items/550e8400-e29b-41d4-a716-446655440000', query: '', status: 404, bytes: 0 },
  { ts: Date.UTC(2024, 0, 2, 3, 4, 9), method: 'DELETE', path: '/', query: 'token=abc', status: 503, bytes: 50 },
];
const EXPECTED_ROUTES = ['/users/{id}/friends', '/orders/{hex}', '/items/{uuid}', '/'];

function clfDate(ts: number): string {
  const d = new Date(ts);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
const target = (r: (typeof REQS)[number]) => r.path + (r.query ? `?${r.query}` : '');

function writeInputs(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const clf = REQS.map((r) => `203.0.113.9 - - [${clfDate(r.ts)}] "${r.method} ${target(r)} HTTP/1.1" ${r.status} ${r.bytes} "-" "${UA}"`).join('\n') + '\n';
  files.clf = join(dir, 'a.log');
  writeFileSync(files.clf, clf);
  files.clfgz = join(dir, 'a.log.gz');
  writeFileSync(files.clfgz, gzipSync(clf));
  files.har = join(dir, 'a.har');
  writeFileSync(files.har, JSON.stringify({
    log: {
      version: '1.2', creator: { name: 't', version: '1' },
      entries: REQS.map((r) => ({
        startedDateTime: new Date(r.ts).toISOString(), time: 5,
        request: { method: r.method, url: `http://api.test${target(r)}`, headers: [{ name: 'User-Agent', value: UA }], bodySize: 0 },
        response: { status: r.status, headers: [], bodySize: r.bytes, content: { size: r.bytes } },
      })),
    },
  }));
  const span = (r: (typeof REQS)[number], i: number, old: boolean) => ({
    traceId: 'aa', spanId: `s${i}`, kind: 2, name: `${r.method}`,
    startTimeUnixNano: `${r.ts}000000`, endTimeUnixNano: `${r.ts + 5}000000`,
    attributes: (old
      ? [['http.method', r.method], ['http.target', target(r)], ['http.status_code', r.status], ['http.user_agent', UA], ['http.response_content_length', r.bytes]]
      : [['http.request.method', r.method], ['url.path', r.path], ['url.query', r.query], ['http.response.status_code', r.status], ['user_agent.original', UA], ['http.response.body.size', r.bytes]]
    ).filter(([, v]) => v !== '').map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
  });
  const rs = (old: boolean) => [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: REQS.map((r, i) => span(r, i, old)) }] }];
  files.otlp = join(dir, 'a.json');
  writeFileSync(files.otlp, JSON.stringify({ resourceSpans: rs(false) }));
  files.otlpOld = join(dir, 'b.json');
  writeFileSync(files.otlpOld, JSON.stringify({ result: { resourceSpans: rs(true) } }, null, 2));
  files.jsonl = join(dir, 'a.jsonl');
  writeFileSync(files.jsonl, REQS.map((r) => JSON.stringify({ ts: new Date(r.ts).toISOString(), client: UA, method: r.method, path: r.path, query: r.query, status: r.status, bytes: r.bytes, user_agent: UA })).join('\n'));
  return files;
}

async function read(file: string, extra: Partial<ImportOptions> = {}) {
  const out: TraceRecord[] = [];
  const stats = await importFile(file, { client: { kind: 'ua' }, routes: new RouteTemplater(), maxBad: 0.05, ...extra }, (r) => out.push(r));
  return { out, stats };
}

test('every importer yields the same normalised records for equivalent inputs', async () => {
  const files = writeInputs(tempDir('hr-contract-'));
  const expected = REQS.map((r, i) => ({ ts: r.ts, client: UA, method: r.method, path: r.path, query: r.query, route: EXPECTED_ROUTES[i], status: r.status, bytes: r.bytes }));
  const formats: Record<string, string> = { clf: 'clf', clfgz: 'clf', har: 'har', otlp: 'otlp', otlpOld: 'otlp', jsonl: 'jsonl' };
  for (const [name, file] of Object.entries(files)) {
    const { out, stats } = await read(file);
    assert.equal(stats.format, formats[name], name);
    assert.equal(stats.bad, 0, name);
    const got = out.map((r) => ({ ts: r.ts, client: r.client, method: r.method, path: r.path, query: r.query, route: r.route, status: r.status, bytes: r.bytes }));
    assert.deepEqual(got, expected, name);
  }
});

test('malformed lines are counted and sampled; past --max-bad the import is refused', async () => {
  const dir = tempDir('hr-bad-');
  const good = `1.2.3.4 - - [02/Jan/2024:03:04:05 +0000] "GET / HTTP/1.1" 200 5 "-" "x"`;
  const file = join(dir, 'm.log');
  writeFileSync(file, [good, 'garbage here', good, good].join('\n'));
  await assert.rejects(read(file, { maxBad: 0.1 }), /1 of 4 clf items are malformed/);
  const { out, stats } = await read(file, { maxBad: 0.5 });
  assert.equal(out.length, 3);
  assert.equal(stats.bad, 1);
  assert.deepEqual(stats.badSamples[0], { ref: 'm.log:2', reason: 'not a Common/Combined Log Format line', text: 'garbage here' });
});

const DATA = join(process.cwd(), '..', 'shared', 'data', 'traces');

test('the real Apache log: 9,999 records and line 8,899 counted as malformed', async () => {
  const { out, stats } = await read(join(DATA, 'apache_combined_semicomplete_2015.log'), { client: { kind: 'ip' } });
  assert.equal(stats.records, 9999);
  assert.equal(stats.bad, 1);
  assert.equal(stats.badSamples[0]!.ref, 'apache_combined_semicomplete_2015.log:8899');
  const status = new Map<number, number>();
  for (const r of out) status.set(r.status, (status.get(r.status) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(status), { 200: 9125, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 403: 2, 416: 2 });
  assert.equal(out.filter((r) => r.client === '66.249.73.135').length, 482);
  assert.equal(out.filter((r) => r.path === '/blog/tags/puppet' && r.query === 'flav=rss20').length, 488);
});

test('the nginx edge cases parse to the fields filebeat expects', async () => {
  const { out, stats } = await read(join(DATA, 'nginx_combined_edgecases_beats.log'), { client: { kind: 'ip' } });
  assert.equal(stats.bad, 0);
  assert.deepEqual(
    out.map((r) => [r.client, new Date(r.ts).toISOString(), r.method, r.path + (r.query ? '?' + r.query : ''), r.status, r.bytes]),
    [
      ['10.0.0.2', '2016-12-07T10:05:07.000Z', 'GET', '/ocelot', 200, 571],
      ['172.17.0.1', '2017-05-29T19:02:48.000Z', 'GET', '/stringpatch', 404, 612],
      ['85.181.35.98', '2016-12-07T10:05:07.000Z', 'GET', '/ocelot', 200, 571],
      ['85.181.35.98', '2016-12-07T10:05:07.000Z', 'GET', '/ocelot', 200, 571],
      ['199.96.1.1', '2016-01-22T13:18:29.000Z', 'GET', '/assets/xxxx?q=100', 200, 25507],
      ['2a03:0000:10ff:f00f:0000:0000:0:8000', '2016-12-30T06:47:09.000Z', 'GET', '/test.html', 404, 8571],
      ['127.0.0.1', '2018-04-12T07:48:40.000Z', '', '', 400, 0],
    ],
  );
  assert.equal(out[1]!.user_agent, 'Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2');
  assert.equal(out[6]!.user_agent, null);
});

test('the real HAR and OTLP files import completely', async () => {
  const har = await read(join(DATA, 'nytimes_wpt_first_repeat.har'));
  assert.equal(har.stats.records, 328);
  assert.equal(new Set(har.out.map((r) => r.parent_id)).size, 2);
  assert.ok(har.out.some((r) => r.cache_control !== null));
  const otlp = await read(join(DATA, 'hotrod_dispatch_otlp.json'), { client: { kind: 'ip' } });
  assert.equal(otlp.stats.records, 40);
  const routeCalls = otlp.out.filter((r) => r.kind === 'client' && r.route === '/route');
  assert.equal(routeCalls.length, 10);
  assert.equal(new Set(routeCalls.map((r) => r.parent_id)).size, 1);
  assert.equal(otlp.out.filter((r) => r.route === 'GetDriver').length, 13);
});
