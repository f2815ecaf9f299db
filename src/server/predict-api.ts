import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidInput } from '../core/errors.js';
import { getPrediction, listPredictions } from '../store/predictions.js';
import type { Store } from '../store/store.js';
import { HttpError, sendJson } from './http-util.js';

/**
 * The API over stored forecasts and plans (`headroom predict`, issue #6):
 *
 *   GET /api/forecasts?limit=N     {forecasts: [summary...]}, newest first
 *   GET /api/forecasts/:id         {forecast: {summary..., config, doc}}; doc.chart is what the page draws
 *   GET /api/plans?limit=N         {plans: [summary...]}
 *   GET /api/plans/:id             {plan: {summary..., config, doc}}
 *
 * Returns false when the path is not one of these.
 */
export async function handlePredictApi(store: Store, req: IncomingMessage, res: ServerResponse, parts: string[], q: URLSearchParams): Promise<boolean> {
  const [resource, id, ...rest] = parts;
  if (resource !== 'forecasts' && resource !== 'plans') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new HttpError(405, 'HR_E_METHOD', `${req.method} /api/${resource}: method not allowed; expected GET`);
  }
  if (rest.length > 0) throw new HttpError(404, 'HR_E_NOT_FOUND', `/api/${parts.join('/').slice(0, 100)}: no such API path; see "headroom help serve"`);
  const kind = resource === 'forecasts' ? 'forecast' : 'plan';
  if (!id) {
    sendJson(res, 200, { [resource]: await listPredictions(store, kind, limitParam(q)) });
    return true;
  }
  for (const key of q.keys()) throw invalidInput('HR_E_BAD_QUERY', `${JSON.stringify(key.slice(0, 40))}: unknown query parameter; expected none`);
  sendJson(res, 200, { [kind]: await getPrediction(store, kind, id) });
  return true;
}

function limitParam(q: URLSearchParams): number {
  for (const key of q.keys()) {
    if (key !== 'limit') throw invalidInput('HR_E_BAD_QUERY', `${JSON.stringify(key.slice(0, 40))}: unknown query parameter; expected limit`);
  }
  const v = q.get('limit');
  if (v === null) return 100;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) {
    throw invalidInput('HR_E_BAD_QUERY', `limit: expected an integer from 1 to 1000, got ${JSON.stringify(v.slice(0, 40))}`);
  }
  return Number(v);
}
