import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidInput, isHeadroomError } from '../core/errors.js';
import { validateWorkloadModel, workloadToRequests, type WorkloadModel } from '../core/workload-model.js';

/**
 * `--workload model.json` for `headroom run` and `headroom squeeze`: the model that
 * `headroom trace workload` wrote (docs/workload.schema.json) is replayed against the
 * one base URL given, so a load test or a squeeze uses production's endpoint mix.
 */

/** What the load engine takes from a model: its rate (run only) and the weighted request list. */
export interface WorkloadTargets {
  /** The model's mean rate × scale, requests per second. */
  rate: number;
  url: Array<{ url: string; weight: number; method: string }>;
  /** Lines worth telling the user (stderr). */
  notes: string[];
}

/**
 * Reads and validates a workload model file; every failure is one line naming the flag
 * and the file (exit 2).
 *
 * @example
 * const model = readWorkloadFile('model.json', process.cwd());
 */
export function readWorkloadFile(file: string, cwd: string): WorkloadModel {
  if (file === '') throw invalidInput('HR_E_BAD_WORKLOAD', '--workload: expected a model file written by "headroom trace workload"');
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw invalidInput('HR_E_BAD_WORKLOAD', `--workload: cannot read "${file}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      'write one with "headroom trace workload --out model.json"');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalidInput('HR_E_BAD_WORKLOAD', `--workload: "${file}" is not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    return validateWorkloadModel(doc);
  } catch (e) {
    if (isHeadroomError(e)) throw invalidInput(e.code, `--workload: "${file}": ${e.message}`, e.hint);
    throw e;
  }
}

/**
 * Parses `--scale` (default 1): a positive number.
 *
 * @example
 * parseScale('2') // 2
 */
export function parseScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw invalidInput('HR_E_BAD_SCALE', `--scale: expected a positive number, got "${text}"`);
  }
  return v;
}

/**
 * The model as the load engine's request list against `baseUrl` (the model's paths are
 * appended to it), with the rate scaled. HEAD cannot share a run with other methods (the
 * engine reads every response of a run the same way), so in a mixed model HEAD requests
 * are sent as GET, and the user is told.
 *
 * @example
 * const t = workloadTargets(model, 'http://127.0.0.1:8080', 2);
 * startLoad({ url: t.url, rate: t.rate, durationMs: 30_000 });
 */
export function workloadTargets(model: WorkloadModel, baseUrl: string, scale: number): WorkloadTargets {
  const { rate_rps, requests } = workloadToRequests(model, { scale, baseUrl });
  const notes: string[] = [];
  const methods = new Set(requests.map((r) => r.method.toUpperCase()));
  let heads = 0;
  const url = requests.map((r) => {
    const m = r.method.toUpperCase();
    if (m === 'HEAD' && methods.size > 1) {
      heads += r.weight;
      return { url: r.url, weight: r.weight, method: 'GET' };
    }
    return { url: r.url, weight: r.weight, method: m };
  });
  if (heads > 0) notes.push(`HEAD requests (${(heads * 100).toFixed(1)}% of the mix) are sent as GET: one run cannot mix HEAD with other methods`);
  return { rate: rate_rps, url, notes };
}

/** A one-line description of what is replayed, for stderr. */
export function describeWorkload(file: string, model: WorkloadModel, t: WorkloadTargets, scale?: number): string {
  const top = [...model.endpoints].sort((a, b) => b.share - a.share).slice(0, 3)
    .map((e) => `${e.method} ${e.route} ${(e.share * 100).toFixed(0)}%`).join(', ');
  const rate = scale === undefined ? '' : ` at ${+t.rate.toFixed(3)} req/s (${+model.rate.mean_rps.toFixed(3)} × ${scale})`;
  return `headroom: workload ${file}: ${model.endpoints.length} endpoints, ${t.url.length} request targets${rate}; top: ${top}\n`;
}
