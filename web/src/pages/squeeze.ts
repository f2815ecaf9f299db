import { chart, COLORS, hline, mergeXY, vmarker } from '../charts.js';
import type { DataSource, SqueezeResultRecord, SqueezeStepRecord } from '../data.js';
import { fmt, h, table } from '../dom.js';
import { uslCurve } from '../usl.js';
import { runCharts, runHeader } from './run.js';

function capacityBox(r: SqueezeResultRecord | null): HTMLElement {
  if (!r) return h('section', { class: 'capacity none' }, h('p', {}, 'No result: the squeeze is running or did not finish.'));
  if (r.capacity_rps === null) {
    return h('section', { class: 'capacity none', id: 'capacity' }, h('div', { class: 'big' }, 'no capacity found'),
      h('p', {}, r.stop_reason ?? ''));
  }
  const ci = r.ci ? ` (CI ${fmt.num(r.ci.low)} – ${r.ci.high === null ? '∞' : fmt.num(r.ci.high)})` : '';
  return h('section', { class: 'capacity', id: 'capacity', 'data-capacity': r.capacity_rps },
    h('div', { class: 'label' }, 'capacity at SLO'),
    h('div', { class: 'big' }, `${fmt.num(r.capacity_rps)} req/s`),
    h('p', {}, `${ci}${r.binding_guard ? ` · bound by ${r.binding_guard}` : ''}${r.stop_reason ? ` · ${r.stop_reason}` : ''}`),
    r.usl ? h('p', { class: 'muted' }, `USL fit: σ=${fmt.num(r.usl.sigma, 4)}, κ=${fmt.num(r.usl.kappa, 5)}, λ=${fmt.num(r.usl.lambda, 2)}` +
      (r.usl.peak_x ? `, predicted peak ${fmt.num(r.usl.peak_x)} req/s` : '') + (r.usl.r2 != null ? `, R²=${fmt.num(r.usl.r2, 3)}` : '')) : null);
}

function stepsTable(steps: SqueezeStepRecord[]): HTMLElement {
  return table(['#', 'phase', 'target', 'achieved', 'p99', 'errors', 'verdict'], steps.map((s) => [
    String(s.step), s.phase, `${fmt.num(s.target_rps)} /s`, `${fmt.num(s.achieved_rps)} /s`, fmt.ms(s.p99_ms), fmt.pct(s.error_rate),
    h('span', { class: `badge ${s.ok ? 'passed' : 'failed'}` }, s.ok ? 'good' : String((s.detail as { verdict?: string } | undefined)?.verdict ?? 'bad')),
  ]), 'steps');
}

/** Latency against throughput: measured points, the SLO line, the capacity (with its CI) and the USL model. */
function curveChart(parent: HTMLElement, r: SqueezeResultRecord | null, steps: SqueezeStepRecord[]): void {
  const pts = r?.curve.length ? r.curve.map((p) => ({ x: p.rps, p99: p.p99_ms, p50: p.p50_ms ?? null }))
    : steps.map((s) => ({ x: s.achieved_rps, p99: s.p99_ms, p50: null }));
  const sets: Array<Array<[number, number]>> = [
    pts.map((p) => [p.x, p.p99]),
    pts.filter((p) => p.p50 !== null).map((p) => [p.x, p.p50!]),
  ];
  const usl = r?.usl;
  if (usl && usl.lambda > 0) {
    const maxN = Math.max(2, ...(r?.curve ?? []).map((p) => (p as { n?: number }).n ?? 0)) * 1.3;
    sets.push(uslCurve(usl, maxN).filter((p) => p.r_ms < (r?.slo_p99_ms ?? Infinity) * 3).map((p) => [p.x, p.r_ms]));
  }
  const { xs, ys } = mergeXY(sets);
  chart(parent, {
    title: 'Latency vs throughput', xLabel: 'achieved req/s', yLabel: 'ms', xs, height: 300,
    yInclude: r?.slo_p99_ms ?? undefined,
    series: [
      { label: 'p99', color: COLORS.p99, values: ys[0]!, points: true },
      { label: 'p50', color: COLORS.p50, values: ys[1]!, points: true },
      ...(ys[2] ? [{ label: 'USL model (mean)', color: COLORS.usl, values: ys[2], spanGaps: true, dash: [4, 3], width: 1.5 }] : []),
    ],
    draw(u) {
      if (r?.slo_p99_ms) hline(u, r.slo_p99_ms, COLORS.slo, `SLO p99 ${r.slo_p99_ms} ms`);
      if (r?.capacity_rps != null) {
        vmarker(u, r.capacity_rps, COLORS.capacity, `capacity ${fmt.num(r.capacity_rps)} req/s`,
          r.ci ? [r.ci.low, r.ci.high ?? r.capacity_rps] : undefined);
      }
    },
  });
}

export async function squeezePage(app: HTMLElement, src: DataSource, id: string): Promise<void> {
  const [{ run }, sq, series] = await Promise.all([src.run(id), src.squeeze(id), src.series(id)]);
  const charts = h('section', { class: 'charts' });
  const timeCharts = h('section', { class: 'charts' });
  const live = run.status === 'running' && !src.offline
    ? h('p', { class: 'live on' }, 'running: ', h('a', { href: `#/run/${run.id}` }, 'follow it live on the run page →'), ' (this page shows the steps judged so far)')
    : '';
  app.replaceChildren(runHeader(run, src.offline), live, capacityBox(sq.result), charts, h('h2', {}, 'Steps'), stepsTable(sq.steps),
    h('h2', {}, 'Over time'), h('p', {}, h('a', { href: `#/run/${run.id}` }, 'run page →')), timeCharts);
  curveChart(charts, sq.result, sq.steps);
  runCharts(timeCharts, series);
}
