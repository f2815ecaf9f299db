/**
 * Benchmark: import and analyse N access-log lines with headroom, and compare lines/s
 * with GoAccess (apt package `goaccess`) on the same file.
 *
 *   npm run build
 *   node dist/bench/trace-gen-log.js /tmp/trc/big.log 10000000
 *   node dist/bench/trace-import-bench.js /tmp/trc/big.log [ROUNDS] [both|headroom|goaccess]
 *
 * Each tool runs once per round, alternating, cold store each time; the third argument
 * runs one tool only (a GoAccess round takes over two minutes: several rounds of both
 * would hold the shared bench lock too long). Wall time and CPU time (user+sys of the
 * process and its children, from /usr/bin/time) are reported, with the machine's load
 * average, because the CPU is shared; with several rounds, a last row gives the medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const file = process.argv[2];
if (!file) throw new Error('usage: trace-import-bench LOGFILE [rounds]');
const rounds = Number(process.argv[3] ?? 1);
const tools = process.argv[4] ?? 'both';
if (!['both', 'headroom', 'goaccess'].includes(tools)) throw new Error('tools: both, headroom or goaccess');
const lines = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
const bin = join(process.cwd(), 'bin', 'headroom.js');

function timed(cmd: string, args: string[], cwd: string): { wall: number; cpu: number; ok: boolean; err: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t0) / 1000;
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [u, s] = last.split(' ').map(Number);
  return { wall, cpu: (u ?? 0) + (s ?? 0), ok: r.status === 0, err: r.status === 0 ? '' : r.stderr.slice(-500) };
}

interface Round {
  load: string;
  imp?: { wall: number; cpu: number };
  rep?: { wall: number; cpu: number };
  storeMb?: number;
  ga?: { wall: number; cpu: number };
}
const runs: Round[] = [];
for (let i = 0; i < rounds; i++) {
  const round: Round = { load: loadavg()[0]!.toFixed(1) };
  if (tools !== 'goaccess') {
    const dir = mkdtempSync(join(tmpdir(), 'hr-bench-'));
    const imp = timed(process.execPath, [bin, 'trace', 'import', file], dir);
    const rep = timed(process.execPath, [bin, 'trace', 'report', '--json'], dir);
    if (!imp.ok || !rep.ok) throw new Error(`headroom failed: ${imp.err}${rep.err}`);
    round.storeMb = statSync(join(dir, '.headroom', 'headroom.duckdb')).size / 1e6;
    rmSync(dir, { recursive: true, force: true });
    Object.assign(round, { imp, rep });
  }
  if (tools !== 'headroom') {
    const ga = timed('goaccess', [file, '--log-format=COMBINED', '-o', join(tmpdir(), 'hr-bench-goaccess.json'), '--no-progress'], tmpdir());
    if (!ga.ok) throw new Error(`goaccess failed: ${ga.err}`);
    round.ga = ga;
  }
  runs.push(round);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const t = (x: { wall: number; cpu: number } | undefined) => (x ? `${x.wall.toFixed(1)} s (cpu ${x.cpu.toFixed(0)} s)` : '-');
const row = (label: string, r: Round, total = r.imp && r.rep ? r.imp.wall + r.rep.wall : undefined) => {
  return `| ${label} | ${r.load} | ${t(r.imp)} | ${t(r.rep)} | ${total === undefined ? '-' : `**${total.toFixed(1)} s**`} | ${total === undefined ? '-' : Math.round(lines / total).toLocaleString('en')} | ${r.storeMb === undefined ? '-' : `${r.storeMb.toFixed(0)} MB`} | ${t(r.ga)} | ${r.ga ? Math.round(lines / r.ga.wall).toLocaleString('en') : '-'} |`;
};
const rows = runs.map((r, i) => row(String(i + 1), r));
if (runs.length > 1) {
  const m = (f: (r: Round) => { wall: number; cpu: number } | undefined) => {
    const xs = runs.map(f).filter((x) => x !== undefined);
    return xs.length ? { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) } : undefined;
  };
  const med: Round = { load: median(runs.map((r) => Number(r.load))).toFixed(1), imp: m((r) => r.imp), rep: m((r) => r.rep), ga: m((r) => r.ga) };
  const stores = runs.flatMap((r) => (r.storeMb === undefined ? [] : [r.storeMb]));
  if (stores.length) med.storeMb = median(stores);
  // The median total is the median of the round totals, not the sum of the two medians.
  const totals = runs.flatMap((r) => (r.imp && r.rep ? [r.imp.wall + r.rep.wall] : []));
  rows.push(row('median', med, totals.length ? median(totals) : undefined));
}
const gaVersion = spawnSync('goaccess', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
process.stdout.write(
  [
    `# trace import + report benchmark`,
    '',
    `- input: ${file}, ${lines.toLocaleString('en')} lines, ${(statSync(file).size / 1e9).toFixed(2)} GB (the real Apache sample repeated, see bench/trace-gen-log.ts)`,
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, shared with other jobs (load average at the start of each round shown)`,
    `- node ${process.version}, ${gaVersion}; date ${new Date().toISOString()}`,
    `- headroom: \`headroom trace import FILE\` (parallel parse in worker threads → DuckDB read_csv) then \`headroom trace report --json\` (all 7 detectors + impact tables), cold store`,
    `- GoAccess: \`goaccess FILE --log-format=COMBINED -o report.json\` (its own aggregate panels, no waste detection)`,
    '',
    '| round | load | headroom import | headroom report | headroom total | headroom lines/s | store | GoAccess | GoAccess lines/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
