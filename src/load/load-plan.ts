import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { invalidInput } from '../core/errors.js';
import type { RateStage } from '../core/rate-schedule.js';
import { parseThreshold, type Threshold } from '../core/threshold.js';
import type { Endpoint } from './http-connection.js';
import { serializeRequest } from './request-bytes.js';

/** Options of a load run: the programmatic form of `headroom run`'s flags. */
export interface LoadOptions {
  /**
   * One URL, several, or several with weights (all on the same origin). An entry's own
   * `method` overrides `method` (a replayed workload mixes GETs and POSTs).
   */
  url: string | string[] | Array<{ url: string; weight?: number; method?: string }>;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Open model: constant arrival rate, req/s (or `stages`). */
  rate?: number;
  stages?: RateStage[];
  /** Poisson arrivals instead of evenly spaced ones (open model). */
  poisson?: boolean;
  seed?: number;
  /** Closed model: number of virtual users. */
  vus?: number;
  /** Closed model: pause after each response, ms. */
  thinkMs?: number;
  /** Run length, ms (with stages: their total, unless given). */
  durationMs?: number;
  /** Generator threads (default: the number of cores; for few VUs, fewer). */
  threads?: number;
  /** Open model: most connections at once (default 1000). */
  maxConnections?: number;
  /** Requests in flight per connection (default 1). */
  pipelining?: number;
  /** Per-request timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** Iterations waiting for a free connection longer than this are dropped (default: timeoutMs). */
  maxWaitMs?: number;
  /** Sent later than intended by more than this counts as late (default 10 ms). */
  lateMs?: number;
  /** Accept self-signed certificates. */
  insecure?: boolean;
  /** Threshold expressions, e.g. `p99<250ms`. */
  thresholds?: string[];
  /** Allow targets outside loopback (off: headroom refuses to load anything but 127.0.0.0/8 and ::1). */
  allowRemote?: boolean;
}

/** Validated options, ready for the generator threads. */
export interface LoadPlan {
  endpoint: Endpoint;
  requests: Uint8Array[];
  cumulativeWeights: number[];
  noBody: boolean;
  model: 'open' | 'closed';
  stages: RateStage[];
  poisson: boolean;
  seed: number;
  vus: number;
  thinkMs: number;
  durationMs: number;
  threads: number;
  maxConnections: number;
  pipelining: number;
  timeoutMs: number;
  maxWaitMs: number;
  lateMs: number;
  thresholds: Threshold[];
  allowRemote: boolean;
  /** The address to resolve before sending (a name) or null when it is already an IP. */
  hostname: string;
}

const posNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function checkInt(v: number | undefined, flag: string, code: string, min = 1): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) {
    throw invalidInput(code, `${flag}: expected an integer ≥ ${min}, got "${v}"`);
  }
}

/**
 * True for 127.0.0.0/8, ::1 and IPv4-mapped loopback.
 *
 * @example
 * isLoopback('127.0.0.2') // true
 */
export function isLoopback(ip: string): boolean {
  const v = ip.replace(/^::ffff:/i, '');
  return /^127\./.test(v) || v === '::1' || v === '0:0:0:0:0:0:0:1';
}

/**
 * Validates load options at the boundary; every error names the flag and what was expected.
 *
 * @example
 * const plan = planLoad({ url: 'http://127.0.0.1:8080/', rate: 100, durationMs: 5000 });
 */
