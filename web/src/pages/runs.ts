import type { DataSource, RunRecord } from '../data.js';
import { fmt, h, statusBadge, table } from '../dom.js';

function runLink(r: RunRecord): HTMLElement {
  return h('a', { href: r.kind === 'squeeze' ? `#/squeeze/${r.id}` : `#/run/${r.id}` }, r.id);
}

/** Turns "--rate 100 --http2" into { rate: '100', http2: true }: the form takes the CLI's flags. */
export function flagsToOptions(text: string): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.startsWith('--')) throw new Error(`expected a flag like --name, got "${t}"`);
    const next = tokens[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[t.slice(2)] = next;
      i++;
    } else out[t.slice(2)] = true;
  }
  return out;
}

function launchForm(src: DataSource): HTMLElement {
  const msg = h('p', { class: 'form-msg', id: 'launch-msg' });
  const kind = h('select', { name: 'kind' }, h('option', { value: 'run' }, 'run'), h('option', { value: 'squeeze' }, 'squeeze'));
  const url = h('input', { name: 'url', placeholder: 'http://127.0.0.1:8080/', size: 34, required: true });
  const rate = h('input', { name: 'rate', placeholder: 'rate (req/s)', size: 10 });
  const duration = h('input', { name: 'duration', placeholder: 'duration (30s)', size: 10 });
  const slo = h('input', { name: 'slo', placeholder: 'slo (p99<250ms)', size: 14 });
  const more = h('input', { name: 'more', placeholder: 'more flags, as on the CLI', size: 28 });
  const form = h('form', {
    class: 'launch',
    onsubmit: (e: Event) => {
      e.preventDefault();
      msg.textContent = 'starting…';
      msg.className = 'form-msg';
      let options: Record<string, string | boolean>;
      try {
        options = flagsToOptions(more.value);
      } catch (err) {
        msg.textContent = (err as Error).message;
        msg.className = 'form-msg error';
        return;
      }
      if (rate.value) options.rate = rate.value;
      if (duration.value) options.duration = duration.value;
      if (slo.value) options.slo = slo.value;
      src.launch(kind.value as 'run' | 'squeeze', { url: url.value, options }).then(
        (id) => (location.hash = kind.value === 'squeeze' ? `#/squeeze/${id}` : `#/run/${id}`),
        (err: Error & { code?: string }) => {
          msg.textContent = `${err.message}${err.code ? ` [${err.code}]` : ''}`;
          msg.className = 'form-msg error';
        });
    },
  }, kind, url, rate, duration, slo, more, h('button', { type: 'submit' }, 'start'));
  return h('section', { class: 'card' }, h('h2', {}, 'New run'), form, msg);
}

export async function runsPage(app: HTMLElement, src: DataSource, query: URLSearchParams): Promise<void> {
  const runs = await src.listRuns(query.toString());
  const picked = new Set<string>();
  const compare = h('button', { disabled: true, id: 'compare-btn' }, 'compare two');
  compare.addEventListener('click', () => {
    const [a, b] = [...picked];
    location.hash = `#/compare/${a}/${b}`;
  });
  const kind = h('select', { name: 'kind' }, ...['', 'run', 'squeeze'].map((k) => h('option', { value: k, selected: query.get('kind') === k }, k || 'any kind')));
  const status = h('select', { name: 'status' },
    ...['', 'running', 'passed', 'failed', 'aborted', 'incomplete'].map((s) => h('option', { value: s, selected: query.get('status') === s }, s || 'any status')));
  const target = h('input', { name: 'target', placeholder: 'target contains', value: query.get('target') ?? '' });
  const filters = h('form', {
    class: 'filters',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const q = new URLSearchParams();
      if (kind.value) q.set('kind', kind.value);
      if (status.value) q.set('status', status.value);
      if (target.value) q.set('target', target.value);
      location.hash = `#/?${q}`;
    },
  }, kind, status, target, h('button', { type: 'submit' }, 'filter'), compare);
  const rows = runs.map((r) => {
    const box = h('input', { type: 'checkbox', 'data-run': r.id });
    box.addEventListener('change', () => {
      if (box.checked) picked.add(r.id);
      else picked.delete(r.id);
      compare.disabled = picked.size !== 2;
    });
    const s = r.summary;
    return [box, runLink(r), r.kind, statusBadge(r.status), r.target ?? '–', fmt.time(r.started_at), fmt.dur(r.seconds),
      s ? `${fmt.num(s.rate.achieved)} /s` : '–', s ? fmt.ms(s.latency_ms.p99) : '–',
      r.capacity_rps !== null ? h('b', {}, `${fmt.num(r.capacity_rps)} /s`) : '–'];
  });
  app.replaceChildren(
    src.offline ? h('span', {}) : launchForm(src),
    h('h1', {}, 'Runs'),
    src.offline ? h('span', {}) : filters,
    runs.length ? table(['', 'id', 'kind', 'status', 'target', 'started', 'length', 'achieved', 'p99', 'capacity'], rows, 'runs')
      : h('p', { class: 'muted' }, 'No runs yet: "headroom run URL" records one here.'));
}
