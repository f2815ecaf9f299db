import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLORS = {
  offered: '#8a94a6', achieved: '#2f6fed', p50: '#37a169', p90: '#d69e2e', p99: '#e5533d', p999: '#9f3ac4',
  service: '#5c6bc0', slo: '#e5533d', capacity: '#2f6fed', usl: '#222', bad: '#e5533d', good: '#37a169',
  kinds: { timeout: '#e5533d', refused: '#9f3ac4', reset: '#d69e2e', http_4xx: '#dd6b20', http_5xx: '#c53030', other: '#718096' } as Record<string, string>,
};

export interface SeriesSpec {
  label: string;
  color: string;
  values: Array<number | null>;
  dash?: number[];
  /** Points only (a scatter), no line. */
  points?: boolean;
  /** Join across missing values (a model curve sampled on its own x values). */
  spanGaps?: boolean;
  width?: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xs: number[];
  series: SeriesSpec[];
  /** Extra drawing on top of the plot (markers, bands), in canvas pixels. */
  draw?: (u: uPlot) => void;
  /** The y range must include this value (e.g. the SLO line). */
  yInclude?: number;
  height?: number;
}

/** Tick steps of a seconds axis: whole seconds, then round minutes. */
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** All charts on the page, so a test (or a curious user) can inspect them. */
export const charts: uPlot[] = [];

/** A uPlot chart in `parent`; x is a number (seconds or req/s), not a time axis. */
export function chart(parent: HTMLElement, spec: ChartSpec): uPlot {
  const box = document.createElement('div');
  box.className = 'chart';
  box.dataset.title = spec.title;
  parent.append(box);
  const width = Math.max(320, (parent.clientWidth || 900) - 8);
  const opts: uPlot.Options = {
    title: spec.title,
    width,
    height: spec.height ?? 240,
    scales: {
      x: { time: false },
      y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, (spec.yInclude ?? 0) * 1.15, 1) * 1.05] },
    },
    axes: [{ label: spec.xLabel, stroke: '#555', ...(spec.xLabel === 'seconds' ? { incrs: SECOND_STEPS } : {}) }, { label: spec.yLabel, stroke: '#555', size: 60 }],
    legend: { live: true },
    series: [
      { label: spec.xLabel },
      ...spec.series.map((s): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? (s.points ? 0 : 2),
        dash: s.dash,
        spanGaps: s.spanGaps ?? false,
        ...(s.points ? { paths: () => null, points: { show: true, size: 8, fill: s.color, stroke: s.color } } : { points: { show: false } }),
      })),
    ],
    hooks: spec.draw ? { draw: [spec.draw] } : {},
  };
  const u = new uPlot(opts, [spec.xs, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, box);
  charts.push(u);
  return u;
}

/** Draws a horizontal line at y = `value` with a label (an SLO), at the right or the left end. */
export function hline(u: uPlot, value: number, color: string, label: string, labelAt: 'left' | 'right' = 'right'): void {
  const y = u.valToPos(value, 'y', true);
  const { left, width } = u.bbox;
  const c = u.ctx;
  c.save();
  c.strokeStyle = color;
  c.setLineDash([6, 4]);
  c.lineWidth = 1.5 * devicePixelRatio;
  c.beginPath();
  c.moveTo(left, y);
  c.lineTo(left + width, y);
  c.stroke();
  c.fillStyle = color;
  c.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  if (labelAt === 'right') {
    // Right-aligned, clear of the y axis labels.
    c.fillText(label, left + width - c.measureText(label).width - 6 * devicePixelRatio, y - 4 * devicePixelRatio);
  } else {
    // uPlot leaves its own text alignment on the context (right-aligned axis labels).
    c.textAlign = 'left';
    c.textBaseline = 'alphabetic';
    c.fillText(label, left + 6 * devicePixelRatio, y - 4 * devicePixelRatio);
  }
  c.restore();
}

/** Draws a vertical marker at x = `value`, with an optional band [low, high] (a capacity and its CI). */
export function vmarker(u: uPlot, value: number, color: string, label: string, band?: [number, number]): void {
  const { top, height } = u.bbox;
  const c = u.ctx;
  c.save();
  if (band) {
    const x0 = u.valToPos(band[0], 'x', true);
    const x1 = u.valToPos(band[1], 'x', true);
    c.fillStyle = color + '22';
    c.fillRect(Math.min(x0, x1), top, Math.abs(x1 - x0), height);
  }
  const x = u.valToPos(value, 'x', true);
  c.strokeStyle = color;
  c.lineWidth = 2 * devicePixelRatio;
  c.beginPath();
  c.moveTo(x, top);
  c.lineTo(x, top + height);
  c.stroke();
  c.fillStyle = color;
  c.font = `bold ${11 * devicePixelRatio}px system-ui, sans-serif`;
  c.fillText(label, x + 5 * devicePixelRatio, top + 14 * devicePixelRatio);
  c.restore();
}

/**
 * Merges several (x, y) point sets onto one sorted x axis, as uPlot wants: each series
 * gets null where it has no point.
 */
export function mergeXY(sets: Array<Array<[number, number]>>): { xs: number[]; ys: Array<Array<number | null>> } {
  const xs = [...new Set(sets.flatMap((s) => s.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = sets.map((s) => {
    const col: Array<number | null> = xs.map(() => null);
    for (const [x, y] of s) col[index.get(x)!] = y;
    return col;
  });
  return { xs, ys };
}