export function planLoad(o: LoadOptions): LoadPlan {
  const list = (typeof o.url === 'string' ? [o.url] : o.url).map((u) => (typeof u === 'string' ? { url: u, weight: 1 } : u));
  if (list.length === 0) throw invalidInput('HR_E_BAD_URL', 'URL: expected at least one http:// or https:// URL');
  const urls = list.map(({ url }) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw invalidInput('HR_E_BAD_URL', `URL: expected an absolute http:// or https:// URL, got "${url}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw invalidInput('HR_E_BAD_URL', `URL: expected http:// or https://, got "${url}"`);
    }
    if (u.username || u.password) throw invalidInput('HR_E_BAD_URL', 'URL: credentials in the URL are not supported; use --header');
    return u;
  });
  const origin = urls[0]!.origin;
  if (urls.some((u) => u.origin !== origin)) {
    throw invalidInput('HR_E_BAD_URL', `URL: expected all URLs on one origin (${origin}), got ${urls.map((u) => u.origin).join(', ')}`);
  }
  const weights = list.map((x) => x.weight ?? 1);
  if (weights.some((w) => !(w > 0) || !Number.isFinite(w))) {
    throw invalidInput('HR_E_BAD_URL', `URL weights: expected positive numbers, got ${weights.join(', ')}`);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cumulativeWeights = weights.map((w) => (acc += w / sum));

  const method = (o.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) throw invalidInput('HR_E_BAD_METHOD', `--method: expected an HTTP method token, got "${o.method}"`);
  const methods = list.map((x) => (x.method === undefined ? method : x.method.toUpperCase()));
  for (const m of methods) if (!TOKEN.test(m)) throw invalidInput('HR_E_BAD_METHOD', `URL method: expected an HTTP method token, got "${m}"`);
  // The response parser is told once per connection whether responses have bodies.
  if (methods.includes('HEAD') && methods.some((m) => m !== 'HEAD')) {
    throw invalidInput('HR_E_BAD_METHOD', 'URL method: HEAD cannot be mixed with other methods in one run (its responses have no body)');
  }
  const headers = o.headers ?? {};
  for (const [k, v] of Object.entries(headers)) {
    if (!TOKEN.test(k) || /[\r\n\0]/.test(v)) {
      throw invalidInput('HR_E_BAD_HEADER', `--header: expected "Name: value" without line breaks, got a bad header "${k}"`);
    }
  }
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
  const requests = urls.map((u, i) => serializeRequest(u, methods[i]!, headers, body));

  const closed = o.vus !== undefined;
  if (closed && (o.rate !== undefined || o.stages)) {
    throw invalidInput('HR_E_BAD_MODEL', '--vus: expected either --vus (closed model) or --rate/--stages (open model), not both');
  }
  checkInt(o.vus, '--vus', 'HR_E_BAD_VUS');
  if (o.rate !== undefined && !posNumber(o.rate)) {
    throw invalidInput('HR_E_BAD_RATE', `--rate: expected a positive number of requests per second, got "${o.rate}"`);
  }
  if (o.rate !== undefined && o.stages) throw invalidInput('HR_E_BAD_RATE', '--rate: expected either --rate or --stages, not both');
  if (!closed && o.rate === undefined && !o.stages) {
    throw invalidInput('HR_E_BAD_RATE', '--rate: expected an arrival rate (--rate, --stages) or virtual users (--vus)');
  }
  const stagesTotal = o.stages ? o.stages.reduce((a, s) => a + s.durationMs, 0) : 0;
  const durationMs = o.durationMs ?? (o.stages ? stagesTotal : undefined);
  if (!posNumber(durationMs)) throw invalidInput('HR_E_BAD_DURATION', `--duration: expected a positive duration, got "${durationMs}"`);
  const stages = o.stages ?? [{ from: o.rate ?? 0, to: o.rate ?? 0, durationMs }];
  if (o.thinkMs !== undefined && !(o.thinkMs >= 0)) throw invalidInput('HR_E_BAD_DURATION', `--think: expected a duration ≥ 0, got "${o.thinkMs}"`);
  checkInt(o.threads, '--threads', 'HR_E_BAD_THREADS');
  checkInt(o.maxConnections, '--max-connections', 'HR_E_BAD_CONNECTIONS');
  checkInt(o.pipelining, '--pipelining', 'HR_E_BAD_PIPELINING');
  if (o.timeoutMs !== undefined && !posNumber(o.timeoutMs)) {
    throw invalidInput('HR_E_BAD_DURATION', `--timeout: expected a positive duration, got "${o.timeoutMs}"`);
  }
  const vus = o.vus ?? 0;
  const cores = availableParallelism();
  const maxConnections = o.maxConnections ?? 1000;
  // Never more threads than virtual users (closed) or connections (open): each needs at least one.
  const threads = Math.max(1, Math.min(o.threads ?? cores, closed ? vus : maxConnections));
  const timeoutMs = o.timeoutMs ?? 10_000;
  const first = urls[0]!;
  const hostname = first.hostname.replace(/^\[|\]$/g, '');
  return {
    endpoint: {
      host: hostname === 'localhost' ? '127.0.0.1' : hostname,
      port: Number(first.port || (first.protocol === 'https:' ? 443 : 80)),
      tls: first.protocol === 'https:',
      servername: hostname,
      insecure: o.insecure ?? false,
    },
    requests,
    cumulativeWeights,
    noBody: methods[0] === 'HEAD',
    model: closed ? 'closed' : 'open',
    stages,
    poisson: o.poisson ?? false,
    seed: o.seed ?? 1,
    vus,
    thinkMs: o.thinkMs ?? 0,
    durationMs,
    threads,
    maxConnections,
    pipelining: o.pipelining ?? 1,
    timeoutMs,
    maxWaitMs: o.maxWaitMs ?? timeoutMs,
    lateMs: o.lateMs ?? 10,
    thresholds: (o.thresholds ?? []).map(parseThreshold),
    allowRemote: o.allowRemote ?? false,
    hostname,
  };
}

/**
 * Resolves the target's name once, before any load, and refuses non-loopback targets
 * unless `allowRemote` (headroom is safe by default: load goes to 127.0.0.0/8 and ::1).
 *
 * @example
 * const endpoint = await resolveEndpoint(planLoad({ url: 'http://localhost:8080/', rate: 10, durationMs: 1000 }));
 */
export async function resolveEndpoint(plan: LoadPlan): Promise<Endpoint> {
  let ip = plan.endpoint.host;
  if (!isIP(ip)) {
    try {
      ip = (await lookup(ip)).address;
    } catch {
      throw invalidInput('HR_E_BAD_URL', `URL: cannot resolve host "${plan.hostname}"`);
    }
  }
  if (!plan.allowRemote && !isLoopback(ip)) {
    throw invalidInput(
      'HR_E_NOT_LOOPBACK',
      `URL: "${plan.hostname}" (${ip}) is not a loopback address; headroom sends load only to 127.0.0.0/8 and ::1 by default`,
      'set HEADROOM_ALLOW_REMOTE=1 to load a host you are responsible for',
    );
  }
  return { ...plan.endpoint, host: ip };
}
