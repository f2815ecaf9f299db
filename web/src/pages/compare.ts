import { chart, COLORS } from '../charts.js';
import type { DataSource, RunComparison, SecondSample } from '../data.js';
import { fmt, h, statusBadge, table } from '../dom.js';

const ROWS: Array<[keyof RunComparison, string, (x: number | null) => string]> = [
  ['capacity_rps', 'capacity', (x) => (x === null ? '–' : `${fmt.num(x)} /s`)],
  ['achieved_rps', 'achieved rate', (x) => (x === null ? '–' : `${fmt.num(x)} /s`)],
  ['p50_ms', 'p50', fmt.ms],
  ['p99_ms', 'p99', fmt.ms],
  ['p999_ms', 'p99.9', fmt.ms],
  ['error_rate', 'error rate', fmt.pct],
];

function overlay(parent: HTMLElement, title: string, y: string, a: SecondSample[], b: SecondSample[], pick: (s: SecondSample) => number) {
  const n = Math.max(a.length ? a.at(-1)!.t : 0, b.length ? b.at(-1)!.t : 0);
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  const col = (s: SecondSample[]) => {
    const m = new Map(s.map((x) => [x.t, pick(x)]));
    return xs.map((t) => m.get(t) ?? null);
  };
  chart(parent, {
    title, xLabel: 'seconds', yLabel: y, xs,
    series: [{ label: 'A', color: COLORS.offered, values: col(a), dash: [5, 4] }, { label: 'B', color: COLORS.achieved, values: col(b) }],
  });
}

export async function comparePage(app: HTMLElement, src: DataSource, a: string, b: string): Promise<void> {
  const [cmp, sa, sb] = await Promise.all([src.compare(a, b), src.series(a), src.series(b)]);
  const charts = h('section', { class: 'charts' });
  app.replaceChildren(
    h('h1', {}, 'Compare'),
    table(['', 'run', 'kind', 'status', 'started'], [
      ['A', h('a', { href: `#/run/${cmp.a.id}` }, cmp.a.id), cmp.a.kind, statusBadge(cmp.a.status), fmt.time(cmp.a.started_at)],
      ['B', h('a', { href: `#/run/${cmp.b.id}` }, cmp.b.id), cmp.b.kind, statusBadge(cmp.b.status), fmt.time(cmp.b.started_at)],
    ]),
    h('h2', {}, 'B against A'),
    table(['figure', 'A', 'B', 'change'], ROWS.map(([k, label, f]) => {
      const d = cmp.comparison[k];
      return [label, f(d.a), f(d.b), h('span', { class: d.rel === null ? '' : d.rel > 0 ? 'up' : 'down' }, fmt.rel(d.rel))];
    }), 'compare'),
    charts);
  overlay(charts, 'Achieved rate', 'req/s', sa, sb, (s) => s.achieved_rps);
  overlay(charts, 'p99 latency', 'ms', sa, sb, (s) => s.latency_ms.p99);
}
