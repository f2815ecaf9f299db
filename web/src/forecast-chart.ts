import uPlot from 'uplot';
import type { PredictionChart } from '../../src/predict/prediction-chart.js';
import { charts, COLORS, hline, vmarker } from './charts.js';
import { fmt } from './dom.js';

export const FORECAST_COLORS = {
  history: '#4a5568',
  p50: COLORS.achieved,
  band80: 'rgba(47, 111, 237, 0.28)',
  band95: 'rgba(47, 111, 237, 0.12)',
  planning: '#d69e2e',
  capacity: COLORS.slo,
};

/**
 * Demand over time: the end of the history, the forecast's P50 line with its 80% and
 * 95% intervals as bands, and for a plan the planning quantile (dashed), the usable
 * capacity of today's fleet (a horizontal line) and the runway (a vertical marker).
 */
export function forecastChart(parent: HTMLElement, c: PredictionChart, title: string): uPlot {
  const box = document.createElement('div');
  box.className = 'chart';
  box.dataset.title = title;
  parent.append(box);
  const nh = c.history.t.length;
  const nf = c.forecast.t.length;
  const xs = [...c.history.t, ...c.forecast.t].map((t) => t / 1000);
  const pad = (a: number[], before: number, after: number): Array<number | null> => [
    ...new Array<null>(before).fill(null), ...a, ...new Array<null>(after).fill(null),
  ];
  // The P50 line starts at the last observation, so history and forecast join.
  const lastObs = nh > 0 ? c.history.v[nh - 1]! : null;
  const p50 = [...pad([], Math.max(0, nh - 1), 0), ...(nh > 0 ? [lastObs] : []), ...c.forecast.p50];
  const f = (a: number[]) => pad(a, nh, 0);
  const data: Array<Array<number | null>> = [xs, pad(c.history.v, 0, nf), p50, f(c.forecast.hi95), f(c.forecast.lo95), f(c.forecast.hi80), f(c.forecast.lo80)];
  const edge = (label: string): uPlot.Series => ({ label, stroke: 'transparent', width: 0, points: { show: false } });
  const series: uPlot.Series[] = [
    {},
    { label: 'history', stroke: FORECAST_COLORS.history, width: 1.2, points: { show: false } },
    { label: 'P50', stroke: FORECAST_COLORS.p50, width: 2, points: { show: false } },
    edge('95% high'), edge('95% low'), edge('80% high'), edge('80% low'),
  ];
  if (c.planning) {
    data.push(f(c.planning.values));
    series.push({ label: `q${c.planning.quantile} (planned for)`, stroke: FORECAST_COLORS.planning, width: 1.5, dash: [5, 4], points: { show: false } });
  }
  const capacity = c.capacity_rps ?? null;
  const width = Math.max(320, (parent.clientWidth || 900) - 8);
  const u = new uPlot({
    title,
    width,
    height: 320,
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, (capacity ?? 0) * 1.1, 1) * 1.05] },
    },
    axes: [{ stroke: '#555' }, { label: 'requests / s', stroke: '#555', size: 60 }],
    series,
    bands: [
      { series: [3, 4], fill: FORECAST_COLORS.band95 },
      { series: [5, 6], fill: FORECAST_COLORS.band80 },
    ],
    legend: { live: true },
    hooks: {
      draw: [
        (self) => {
          // Labelled at the left: the runway marker's label is at the right.
          if (capacity !== null) hline(self, capacity, FORECAST_COLORS.capacity, `usable capacity today ${fmt.num(capacity)} rps`, 'left');
          if (c.runway_ms) vmarker(self, c.runway_ms / 1000, FORECAST_COLORS.capacity, `runway ${fmt.time(c.runway_ms).slice(0, 16)}`);
        },
      ],
    },
  }, data as uPlot.AlignedData, box);
  charts.push(u);
  return u;
}
