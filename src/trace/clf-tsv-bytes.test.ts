import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ClientSource } from '../core/client-identity.js';
import { clfLineToRecord } from '../core/clf-records.js';
import { RouteTemplater } from '../core/route-template.js';
import { ClfTsvEncoder, maxRowBytes } from './clf-tsv-bytes.js';
import { clfTsvRow } from './tsv-row.js';

// The byte encoder must give exactly the general path's row, or decline (-1).
function check(lines: readonly string[], client: ClientSource = { kind: 'ip' }, patterns: string[] = []): { fast: number } {
  const routes = new RouteTemplater(patterns);
  const enc = new ClfTsvEncoder(new RouteTemplater(patterns), client);
  let fast = 0;
  lines.forEach((line, i) => {
    const bytes = Buffer.from(`xx${line}yy`);
    const out = Buffer.alloc(maxRowBytes(bytes.length));
    const end = enc.encode(bytes, 2, bytes.length - 2, i + 1, out, 0);
    if (end < 0) return;
    fast++;
    const r = clfLineToRecord(line, { client, routes, source: 's' }, i + 1);
    assert.ok(r, `the fast path accepted a line the parser rejects: ${JSON.stringify(line)}`);
    assert.equal(out.toString('utf8', 0, end), clfTsvRow(i + 1, r), JSON.stringify(line));
  });
  return { fast };
}

const APACHE = readFileSync(join(process.cwd(), '..', 'shared', 'data', 'traces', 'apache_combined_semicomplete_2015.log'), 'utf8').split('\n').filter((l) => l);

test('the real Apache sample: every good line takes the fast path with the same row', () => {
  for (const client of [{ kind: 'ip' }, { kind: 'ua' }, { kind: 'header', name: 'x-id' }] as ClientSource[]) {
    const { fast } = check(APACHE, client, ['/presentations/{deck}/*']);
    assert.ok(fast >= APACHE.length - 5, `${fast} of ${APACHE.length}`);
  }
  // The query-parameter client is left to the general path.
  assert.equal(check(APACHE.slice(0, 50), { kind: 'query', name: 'app' }).fast, 0);
});

const BASE = '1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /a/42/b.gif?x=1&y=2 HTTP/1.0" 200 2326 "http://r/" "Mozilla/5.0 (X)"';

test('edge cases give the general path\'s row or decline', () => {
  const lines = [
    BASE,
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 -',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 ',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 12 ',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 0012 "-" "-"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 099 12 "-" ""',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 2000 12 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 1e3 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 +0530] "GET /a.gif HTTP/1.0" 200 1 "-" "ua" extra "fields"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36] "GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36  -0700] "GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Foo/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [31/Feb/0099:25:61:61 -0000] "GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [1/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700]x"GET /a.gif HTTP/1.0" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "/a.gif" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "" 400 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET " 400 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a b c HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a"b" 5 HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a#frag?x=1 HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a?x=1#frag HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET http://h.example/a?x=1 HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a\\" HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-\\"x" "u\\"a"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "u\ta"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a\tb HTTP/1.1" 200 1 "-" "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 x "ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-"x"ua"',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /ünï/çødé HTTP/1.1" 200 1 "-" "ägent"',
    '10.0.0.2, 8.8.8.8 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '"10.0.0.2" - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    ' 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 -  [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4  - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - a b [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - [x] [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /users/12/friends/0123456789abcdef0123 HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /1/2/3/4/5/6/7/8/9 HTTP/1.1" 200 1 "-" "\\N"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x/3f2504e0-4f89-11d3-9a0c-0305e82c3301 HTTP/1.1" 200 999999999999999 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 9999999999999999 "-" "ua"',
    '1.2.3.4 - u [10/Oct/1000:13:55:36 -0700] "GET /x HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1"  200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 1 "-" "ua"\r',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 1 "-" "u\ra"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 1 "-" "ua" "more"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET  /x HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x?HTTP/1.1" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/" 200 1 "-" "ua"',
    '1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP" 200 1 "-" "ua"',
  ];
  check(lines);
  check(lines, { kind: 'ua' });
  check(lines, { kind: 'jwt', claim: 'sub', header: 'authorization' }, ['/users/{id}/*']);
  // The common shapes do take the fast path.
  assert.equal(check(lines.slice(0, 7)).fast, 7);
});

test('property: random variations of a log line give the general path\'s row or decline', () => {
  const piece = fc.oneof(
    fc.constantFrom(' ', '"', '[', ']', '\\', '\t', '-', '/', '?', '#', ':', ',', '\r', 'é', 'HTTP/', '200', '1.1', '{', '12'),
    fc.string({ maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.nat(BASE.length), fc.nat(8), fc.array(piece, { maxLength: 3 }), (at, cut, add) => {
      const line = BASE.slice(0, at) + add.join('') + BASE.slice(Math.min(BASE.length, at + cut));
      check([line]);
      check([line], { kind: 'ua' });
    }),
    { numRuns: 5000 },
  );
});

test('the route memo keeps a copy of the path, not a view of the input', () => {
  const enc = new ClfTsvEncoder(new RouteTemplater(), { kind: 'ip' });
  const out = Buffer.alloc(4096);
  const line = Buffer.from(BASE);
  const end = enc.encode(line, 0, line.length, 1, out, 0);
  line.fill(0x41);
  const again = Buffer.from(BASE);
  assert.equal(enc.encode(again, 0, again.length, 1, out, end) - end, end);
  assert.equal(out.toString('utf8', end, 2 * end), out.toString('utf8', 0, end));
});
