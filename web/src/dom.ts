/** A tiny element builder: h('a', { href: '#/' }, 'runs'). Text is always set as text, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: Array<Node | string | number | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

export const fmt = {
  num(x: number | null | undefined, digits = 1): string {
    if (x === null || x === undefined || !Number.isFinite(x)) return '–';
    return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10 ** digits) / 10 ** digits);
  },
  ms(x: number | null | undefined): string {
    return x === null || x === undefined ? '–' : `${fmt.num(x, x < 10 ? 2 : 1)} ms`;
  },
  pct(x: number | null | undefined): string {
    return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(2)}%`;
  },
  rel(x: number | null | undefined): string {
    return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  },
  time(ms: number | null | undefined): string {
    return ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '–';
  },
  dur(s: number | null | undefined): string {
    if (s === null || s === undefined) return '–';
    return s < 120 ? `${Math.round(s)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
  },
};

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge ${status}` }, status);
}

export function table(head: string[], rows: Array<Array<Node | string>>, cls = ''): HTMLTableElement {
  return h('table', { class: cls },
    h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}
