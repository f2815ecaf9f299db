import type { RunSummary, SecondSample } from '../core/load-types.js';
import type { LoadRun } from '../load/engine.js';

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);

function errorCount(s: SecondSample): number {
  let n = 0;
  for (const v of Object.values(s.errors)) n += v ?? 0;
  return n;
}

/**
 * One progress line for a second of the run.
 *
 * @example
 * progressLine(sample, 30) // '[ 7s/30s] 990/1000 req/s  p99 3.50 ms  errors 0.0%'
 */
export function progressLine(s: SecondSample, durationS: number): string {
  const errs = errorCount(s);
  const done = s.achieved_rps + (s.errors.timeout ?? 0) + (s.errors.refused ?? 0) + (s.errors.reset ?? 0) + (s.errors.other ?? 0);
  const pct = done > 0 ? ((errs / done) * 100).toFixed(1) : '0.0';
  const rate = s.offered_rps === null ? `${s.achieved_rps} req/s` : `${s.achieved_rps}/${Math.round(s.offered_rps)} req/s`;
  const extra = (s.late ? `  late ${s.late}` : '') + (s.dropped ? `  dropped ${s.dropped}` : '') + (s.generator.saturated ? '  [generator saturated]' : '');
  return `[${String(s.t).padStart(String(Math.ceil(durationS)).length)}s/${Math.ceil(durationS)}s] ${rate}  p99 ${fmtMs(s.latency_ms.p99)}  errors ${pct}%${extra}`;
}

/**
 * Live progress on stderr: a line rewritten in place each second on a TTY, a plain line
 * every `every` seconds otherwise (logs stay readable in CI). It only listens to the run.
 */
export function attachProgress(load: LoadRun, out: NodeJS.WritableStream, isTTY: boolean, every = 5): () => void {
  const durationS = load.plan.durationMs / 1000;
  const onSecond = (s: SecondSample) => {
    if (isTTY) out.write(`\r\x1b[K${progressLine(s, durationS)}`);
    else if (s.t % every === 0) out.write(progressLine(s, durationS) + '\n');
  };
  const onWarning = (w: string) => out.write(`${isTTY ? '\r\x1b[K' : ''}headroom: warning: ${w}\n`);
  load.on('second', onSecond);
  load.on('warning', onWarning);
  return () => {
    load.off('second', onSecond);
    load.off('warning', onWarning);
    if (isTTY) out.write('\r\x1b[K');
  };
}

/** The human summary, a few aligned lines. */
export function formatSummary(s: RunSummary): string {
  const l = s.latency_ms;
  const sv = s.service_ms;
  const kinds = Object.entries(s.errors.by_kind).map(([k, v]) => `${k} ${v}`).join(', ');
  const status = Object.entries(s.status).map(([k, v]) => `${k}×${v}`).join(' ');
  const lines = [
    `requests   ${s.requests} in ${s.duration_s} s, achieved ${s.rate.achieved} req/s` + (s.rate.target === null ? '' : ` (target ${s.rate.target})`),
    `latency    p50 ${fmtMs(l.p50)}  p90 ${fmtMs(l.p90)}  p99 ${fmtMs(l.p99)}  p99.9 ${fmtMs(l.p999)}  max ${fmtMs(l.max)}  (from intended send)`,
    `service    p50 ${fmtMs(sv.p50)}  p90 ${fmtMs(sv.p90)}  p99 ${fmtMs(sv.p99)}  p99.9 ${fmtMs(sv.p999)}  max ${fmtMs(sv.max)}  (from actual send)`,
    `errors     ${s.errors.total}${kinds ? ` (${kinds})` : ''}   status ${status || '-'}`,
    `late       ${s.late}   dropped ${s.dropped}   bytes in ${s.bytes.in} out ${s.bytes.out}`,
  ];
  if (s.generator_saturated) lines.push(`GENERATOR SATURATED: ${s.generator_notes.join('; ')}`);
  for (const t of s.thresholds) lines.push(`threshold  ${t.ok ? 'ok  ' : 'FAIL'} ${t.expr} (measured ${t.value})`);
  return lines.join('\n') + '\n';
}
