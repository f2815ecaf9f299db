import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));
function headroom(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bad trace input is one line naming the flag, exit 2, and nothing is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hr-tcli-'));
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
