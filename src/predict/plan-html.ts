/**
 * A self-contained HTML page for a capacity plan: the demand history, the forecast with
 * its 80% band and the planning quantile, the current fleet's usable capacity, the runway,
 * and the plan table. Inline SVG, no scripts or external assets, so it can be attached to
 * a capacity review as one file.
 */

export interface PlanPage {
  title: string;
  history: { t: number[]; v: ArrayLike<number> };
  forecast: { t: number[]; mean: ArrayLike<number>; lo80: ArrayLike<number>; hi80: ArrayLike<number>; q: ArrayLike<number>; quantile: number };
  /** Usable capacity of the current fleet (rps), if known. */
  capacity?: number;
  runway?: number | null;
  rows: { day: string; demand: number; instances: number | null }[];
  summary: string[];
  assumptions: string[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/**
 * Renders the page.
 *
 * @example
 * await writeFile('plan.html', renderPlanPage(page));
 */
export function renderPlanPage(p: PlanPage): string {
  const W = 960;
  const Hh = 360;
  const pad = { l: 70, r: 20, t: 20, b: 40 };
  const ts = [...p.history.t, ...p.forecast.t];
  const t0 = ts[0] ?? 0;
  const t1 = ts[ts.length - 1] ?? 1;
  let vmax = p.capacity ?? 0;
  for (const a of [p.history.v, p.forecast.hi80, p.forecast.q]) for (let i = 0; i < a.length; i++) vmax = Math.max(vmax, a[i]!);
  vmax = vmax * 1.05 || 1;
  const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - pad.l - pad.r);
  const y = (v: number) => Hh - pad.b - (v / vmax) * (Hh - pad.t - pad.b);
  const line = (t: number[], v: ArrayLike<number>) => t.map((ti, i) => `${i ? 'L' : 'M'}${x(ti).toFixed(1)},${y(v[i]!).toFixed(1)}`).join('');
  const band = line(p.forecast.t, p.forecast.hi80) + [...p.forecast.t].reverse().map((ti, i) => `L${x(ti).toFixed(1)},${y(p.forecast.lo80[p.forecast.t.length - 1 - i]!).toFixed(1)}`).join('') + 'Z';
  const ticks = Array.from({ length: 5 }, (_, i) => (vmax * i) / 4);
  const svg = [
    `<svg viewBox="0 0 ${W} ${Hh}" width="100%" role="img" aria-label="demand forecast and capacity">`,
    ...ticks.map((v) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${Math.round(v)}</text>`),
    `<path d="${band}" fill="#9ecae1" fill-opacity="0.5"><title>80% interval</title></path>`,
    `<path d="${line(p.history.t, p.history.v)}" fill="none" stroke="#333" stroke-width="1.2"><title>history</title></path>`,
    `<path d="${line(p.forecast.t, p.forecast.mean)}" fill="none" stroke="#3182bd" stroke-width="1.5"><title>forecast mean</title></path>`,
    `<path d="${line(p.forecast.t, p.forecast.q)}" fill="none" stroke="#e6550d" stroke-width="1.2" stroke-dasharray="4 3"><title>q${p.forecast.quantile}</title></path>`,
    p.capacity !== undefined ? `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(p.capacity)}" y2="${y(p.capacity)}" stroke="#d62728" stroke-width="1.5"><title>usable capacity of the current fleet</title></line>` : '',
    p.runway ? `<line x1="${x(p.runway)}" x2="${x(p.runway)}" y1="${pad.t}" y2="${Hh - pad.b}" stroke="#d62728" stroke-dasharray="2 2"/><text x="${x(p.runway) + 4}" y="${pad.t + 12}" font-size="11" fill="#d62728">runway ${esc(fmt(p.runway))}</text>` : '',
    `<text x="${pad.l}" y="${Hh - 10}" font-size="11">${esc(fmt(t0))}</text><text x="${W - pad.r}" y="${Hh - 10}" font-size="11" text-anchor="end">${esc(fmt(t1))}</text>`,
    '</svg>',
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}.k{display:inline-block;width:14px;height:3px;vertical-align:middle;margin:0 4px 0 12px}</style></head>
<body><h1>${esc(p.title)}</h1>
${p.summary.map((s) => `<p>${esc(s)}</p>`).join('\n')}
<p><span class="k" style="background:#333"></span>history<span class="k" style="background:#3182bd"></span>forecast mean<span class="k" style="background:#9ecae1;height:8px"></span>80% interval<span class="k" style="background:#e6550d"></span>q${p.forecast.quantile}${p.capacity !== undefined ? '<span class="k" style="background:#d62728"></span>usable capacity today' : ''}</p>
${svg}
<h2>Plan</h2>
<table><tr><th>day</th><th>peak demand (q${p.forecast.quantile})</th><th>instances</th></tr>
${p.rows.map((r) => `<tr><td>${esc(r.day)}</td><td>${Math.round(r.demand)}</td><td>${r.instances ?? '∞'}</td></tr>`).join('\n')}
</table>
<h2>Assumptions</h2><ul>${p.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
</body></html>
`;
}
