import type uPlot from 'uplot';
import { chart, COLORS } from '../charts.js';
import type { DataSource, RunRecord, SecondSample } from '../data.js';
import { fmt, h, statusBadge, table } from '../dom.js';

const ERROR_KINDS = ['timeout', 'refused', 'reset', 'http_4xx', 'http_5xx', 'other'] as const;

/** The columns the run charts plot, from the per-second samples. */
function columns(s: SecondSample[]) {
  return {
    t: s.map((x) => x.t),
    offered: s.map((x) => x.offered_rps),
    achieved: s.map((x) => x.achieved_rps),
    p50: s.map((x) => x.latency_ms.p50),
    p90: s.map((x) => x.latency_ms.p90),
    p99: s.map((x) => x.latency_ms.p99),
    p999: s.map((x) => x.latency_ms.p999),
    svc99: s.map((x) => x.service_ms.p99),
    errors: ERROR_KINDS.map((k) => s.map((x) => x.errors[k] ?? 0)),
  };
}

export function runHeader(run: RunRecord, offline = true): HTMLElement {
  const dur = run.ended_at ? (run.ended_at - run.started_at) / 1000 : null;
  return h('section', { class: 'head' },
    h('h1', {}, `${run.kind} `, h('code', {}, run.id), ' ', statusBadge(run.status),
      offline || run.status === 'running' ? '' : h('a', { class: 'download', href: `api/runs/${encodeURIComponent(run.id)}/report` }, 'download report')),
    h('p', { class: 'meta' }, `target ${run.target ?? '–'} · started ${fmt.time(run.started_at)} · `,
      `${run.seconds} s recorded${dur !== null ? ` · ${fmt.dur(dur)} wall` : ''}`));
}

export function summaryTable(run: RunRecord): HTMLElement {
  const s = run.summary;
  if (!s) return h('p', { class: 'muted' }, run.status === 'running' ? 'Summary when the run ends.' : 'No summary (the run did not finish).');
  const errRate = s.requests ? s.errors.total / s.requests : 0;
  return table(['requests', 'target rate', 'achieved', 'p50', 'p99', 'p99.9', 'max', 'errors', 'generator'], [[
    fmt.num(s.requests, 0), s.rate.target === null ? 'closed model' : `${fmt.num(s.rate.target)} /s`, `${fmt.num(s.rate.achieved)} /s`,
    fmt.ms(s.latency_ms.p50), fmt.ms(s.latency_ms.p99), fmt.ms(s.latency_ms.p999), fmt.ms(s.latency_ms.max),
    `${fmt.num(s.errors.total, 0)} (${fmt.pct(errRate)})`, s.generator_saturated ? 'SATURATED' : 'ok',
  ]], 'summary');
}

/** The three time charts of a run; returns an updater for live seconds. */
export function runCharts(parent: HTMLElement, samples: SecondSample[]): (more: SecondSample[]) => void {
  const c = columns(samples);
  const rate = chart(parent, {
    title: 'Offered vs achieved rate', xLabel: 'seconds', yLabel: 'req/s', xs: c.t,
    series: [
      { label: 'offered', color: COLORS.offered, values: c.offered, dash: [5, 4] },
      { label: 'achieved', color: COLORS.achieved, values: c.achieved },
    ],
  });
  const lat = chart(parent, {
    title: 'Latency percentiles (from intended send time)', xLabel: 'seconds', yLabel: 'ms', xs: c.t,
    series: [
      { label: 'p50', color: COLORS.p50, values: c.p50 },
      { label: 'p90', color: COLORS.p90, values: c.p90 },
      { label: 'p99', color: COLORS.p99, values: c.p99 },
      { label: 'p99.9', color: COLORS.p999, values: c.p999 },
      { label: 'service p99', color: COLORS.service, values: c.svc99, dash: [3, 3], width: 1 },
    ],
  });
  const err = chart(parent, {
    title: 'Errors by kind', xLabel: 'seconds', yLabel: 'errors/s', xs: c.t,
    series: ERROR_KINDS.map((k, i) => ({ label: k, color: COLORS.kinds[k]!, values: c.errors[i]! })),
  });
  const all = samples.slice();
  return (more) => {
    const seen = new Set(all.map((s) => s.t));
    for (const s of more) if (!seen.has(s.t)) all.push(s);
    all.sort((a, b) => a.t - b.t);
    const n = columns(all);
    const set = (u: uPlot, cols: Array<Array<number | null>>) => u.setData([n.t, ...cols] as uPlot.AlignedData);
    set(rate, [n.offered, n.achieved]);
    set(lat, [n.p50, n.p90, n.p99, n.p999, n.svc99]);
    set(err, n.errors);
  };
}

export async function runPage(app: HTMLElement, src: DataSource, id: string): Promise<void> {
  const [{ run }, series] = await Promise.all([src.run(id), src.series(id)]);
  let head = runHeader(run, src.offline);
  const summary = h('div', {}, summaryTable(run));
  const live = h('p', { id: 'live-status', class: 'live', 'data-seconds': series.length }, '');
  const chartsBox = h('section', { class: 'charts' });
  app.replaceChildren(head,
    run.kind === 'squeeze' ? h('p', {}, h('a', { href: `#/squeeze/${run.id}` }, 'squeeze result →')) : '',
    summary, live, chartsBox);
  const update = runCharts(chartsBox, series);
  if (run.status === 'running' && !src.offline) {
    let count = series.length;
    live.textContent = `live: ${count} seconds`;
    live.classList.add('on');
    const stop = src.live(run.id, series.at(-1)?.t ?? 0, {
      onSeconds(more) {
        update(more);
        count += more.length;
        live.dataset.seconds = String(count);
        live.textContent = `live: ${count} seconds`;
      },
      onRun() {},
      onEnd(final) {
        live.classList.remove('on');
        live.textContent = `ended: ${final.status}`;
        const next = runHeader(final, src.offline);
        head.replaceWith(next);
        head = next;
        summary.replaceChildren(summaryTable(final));
      },
    });
    window.addEventListener('hashchange', stop, { once: true });
  }
}
