import { invalidInput } from './errors.js';

/**
 * The workload model that `headroom trace workload` extracts from recorded traffic and
 * that `headroom run --workload` / `headroom squeeze --workload` replay, scaled. Its JSON
 * Schema is docs/workload.schema.json; the field names here are the JSON keys.
 */
export interface WorkloadEndpoint {
  method: string;
  route: string;
  /** Share of all requests (the endpoints' shares sum to 1). */
  share: number;
  /** Mean requests per second in the recorded period. */
  rps: number;
  /** Up to 5 recorded request targets (path and query) to replay for this route. */
  examples: string[];
  latency_ms: { p50: number; p95: number } | null;
  bytes_mean: number | null;
  error_share: number;
}

export interface Distribution {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface WorkloadModel {
  version: 1;
  source: { records: number; start: string; end: string; duration_s: number };
  rate: {
    mean_rps: number;
    /** Highest rate of any bucket. */
    peak_rps: number;
    /** Bucket width of `rps`: 60 s, or wider so that the period fits in at most 1440 buckets. */
    bucket_s: number;
    /** Requests per second in each bucket, from the start of the period. */
    rps: number[];
  };
  endpoints: WorkloadEndpoint[];
  clients: { client: string; share: number }[];
  /** Time between a client's consecutive requests within a session, ms. */
  think_time_ms: Distribution | null;
  sessions: {
    /** A session ends after this long without a request from its client (ms). */
    gap_ms: number;
    count: number;
    requests: Distribution | null;
    duration_s: Distribution | null;
    /** Most common endpoint-to-endpoint steps within sessions. */
    transitions: { from: string; to: string; share: number }[];
  };
}

/** One entry of the weighted request list a load engine draws from. */
export interface WeightedRequest {
  method: string;
  url: string;
  /** Relative weight (the weights sum to 1). */
  weight: number;
}

const TOP_KEYS = ['version', 'source', 'rate', 'endpoints', 'clients', 'think_time_ms', 'sessions'];
const EP_KEYS = ['method', 'route', 'share', 'rps', 'examples', 'latency_ms', 'bytes_mean', 'error_share'];

function bad(field: string, expected: string, got: unknown): never {
  throw invalidInput('HR_E_BAD_WORKLOAD', `workload ${field}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 60)}`);
}

/**
 * Checks a parsed workload file strictly (unknown keys are errors) and returns it typed.
 *
 * @example
 * const model = validateWorkloadModel(JSON.parse(readFileSync('model.json', 'utf8')));
 */
export function validateWorkloadModel(v: unknown): WorkloadModel {
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad('file', 'a JSON object', v);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) bad(`key "${k}"`, `one of ${TOP_KEYS.join(', ')}`, k);
  if (o.version !== 1) bad('version', '1', o.version);
  const rate = o.rate as Record<string, unknown> | undefined;
  if (!rate || typeof rate.mean_rps !== 'number' || !(rate.mean_rps >= 0)) bad('rate.mean_rps', 'a non-negative number', rate?.mean_rps);
  if (!Array.isArray(o.endpoints) || o.endpoints.length === 0) bad('endpoints', 'a non-empty array', o.endpoints);
  (o.endpoints as unknown[]).forEach((e, i) => {
    if (!e || typeof e !== 'object') bad(`endpoints[${i}]`, 'an object', e);
    const ep = e as Record<string, unknown>;
    for (const k of Object.keys(ep)) if (!EP_KEYS.includes(k)) bad(`endpoints[${i}] key "${k}"`, `one of ${EP_KEYS.join(', ')}`, k);
    if (typeof ep.method !== 'string' || typeof ep.route !== 'string') bad(`endpoints[${i}].method/route`, 'strings', [ep.method, ep.route]);
    if (typeof ep.share !== 'number' || !(ep.share >= 0 && ep.share <= 1)) bad(`endpoints[${i}].share`, 'a number in 0..1', ep.share);
    if (!Array.isArray(ep.examples) || ep.examples.some((x) => typeof x !== 'string' || !x.startsWith('/'))) {
      bad(`endpoints[${i}].examples`, 'an array of paths starting with /', ep.examples);
    }
  });
  return o as unknown as WorkloadModel;
}

/**
 * Turns a model into what the load engine consumes: a rate (the recorded mean × scale)
 * and a weighted list of concrete requests against `baseUrl`. Endpoints without examples
 * are replayed by their route with `{…}` parameters replaced by `1`.
 *
 * @example
 * workloadToRequests(model, { scale: 2, baseUrl: 'http://127.0.0.1:8080' })
 * // { rate_rps: 2 * model.rate.mean_rps, requests: [{ method: 'GET', url: 'http://127.0.0.1:8080/users/42', weight: 0.3 }, …] }
 */
export function workloadToRequests(model: WorkloadModel, opts: { scale: number; baseUrl: string }): { rate_rps: number; requests: WeightedRequest[] } {
  if (!(opts.scale > 0) || !Number.isFinite(opts.scale)) {
    throw invalidInput('HR_E_BAD_SCALE', `--scale: expected a positive number, got "${opts.scale}"`);
  }
  const base = opts.baseUrl.replace(/\/+$/, '');
  const total = model.endpoints.reduce((s, e) => s + e.share, 0) || 1;
  const requests: WeightedRequest[] = [];
  for (const e of model.endpoints) {
    const targets = e.examples.length > 0 ? e.examples : [e.route.replace(/\{[^}]*\}/g, '1').replace(/\*$/, '')];
    for (const t of targets) requests.push({ method: e.method || 'GET', url: base + t, weight: e.share / total / targets.length });
  }
  return { rate_rps: model.rate.mean_rps * opts.scale, requests };
}
