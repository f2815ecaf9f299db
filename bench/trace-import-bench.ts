/**
 * Benchmark: import and analyse N access-log lines with headroom, and compare lines/s
 * with GoAccess (apt package `goaccess`) on the same file.
 *
 *   npm run build
 *   node dist/bench/trace-gen-log.js /tmp/trc/big.log 10000000
 *   node dist/bench/trace-import-bench.js /tmp/trc/big.log > bench/trace-import.md
 *
 * Each tool runs once per round, alternating, cold store each time. Wall time and CPU time
 * (user+sys of the process and its children, from /usr/bin/time) are reported, with the
 * machine's load average, because the CPU is shared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const file = process.argv[2];
if (!file) throw new Error('usage: trace-import-bench LOGFILE [rounds]');
const rounds = Number(process.argv[3] ?? 1);
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

const rows: string[] = [];
for (let i = 0; i < rounds; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'hr-bench-'));
  const load0 = loadavg()[0]!.toFixed(1);
  const imp = timed(process.execPath, [bin, 'trace', 'import', file], dir);
  const rep = timed(process.execPath, [bin, 'trace', 'report', '--json'], dir);
  const storeMb = statSync(join(dir, '.headroom', 'headroom.duckdb')).size / 1e6;
  rmSync(dir, { recursive: true, force: true });
  const ga = timed('goaccess', [file, '--log-format=COMBINED', '-o', join(tmpdir(), 'hr-bench-goaccess.json'), '--no-progress'], tmpdir());
  if (!imp.ok || !rep.ok) throw new Error(`headroom failed: ${imp.err}${rep.err}`);
  const total = imp.wall + rep.wall;
  rows.push(
    `| ${i + 1} | ${load0} | ${imp.wall.toFixed(1)} s (cpu ${imp.cpu.toFixed(0)} s) | ${rep.wall.toFixed(1)} s (cpu ${rep.cpu.toFixed(0)} s) | **${total.toFixed(1)} s** | ${Math.round(lines / total).toLocaleString('en')} | ${storeMb.toFixed(0)} MB | ${ga.ok ? `${ga.wall.toFixed(1)} s (cpu ${ga.cpu.toFixed(0)} s)` : 'failed'} | ${ga.ok ? Math.round(lines / ga.wall).toLocaleString('en') : '-'} |`,
  );
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
void readFileSync;
