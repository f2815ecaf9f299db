import type { PredictionSummary, StoredPrediction } from '../../../src/store/prediction-types.js';
import type { ForecastDoc, PlanDoc } from '../../../src/predict/prediction-docs.js';
import { getJson } from '../data.js';
import { fmt, h, table } from '../dom.js';
import { forecastChart } from '../forecast-chart.js';

/**
 * Forecasts and capacity plans (`headroom predict`, recorded in the store):
 *   #/predict          both lists
 *   #/forecast/ID      the forecast chart (P50, 80% and 95% bands) and its models
 *   #/plan/ID          the chart with the capacity line and runway, and the plan table
 */

const api = {
  list: async (kind: 'forecasts' | 'plans') => (await getJson<Record<string, PredictionSummary[]>>(`api/${kind}`))[kind] ?? [],
  forecast: async (id: string) => (await getJson<{ forecast: StoredPrediction<ForecastDoc> }>(`api/forecasts/${encodeURIComponent(id)}`)).forecast,
  plan: async (id: string) => (await getJson<{ plan: StoredPrediction<PlanDoc> }>(`api/plans/${encodeURIComponent(id)}`)).plan,
};

const num = (x: number | null | undefined) => fmt.num(x ?? null, 1);
const step = (s: number | undefined) => (s === undefined ? '–' : s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

function runwayText(p: PredictionSummary): string {
  if (p.instances === null || p.instances === undefined) return '–';
  return p.runway_until ? fmt.time(p.runway_until).slice(0, 16) : 'beyond horizon';
}

export async function predictListPage(app: HTMLElement): Promise<void> {
  const [plans, forecasts] = await Promise.all([api.list('plans'), api.list('forecasts')]);
  app.replaceChildren(
    h('h1', {}, 'Capacity plans'),
    plans.length
      ? table(['id', 'created', 'demand', 'quantile', 'peak demand', 'instances at peak', 'today', 'runway', 'capacity from'], plans.map((p) => [
        h('a', { href: `#/plan/${p.id}` }, p.id), fmt.time(p.created_at), p.source, `q${p.quantile}`, `${num(p.peak_demand)} rps`,
        p.peak_instances === null ? '∞' : String(p.peak_instances), p.instances === null ? '–' : String(p.instances), runwayText(p),
        p.capacity_run_id ? h('a', { href: `#/squeeze/${p.capacity_run_id}` }, p.capacity_run_id) : '–',
      ]), 'plans')
      : h('p', { class: 'muted' }, 'No plans yet: "headroom predict plan --demand demand.csv --capacity SQUEEZE-ID --instances N" records one here.'),
    h('h1', {}, 'Forecasts'),
    forecasts.length
      ? table(['id', 'created', 'demand', 'horizon', 'step'], forecasts.map((f) => [
        h('a', { href: `#/forecast/${f.id}` }, f.id), fmt.time(f.created_at), f.source, String(f.horizon ?? '–'), step(f.step_s),
      ]), 'forecasts')
      : h('p', { class: 'muted' }, 'No forecasts yet: "headroom predict forecast demand.csv" records one here.'),
  );
}

function warnings(list: string[]): HTMLElement | null {
  return list.length ? h('ul', { class: 'warnings' }, ...list.map((w) => h('li', {}, `warning: ${w}`))) : null;
}

export async function forecastPage(app: HTMLElement, id: string): Promise<void> {
  const f = await api.forecast(id);
  const d = f.doc;
  const charts = h('section', { class: 'charts' });
  app.replaceChildren(
    h('h1', {}, `Forecast: ${d.source}`),
    h('p', { class: 'meta' }, `${f.id} · recorded ${fmt.time(f.created_at)} · ${d.history.points} points every ${step(d.history.step_s)} (${d.history.start} → ${d.history.end}) · seasonal periods ${d.periods.join(', ') || 'none'} · horizon ${d.horizon}`),
    warnings(d.warnings) ?? h('span', {}),
    charts,
    h('h2', {}, 'Models (weighted by their backtest)'),
    table(['model', 'weight', 'backtest MASE', 'detail'], d.models.map((m) => [m.name, fmt.pct(m.weight), fmt.num(m.backtest_mase, 3), m.detail]), 'models'),
  );
  if (d.chart) forecastChart(charts, d.chart, 'Demand: history, P50 forecast, 80% and 95% intervals');
}

function runwayBox(d: PlanDoc): HTMLElement {
  const attrs = { class: 'capacity', id: 'runway', 'data-runway': d.runway ? d.runway.until ?? 'beyond' : 'unknown' };
  if (!d.current || !d.runway) {
    return h('section', { ...attrs, class: 'capacity none' }, h('div', { class: 'label' }, 'runway'), h('div', { class: 'big' }, 'unknown'),
      h('p', {}, 'Give --instances N (the fleet today) to see how long it lasts.'));
  }
  const r = d.runway;
  const big = r.beyond_horizon ? 'beyond the horizon' : `until ${r.until!.slice(0, 16)}`;
  return h('section', { ...attrs, class: `capacity${r.act_now ? ' none' : ''}` },
    h('div', { class: 'label' }, `runway of today's ${d.current.instances} instances at q${d.quantile}`),
    h('div', { class: 'big' }, big),
    h('p', {}, r.beyond_horizon
      ? `Today's fleet covers the forecast through the horizon (${d.per_step.at(-1)?.t.slice(0, 16) ?? ''}).`
      : `Act by ${r.act_by!.slice(0, 16)} (lead time ${fmt.dur(d.lead_time_s)})${r.act_now ? ' — that is now' : ''}.`),
    h('p', { class: 'muted' }, `Headroom today ${fmt.num(d.current.headroom_pct, 1)}%: ${num(d.current.demand)} rps of ${num(d.current.usable_rps)} usable (${num(d.current.capacity_rps)} at the SLO).`));
}

export async function planPage(app: HTMLElement, id: string): Promise<void> {
  const p = await api.plan(id);
  const d = p.doc;
  const charts = h('section', { class: 'charts' });
  const today = d.current?.instances ?? null;
  const capacityFrom = d.capacity_run_id
    ? h('span', {}, 'capacity from squeeze ', h('a', { href: `#/squeeze/${d.capacity_run_id}` }, d.capacity_run_id))
    : h('span', {}, d.per_instance_rps !== null ? `${num(d.per_instance_rps)} rps per instance` : `resources (binds first: ${d.binds_first ?? '–'})`);
  app.replaceChildren(
    h('h1', {}, `Capacity plan: ${d.source}`),
    h('p', { class: 'meta' }, `${p.id} · recorded ${fmt.time(p.created_at)} · `, capacityFrom,
      ` · target utilisation ${d.target_util} · redundancy ${d.redundancy} · planned for q${d.quantile}`),
    warnings(d.warnings) ?? h('span', {}),
    runwayBox(d),
    h('p', { id: 'peak' }, h('b', {}, 'Peak: '),
      `${num(d.peak.demand)} rps at ${d.peak.t.slice(0, 16)} needs ${d.peak.instances === null ? 'more than scaling out can give' : `${d.peak.instances} instances`}` +
      (d.usl_peak ? ` (USL: throughput peaks at ${d.usl_peak.instances} instances, ${num(d.usl_peak.rps)} rps)` : '')),
    charts,
    h('h2', {}, 'Plan'),
    table(['day', `peak demand (q${d.quantile})`, 'instances', ...(today !== null ? ['vs today'] : [])], d.per_day.map((r) => [
      r.day, `${num(r.demand)} rps`, r.instances === null ? '∞' : String(r.instances),
      ...(today !== null ? [r.instances === null ? '–' : r.instances > today ? h('span', { class: 'up' }, `+${r.instances - today}`) : 'ok'] : []),
    ]), 'plan'),
    ...(d.resources ? [h('h2', {}, 'Resources (first to bind on top)'), table(['resource', 'today', 'headroom', 'at peak', 'runway'], d.resources.map((r) => [
      r.name, String(r.instances), `${fmt.num(r.headroom_pct, 1)}%`, r.peak_instances === null ? '∞' : String(r.peak_instances), r.runway_until?.slice(0, 16) ?? 'beyond horizon',
    ]), 'resources')] : []),
    h('h2', {}, 'Assumptions'),
    h('ul', { class: 'assumptions' }, ...d.assumptions.map((a) => h('li', {}, a))),
  );
  if (d.chart) forecastChart(charts, d.chart, `Demand and capacity: P50 forecast with 80%/95% intervals, q${d.quantile}, usable capacity today`);
}
