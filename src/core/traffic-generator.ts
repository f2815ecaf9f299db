import type { Detector } from './finding.js';
import { RouteTemplater } from './route-template.js';
import { emptyRecord, type TraceRecord } from './trace-record.js';
import { seededRandom } from './seeded-random.js';

/**
 * Synthetic traffic with injected waste patterns and their ground truth, for measuring
 * the detectors' precision and recall. Seeded: the same seed gives the same traffic.
 * Each pattern comes with near misses that must NOT be flagged (retries with exponential
 * backoff, refetches after the cache expired, irregular repeats, small fan-outs, one big
 * download, a few errors), so precision is tested as well as recall.
 */
export interface GroundTruth {
  detector: Detector;
  client: string;
  endpoint: string;
}

export interface GeneratedTraffic {
  records: TraceRecord[];
  truth: GroundTruth[];
}

export interface GeneratorOptions {
  seed: number;
  /** Length of the traffic, ms. */
  durationMs: number;
  /** Ordinary clients browsing at random. */
  background: number;
  /** Injected instances of each pattern (each a distinct client). */
  perPattern: number;
}

/**
 * @example
 * const { records, truth } = generateTraffic({ seed: 1, durationMs: 3_600_000, background: 40, perPattern: 4 });
 */
export function generateTraffic(o: GeneratorOptions): GeneratedTraffic {
  const rnd = seededRandom(o.seed);
  const routes = new RouteTemplater();
  const T0 = Date.UTC(2025, 0, 1);
  const records: TraceRecord[] = [];
  const truth: GroundTruth[] = [];
  let seq = 0;
  const uni = (a: number, b: number) => a + (b - a) * rnd();
  const int = (a: number, b: number) => Math.floor(uni(a, b + 1));
  const exp = (mean: number) => -mean * Math.log(1 - rnd());
  const id = () => String(int(1, 9_999_999));
  const at = () => T0 + uni(0, o.durationMs * 0.8);

  function req(client: string, t: number, method: string, path: string, query = '', extra: Partial<TraceRecord> = {}): TraceRecord {
    const r = emptyRecord(`gen:${++seq}`);
    Object.assign(r, { ts: t, client, service: 'api', method, path, query, route: routes.template(path), status: 200, latency_ms: uni(2, 40), bytes: int(200, 20_000) }, extra);
    records.push(r);
    return r;
  }
  const ep = (method: string, path: string) => `${method} ${routes.template(path)}`;
  /** Successful requests on distinct URLs, so an injected client is not only its pattern. */
  function filler(client: string, n: number) {
    for (let i = 0; i < n; i++) req(client, at(), 'GET', `/catalog/${id()}`);
  }

  const BG_ROUTES = ['/users/ID', '/users/ID/friends', '/orders/ID', '/items/ID', '/search', '/feed/ID', '/cart/ID', '/reviews/ID'];
  for (let c = 0; c < o.background; c++) {
    const client = `user-${c}`;
    let t = T0 + uni(0, o.durationMs / 4);
    while (t < T0 + o.durationMs) {
      const r = BG_ROUTES[int(0, BG_ROUTES.length - 1)]!;
      const path = r.replace('ID', id());
      req(client, t, rnd() < 0.85 ? 'GET' : 'POST', path, r === '/search' ? `q=${id()}` : '', { status: rnd() < 0.03 ? 404 : 200 });
      t += exp(20_000);
    }
  }

  for (let k = 0; k < o.perPattern; k++) {
    // Duplicates: the same GET again within 50–1500 ms, several times over the period.
    {
      const client = `dup-${k}`;
      const path = `/profile/${id()}`;
      for (let i = 0; i < int(3, 8); i++) {
        const t = at();
        req(client, t, 'GET', path);
        for (let j = 0, tt = t; j < int(1, 2); j++) req(client, (tt += uni(50, 1500)), 'GET', path);
      }
      filler(client, 20);
      truth.push({ detector: 'duplicate', client, endpoint: ep('GET', path) });
      // Near miss: the same URL again, but 5–60 s later (a reload, not a duplicate).
      const nm = `reload-${k}`;
      const p2 = `/profile/${id()}`;
      for (let i = 0, t = at(); i < 4; i++) req(nm, (t += uni(5000, 60_000)), 'GET', p2);
    }
    // N+1 under one parent, parallel and sequential; and a burst without parent ids.
    for (const mode of ['parallel', 'sequential', 'burst'] as const) {
      const client = `n1-${mode}-${k}`;
      const parentPath = `/dashboard/${id()}`;
      const child = mode === 'burst' ? '/products/ID' : '/widgets/ID';
      for (let g = 0; g < int(2, 4); g++) {
        const t = at();
        const trace = `t-${client}-${g}`;
        req(client, t, 'GET', parentPath, '', { trace_id: mode === 'burst' ? null : trace, span_id: `${trace}-root`, latency_ms: 500 });
        let tt = t + 5;
        for (let i = 0; i < int(6, 15); i++) {
          const lat = uni(5, 30);
          const extra = mode === 'burst' ? { latency_ms: lat } : { trace_id: trace, parent_id: `${trace}-root`, latency_ms: lat };
          req(client, tt, 'GET', child.replace('ID', id()), '', extra);
          tt += mode === 'sequential' ? lat + uni(0.5, 3) : mode === 'parallel' ? uni(0, 2) : uni(20, 200);
        }
      }
      filler(client, 10);
      truth.push({ detector: 'n_plus_1', client, endpoint: ep('GET', child.replace('ID', '1')) });
    }
    {
      // Near miss: a fan-out of 3 is a normal page.
      const nm = `page-${k}`;
      const t = at();
      req(nm, t, 'GET', '/home', '', { trace_id: `p${k}`, span_id: `p${k}-r` });
      for (let i = 0; i < 3; i++) req(nm, t + i, 'GET', `/banners/${id()}`, '', { trace_id: `p${k}`, parent_id: `p${k}-r` });
    }
    // Tight polling: a regular period with ±10% jitter, unchanged responses.
    {
      const client = `poll-${k}`;
      const period = uni(5000, 120_000);
      const path = `/jobs/${id()}/status`;
      const n = int(15, 40);
      const bytes = int(100, 900);
      for (let i = 0, t = at() / 2 + T0 / 2; i < n; i++, t += period * uni(0.9, 1.1)) req(client, t, 'GET', path, '', { bytes });
      truth.push({ detector: 'polling', client, endpoint: ep('GET', path) });
      // Near miss: the same URL repeatedly at irregular (exponential) intervals.
      const nm = `browse-${k}`;
      const p2 = `/news/${id()}`;
      for (let i = 0, t = at() / 2 + T0 / 2; i < 15; i++, t += exp(60_000) + 3000) req(nm, t, 'GET', p2, '', { bytes: 4000 });
    }
    // Retry storms: 503s retried at a constant gap; near miss with exponential backoff.
    {
      const client = `retry-${k}`;
      const path = `/payments/${id()}`;
      for (let s = 0; s < int(2, 4); s++) {
        let t = at();
        const gap = uni(100, 1000);
        const n = int(4, 8);
        for (let i = 0; i < n; i++, t += gap * uni(0.9, 1.1)) req(client, t, 'POST', path, '', { status: i < n - 1 ? 503 : 200 });
      }
      filler(client, 80);
      truth.push({ detector: 'retry_storm', client, endpoint: ep('POST', path) });
      const nm = `backoff-${k}`;
      const p2 = `/payments/${id()}`;
      let t = at();
      for (let i = 0, gap = 200; i < 6; i++, t += gap, gap *= 2) req(nm, t, 'POST', p2, '', { status: i < 5 ? 503 : 200 });
      filler(nm, 80);
    }
    // Oversized responses, repeatedly; near miss: one big download.
    {
      const client = `big-${k}`;
      for (let i = 0; i < int(3, 6); i++) req(client, at(), 'GET', `/export/${id()}`, '', { bytes: int(2, 8) * 1048576 });
      filler(client, 10);
      truth.push({ detector: 'oversized', client, endpoint: 'GET /export/{id}' });
      req(`dl-${k}`, at(), 'GET', `/export/${id()}`, '', { bytes: 5 * 1048576 });
    }
    // Cacheable responses fetched again while fresh; near miss: refetched after expiry.
    {
      const client = `cache-${k}`;
      const path = `/assets/app-${id()}.js`;
      let t = at();
      for (let i = 0; i < int(2, 4); i++, t += uni(10_000, 600_000)) req(client, t, 'GET', path, '', { cache_control: 'public, max-age=3600', bytes: 50_000 });
      truth.push({ detector: 'cache_refetch', client, endpoint: ep('GET', path) });
      const nm = `expired-${k}`;
      const p2 = `/assets/lib-${id()}.js`;
      t = at();
      for (let i = 0; i < 3; i++, t += uni(120_000, 600_000)) req(nm, t, 'GET', p2, '', { cache_control: 'max-age=60', bytes: 50_000 });
    }
    // Error-heavy callers: 40–80% failures on distinct URLs; near miss: 10% failures.
    {
      const client = `errs-${k}`;
      const share = uni(0.4, 0.8);
      for (let i = 0; i < int(30, 60); i++) req(client, at(), 'GET', `/accounts/${id()}`, '', { status: rnd() < share ? (rnd() < 0.5 ? 401 : 500) : 200 });
      truth.push({ detector: 'error_heavy', client, endpoint: 'GET /accounts/{id}' });
      for (let i = 0; i < 40; i++) req(`ok-${k}`, at(), 'GET', `/accounts/${id()}`, '', { status: i % 10 === 0 ? 500 : 200 });
    }
  }
  records.sort((a, b) => a.ts - b.ts);
  return { records, truth };
}
