import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));

/** Runs the real binary, as a user would. */
export function headroom(args: string[], opts: { timeout?: number } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('help lists commands and exits 0', () => {
  const r = headroom(['help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: headroom <command>/);
});

test('an unknown command is one line on stderr and exit code 2', () => {
  const r = headroom(['frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /unknown command "frobnicate"/);
});
