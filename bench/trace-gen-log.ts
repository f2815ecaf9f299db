/**
 * Writes a large Combined Log Format file for the import benchmark by repeating the real
 * Apache sample (../shared/data/traces) with each repetition shifted 3.5 days later, so
 * the result reads as one long, continuous log with the sample's real mix of clients,
 * paths, statuses and its one malformed line per 10,000.
 *
 *   node dist/bench/trace-gen-log.js OUT LINES
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, linesArg] = process.argv.slice(2);
if (!out) throw new Error('usage: trace-gen-log OUT [LINES]');
const want = Number(linesArg ?? 10_000_000);
const src = readFileSync(join(process.cwd(), '..', 'shared', 'data', 'traces', 'apache_combined_semicomplete_2015.log'), 'utf8').split('\n').filter((l) => l);
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
// Pre-split every line around its timestamp once.
const parts = src.map((l) => {
  const a = l.indexOf('[');
  const b = l.indexOf(']', a);
  const m = /^(\d\d)\/(\w\w\w)\/(\d{4}):(\d\d):(\d\d):(\d\d)/.exec(l.slice(a + 1, b))!;
  const ts = Date.UTC(+m[3]!, MON.indexOf(m[2]!), +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  return { head: l.slice(0, a + 1), tail: l.slice(b), ts };
});
const ws = createWriteStream(out, { highWaterMark: 1 << 22 });
let written = 0;
let cache = new Map<number, string>();
for (let rep = 0; written < want; rep++) {
  const shift = rep * 302_400_000;
  let buf = '';
  for (const p of parts) {
    if (written >= want) break;
    const t = p.ts + shift;
    let d = cache.get(t);
    if (d === undefined) {
      const x = new Date(t);
      d = `${p2(x.getUTCDate())}/${MON[x.getUTCMonth()]}/${x.getUTCFullYear()}:${p2(x.getUTCHours())}:${p2(x.getUTCMinutes())}:${p2(x.getUTCSeconds())} +0000`;
      if (cache.size > 100_000) cache = new Map();
      cache.set(t, d);
    }
    buf += p.head + d + p.tail + '\n';
    written++;
  }
  if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
}
await new Promise<void>((r) => ws.end(() => r()));
process.stderr.write(`wrote ${written} lines to ${out}\n`);
