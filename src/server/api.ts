import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareRuns } from '../core/compare-runs.js';
import { invalidInput } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { SCHEMA_VERSION } from '../store/schema.js';
import { HttpError, readJsonBody, sendJson, sendJsonText } from './http-util.js';
import { launchArgv, type RunLauncher } from './launcher.js';
import type { LiveFeed } from './live.js';
import { reportFromStore } from './report.js';
import { parseRunFilter } from './query-params.js';
import { handlePredictApi } from './predict-api.js';
import { handleTraceApi } from './trace-api.js';

export interface ApiContext {
  store: Store;
  live: LiveFeed;
  launcher: RunLauncher;
}

function afterParam(q: URLSearchParams): number {
  const v = q.get('after');
  if (v === null) return 0;
  if (!/^\d{1,9}$/.test(v)) throw invalidInput('HR_E_BAD_QUERY', `after: expected a whole number of seconds, got ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
}

function only(method: string, req: IncomingMessage): void {
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
    throw new HttpError(405, 'HR_E_METHOD', `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}: method not allowed; expected ${method}`);
  }
}

/**
 * The JSON API under /api. Returns false when the path is not an API path.
 *
 *   GET  /api/health                      {ok, schema_version}
 *   GET  /api/runs?kind&status&target&since&until&label&limit
 *   GET  /api/runs/:id                    {run, histograms}
 *   GET  /api/runs/:id/series?after=N     [SecondSample...]
 *   GET  /api/runs/:id/squeeze            {steps, result}
 *   GET  /api/runs/:id/live?after=N       Server-Sent Events (see live.ts)
 *   GET  /api/runs/:id/report             the self-contained HTML report
 *   GET  /api/compare?a=ID&b=ID           {a, b, comparison}
 *   POST /api/runs      {url, options}    202 {run_id}: start a run, flags as on the CLI
 *   POST /api/squeezes  {url, options}    202 {run_id}: start a squeeze
 *   GET  /api/forecasts, /api/forecasts/:id, /api/plans, /api/plans/:id   (predict-api.ts)
 *   GET  /api/trace/report|impact|findings|rates?client&since&top          (trace-api.ts)
 */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'api') return false;
  const [, resource, id, sub, ...rest] = parts;
  const q = url.searchParams;

  if (resource === 'health' && !id) {
    only('GET', req);
    sendJson(res, 200, { ok: true, schema_version: SCHEMA_VERSION });
    return true;
  }
  if (await handlePredictApi(ctx.store, req, res, parts.slice(1), q)) return true;
  if (await handleTraceApi(ctx.store, req, res, parts.slice(1), q)) return true;
  if ((resource === 'runs' || resource === 'squeezes') && !id && req.method === 'POST') {
    const argv = launchArgv(await readJsonBody(req));
    const { runId } = await ctx.launcher.start(resource === 'runs' ? 'run' : 'squeeze', argv);
    sendJson(res, 202, { run_id: runId, live: `/api/runs/${runId}/live` });
    return true;
  }
  if (resource === 'runs' && !id) {
    only('GET', req);
    sendJson(res, 200, { runs: await ctx.store.listRuns(parseRunFilter(q)) });
    return true;
  }
  if (resource === 'runs' && id && rest.length === 0) {
    only('GET', req);
    if (!sub) {
      const run = await ctx.store.getRun(id);
      sendJson(res, 200, { run, histograms: await ctx.store.getHistograms(run.id) });
      return true;
    }
    if (sub === 'series') {
      sendJsonText(res, 200, (await ctx.store.getRunSeriesJson(id, afterParam(q))).json);
      return true;
    }
    const run = await ctx.store.getRun(id);
    if (sub === 'squeeze') {
      if (run.kind !== 'squeeze') throw invalidInput('HR_E_NO_SQUEEZE', `run ${run.id} is a ${run.kind}, not a squeeze`);
      sendJson(res, 200, await ctx.store.getSqueeze(run.id));
      return true;
    }
    if (sub === 'report') {
      const { html } = await reportFromStore(ctx.store, run.id);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': `attachment; filename="headroom-${run.id}.html"`,
      });
      res.end(html);
      return true;
    }
    if (sub === 'live') {
      await ctx.live.subscribe(run, res, afterParam(q));
      return true;
    }
  }
  if (resource === 'compare' && !id) {
    only('GET', req);
    const a = q.get('a');
    const b = q.get('b');
    if (!a || !b) throw invalidInput('HR_E_BAD_QUERY', 'compare: expected two run ids as ?a=ID&b=ID');
    const [ra, rb] = await Promise.all([ctx.store.getRun(a), ctx.store.getRun(b)]);
    const cap = async (r: typeof ra) => (r.kind === 'squeeze' ? (await ctx.store.getSqueeze(r.id)).result?.capacity_rps ?? null : null);
    const [ca, cb] = await Promise.all([cap(ra), cap(rb)]);
    sendJson(res, 200, { a: ra, b: rb, comparison: compareRuns({ summary: ra.summary, capacity_rps: ca }, { summary: rb.summary, capacity_rps: cb }) });
    return true;
  }
  throw new HttpError(404, 'HR_E_NOT_FOUND', `${url.pathname.slice(0, 100)}: no such API path; see "headroom help serve"`);
}
