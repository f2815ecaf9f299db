import uPlot from 'uplot';
import type { Finding } from '../../../src/core/finding.js';
import { charts } from '../charts.js';
import { getJson } from '../data.js';
import { fmt, h, table } from '../dom.js';

/**
 * `#/trace?client=&since=&top=`: who sends the load and which part is waste (issue #5):
 * requests per second per client over time, the impact tables per client and endpoint,
 * the client × service matrix, and the findings with their evidence.
 */

// The shapes of src/trace/report.ts (GET /api/trace/report), restated here: that file
// imports DuckDB and node modules, which the browser build cannot type-check.
interface ImpactRow { key: string; requests: number; rps: number; share_requests: number; share_backend_time: number; share_bytes: number; errors: number }
interface TraceReport {
  totals: { requests: number; bytes: number; backend_ms: number; start: number; end: number; duration_s: number; rps: number; clients: number; endpoints: number };
  clients: ImpactRow[];
  endpoints: ImpactRow[];
  matrix: { client: string; service: string; requests: number; share_of_service: number; share_of_service_time: number }[];
  rate: { bucket_s: number; start: number; series: { client: string; rps: number[] }[] };
  findings: Finding[];
}

const PALETTE = ['#2f6fed', '#e5533d', '#37a169', '#d69e2e', '#9f3ac4'];

function impactTable(rows: ImpactRow[], what: string, cls: string): HTMLElement {
  if (!rows.length) return h('p', { class: 'muted' }, `No ${what}.`);
  return table([what, 'requests', 'req/s', '% requests', '% backend time', '% bytes', 'errors'], rows.map((r) => [
    r.key, fmt.num(r.requests, 0), fmt.num(r.rps, 3), fmt.pct(r.share_requests), fmt.pct(r.share_backend_time), fmt.pct(r.share_bytes), fmt.num(r.errors, 0),
  ]), cls);
}

function findingsTable(findings: Finding[]): HTMLElement {
  if (!findings.length) return h('p', { class: 'muted' }, 'No findings: no waste pattern crossed its threshold.');
  const shown = findings.slice(0, SHOWN_FINDINGS);
  const more = findings.length - shown.length;
  return h('div', {}, findingsRows(shown),
    more > 0 ? h('p', { class: 'muted' }, `… ${more} more, of lower saving (all of them: GET /api/trace/findings, or "headroom trace report --json").`) : null);
}

/** Findings are sorted by severity and saving: the first ones are what to fix first. */
const SHOWN_FINDINGS = 25;

function findingsRows(findings: Finding[]): HTMLElement {
  return table(['severity', 'pattern', 'client', 'endpoint', 'requests', 'would save', 'what was seen', 'evidence'], findings.map((f) => [
    h('span', { class: `badge ${f.severity === 'high' ? 'failed' : f.severity === 'medium' ? 'incomplete' : ''}` }, f.severity),
    f.detector.replace(/_/g, ' '), f.client, f.endpoint, fmt.num(f.count, 0),
    `${fmt.num(f.saved_rps, 3)} req/s${f.saved_bps > 0 ? `, ${fmt.num(f.saved_bps, 0)} B/s` : ''}`,
    h('span', { class: 'summary' }, f.summary),
    h('span', { class: 'evidence' }, ...f.evidence.map((e) => h('code', {}, e))),
  ]), 'findings');
}

function rateChart(parent: HTMLElement, r: TraceReport['rate']): void {
  const box = h('div', { class: 'chart', 'data-title': 'Requests per second per client' });
  parent.append(box);
  const n = r.series[0]?.rps.length ?? 0;
  const xs = Array.from({ length: n }, (_, i) => (r.start + i * r.bucket_s * 1000) / 1000);
  const u = new uPlot({
    title: `Requests per second per client (top ${r.series.length}, ${r.bucket_s} s buckets)`,
    width: Math.max(320, (parent.clientWidth || 900) - 8),
    height: 260,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 1, 1e-3) * 1.1] } },
    axes: [{ stroke: '#555' }, { label: 'req/s', stroke: '#555', size: 60 }],
    series: [{}, ...r.series.map((s, i): uPlot.Series => ({ label: s.client, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: n < 40 } }))],
  }, [xs, ...r.series.map((s) => s.rps)] as uPlot.AlignedData, box);
  charts.push(u);
}

function filters(q: URLSearchParams): HTMLElement {
  const client = h('input', { name: 'client', placeholder: 'client', value: q.get('client') ?? '', size: 18 });
  const since = h('input', { name: 'since', placeholder: 'since (ISO time)', value: q.get('since') ?? '', size: 22 });
  const top = h('input', { name: 'top', placeholder: 'top (10)', value: q.get('top') ?? '', size: 6 });
  return h('form', {
    class: 'filters',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const n = new URLSearchParams();
      if (client.value) n.set('client', client.value);
      if (since.value) n.set('since', since.value);
      if (top.value) n.set('top', top.value);
      location.hash = `#/trace?${n}`;
    },
  }, client, since, top, h('button', { type: 'submit' }, 'filter'));
}

export async function tracePage(app: HTMLElement, q: URLSearchParams): Promise<void> {
  const r = await getJson<TraceReport>(`api/trace/report${q.toString() ? `?${q}` : ''}`);
  const t = r.totals;
  const rates = h('section', { class: 'charts' });
  app.replaceChildren(
    h('h1', {}, 'Traffic: who sends the load, and which part is waste'),
    filters(q),
    t.requests === 0
      ? h('p', { class: 'muted', id: 'trace-totals' }, 'No records selected: "headroom trace import FILE" adds some.')
      : h('p', { class: 'meta', id: 'trace-totals' },
        `${fmt.num(t.requests, 0)} requests from ${t.clients} clients to ${t.endpoints} endpoints, ${fmt.time(t.start)} → ${fmt.time(t.end)} (${fmt.num(t.rps, 3)} req/s)`),
    rates,
    h('h2', {}, `Findings (${r.findings.length})`),
    findingsTable(r.findings),
    h('h2', {}, 'Top clients'),
    impactTable(r.clients, 'client', 'clients'),
    h('h2', {}, 'Top endpoints'),
    impactTable(r.endpoints, 'endpoint', 'endpoints'),
    h('h2', {}, 'Client × service'),
    r.matrix.length
      ? table(['client', 'service', 'requests', '% of the service\'s requests', '% of its backend time'], r.matrix.map((m) => [
        m.client, m.service || '(this service)', fmt.num(m.requests, 0), fmt.pct(m.share_of_service), fmt.pct(m.share_of_service_time),
      ]), 'matrix')
      : h('p', { class: 'muted' }, 'No services.'),
  );
  if (t.requests > 0 && r.rate.series.length) rateChart(rates, r.rate);
}
