// The dashboard's trace API serves the stored findings (trace_findings) while they are current
// for the records in the store, instead of running the seven detectors on every page load;
// a new import makes them stale, and filtered queries are computed. Real store, real HTTP,
// the real files in ../shared/data/traces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { Store, closeAllDbs, withDb } from '../src/store/index.js';
import { query } from '../src/store/rows.js';
import { startServer, type RunningServer } from '../src/server/server.js';

const DATA = join(process.cwd(), '..', 'shared', 'data', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'hr-trace-stored-'));
const store = join(dir, 's.duckdb');
let server: RunningServer;

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const o = new PassThrough();
  const e = new PassThrough();
  o.on('data', (c) => (out += c));
  e.on('data', (c) => (err += c));
  const io: CliIo = { stdout: o, stderr: e, env: {}, isTTY: false, signal: new AbortController().signal, cwd: dir };
  assert.equal(await main([...args, '--store', store], io), 0, err);
  return out;
}

interface F { detector: string; client: string; endpoint: string; summary: string }
interface Body { totals: { requests: number }; findings: F[] }

async function get(path: string): Promise<Body> {
  const res = await fetch(server.url + path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as Body;
}

const sql = (s: string) => withDb(store, (c) => query(c, s));

before(async () => {
  await cli(['trace', 'import', join(DATA, 'hotrod_dispatch_otlp.json')]);
  server = await startServer({ store: await Store.open(store), port: 0, log: () => {} });
});
after(async () => {
  await server?.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

test('the first load computes and stores the findings; the next ones are served from the store', async () => {
  assert.equal((await sql('SELECT count(*) AS n FROM trace_findings_basis'))[0]!.n, 0);
  const computed = await get('/api/trace/findings');
  assert.ok(computed.findings.some((f) => f.detector === 'n_plus_1' && f.endpoint === 'GET /route'), JSON.stringify(computed.findings));
  const [basis] = await sql('SELECT imports, client, since FROM trace_findings_basis');
  assert.deepEqual(basis, { imports: 1, client: null, since: null });
  assert.equal((await sql('SELECT count(*) AS n FROM trace_findings'))[0]!.n, computed.findings.length);
  assert.deepEqual(await get('/api/trace/findings'), computed, 'stored findings read back as computed, in order');

  // Altered in SQL, the stored row is what the API answers: nothing was recomputed.
  await sql(`UPDATE trace_findings SET summary = 'altered in SQL' WHERE seq = 0`);
  assert.equal((await get('/api/trace/findings')).findings[0]!.summary, 'altered in SQL');
  const report = (await get('/api/trace/report?top=3')) as Body & { clients: unknown[] };
  assert.equal(report.findings[0]!.summary, 'altered in SQL', 'the report uses the stored findings too');
  assert.ok(report.clients.length > 0);
});

test('a new import makes the stored findings stale: they are recomputed and stored again', async () => {
  await cli(['trace', 'import', join(DATA, 'apache_combined_semicomplete_2015.log')]);
  const after = await get('/api/trace/findings');
  assert.ok(after.totals.requests > 9000, 'both imports counted');
  assert.ok(after.findings.every((f) => f.summary !== 'altered in SQL'));
  assert.ok(after.findings.some((f) => f.detector === 'n_plus_1' && f.endpoint === 'GET /route'));
  assert.ok(after.findings.some((f) => f.client !== 'frontend' && !f.endpoint.startsWith('GET /route')), 'findings of the log too');
  const [basis] = await sql('SELECT imports FROM trace_findings_basis');
  assert.equal(basis!.imports, 2);
  assert.deepEqual((await get('/api/trace/report')).findings, after.findings);
});

test('filtered queries are computed, as `trace report` computes them, and never served from the unfiltered ones', async () => {
  const all = await get('/api/trace/findings');
  const client = all.findings.find((f) => f.client !== 'frontend')!.client;
  const viaCli = JSON.parse(await cli(['trace', 'report', '--client', client, '--json'])) as Body;
  const viaApi = await get(`/api/trace/findings?client=${encodeURIComponent(client)}`);
  assert.deepEqual(viaApi, { totals: viaCli.totals, findings: viaCli.findings });
  assert.ok(viaApi.findings.every((f) => f.client === client) && viaApi.totals.requests < all.totals.requests);
  // The CLI stored the filtered findings: the unfiltered page must not take them for all.
  assert.equal((await sql('SELECT client FROM trace_findings_basis'))[0]!.client, client);
  assert.deepEqual(await get('/api/trace/findings'), all);
  const since = await get(`/api/trace/findings?since=2015-05-20T00:00:00Z`);
  assert.ok(since.totals.requests < all.totals.requests);
});
