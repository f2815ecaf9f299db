import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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


const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));
function headroom(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bad trace input is one line naming the flag, exit 2, and nothing is written', () => {
  const dir = tempDir('hr-tcli-');
  const cases: [string[], RegExp][] = [
    [['trace'], /trace: expected a subcommand/],
    [['trace', 'frob'], /trace: expected a subcommand .* got "frob"/],
    [['trace', 'import', 'x.log', '--client-from', 'cookie:a'], /--client-from: expected header:NAME/],
    [['trace', 'import', 'x.log', '--max-bad', 'lots'], /--max-bad: expected a share/],
    [['trace', 'import', 'x.log', '--format', 'xml'], /--format: expected one of clf, har, otlp, jsonl/],
    [['trace', 'import', 'x.log', '--route', 'users/{id}'], /--route: expected a pattern starting with "\/"/],
    [['trace', 'import', 'missing.log'], /missing\.log: cannot read/],
    [['trace', 'report', '--top=-1'], /--top: expected a positive number/],
    [['trace', 'capture', '--upstream', 'http://example.com'], /--upstream: expected an http:\/\/ loopback address/],
    [['trace', 'capture', '--upstream', 'http://127.0.0.1:1', '--listen', 'nope'], /--listen: expected HOST:PORT/],
  ];
  for (const [args, re] of cases) {
    const r = headroom(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0]!, re);
  }
  writeFileSync(join(dir, 'junk.log'), 'not a log line\nnor this\n');
  const r = headroom(['trace', 'import', 'junk.log'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /HR_E_TRACE_BAD_INPUT/);
  const rep = headroom(['trace', 'report', '--json'], dir);
  assert.equal(rep.code, 0);
  assert.equal(JSON.parse(rep.stdout).totals.requests, 0, 'the refused import left nothing behind');
  assert.ok(existsSync(join(dir, '.headroom', 'headroom.duckdb')));
});

test('trace help lists every subcommand', () => {
  const r = headroom(['help', 'trace'], tmpdir());
  assert.equal(r.code, 0);
  for (const s of ['import', 'report', 'capture', 'workload', 'replay']) assert.match(r.stdout, new RegExp(`headroom trace ${s}`));
});

test('report filters: --client and --since (a time, or a duration back from the last record)', () => {
  const dir = tempDir('hr-tsince-');
  const log = join(process.cwd(), '..', 'shared', 'data', 'traces', 'apache_combined_semicomplete_2015.log');
  assert.equal(headroom(['trace', 'import', log], dir).code, 0);
  const all = JSON.parse(headroom(['trace', 'report', '--json'], dir).stdout);
  const lastDay = JSON.parse(headroom(['trace', 'report', '--json', '--since', '1d'], dir).stdout);
  const fromIso = JSON.parse(headroom(['trace', 'report', '--json', '--since', '2015-05-20T00:00:00Z'], dir).stdout);
  const one = JSON.parse(headroom(['trace', 'report', '--json', '--client', '46.105.14.53'], dir).stdout);
  assert.equal(all.totals.requests, 9999);
  assert.ok(lastDay.totals.requests > 0 && lastDay.totals.requests < all.totals.requests);
  assert.ok(lastDay.totals.start >= all.totals.end - 86_400_000);
  assert.ok(fromIso.totals.start >= Date.parse('2015-05-20T00:00:00Z'));
  assert.equal(one.totals.requests, 364);
  assert.deepEqual(one.clients.map((c: { key: string }) => c.key), ['46.105.14.53']);
  assert.ok(one.findings.some((f: { detector: string }) => f.detector === 'polling'));
  const bad = headroom(['trace', 'report', '--since', 'yesterday'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since: expected an ISO 8601 time or a duration/);
});
