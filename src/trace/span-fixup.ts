import type { TraceDb } from './db.js';

/**
 * After an OTLP import, resolves who called whom from the span tree (OTel trace model:
 * a CLIENT span and its SERVER child are the two ends of one call):
 * - a span without a client (or with only an address) takes its parent span's service
 *   (the caller), or else the address, its own service for a root CLIENT span, or `unknown`;
 * - a CLIENT span with a SERVER child takes the child's service as its callee; the SERVER
 *   child is marked not `counted`, so one call is not counted twice. The client end is
 *   kept because it carries the full URL (url.full with the query), which the duplicate
 *   and polling detectors need; the server end often has only url.path.
 */
export async function fixupSpans(db: TraceDb, importId: number): Promise<void> {
  await db.run(
    `UPDATE trace_requests r SET client = p.service
     FROM trace_requests p
     WHERE r.import_id = $1 AND p.import_id = $1 AND (r.client = '' OR r.client[1] = chr(0)) AND r.parent_id = p.span_id AND r.trace_id = p.trace_id`,
    [importId],
  );
  await db.run(
    `UPDATE trace_requests SET client = CASE WHEN client <> '' THEN client[2:] WHEN kind = 'client' THEN service ELSE 'unknown' END
     WHERE import_id = $1 AND (client = '' OR client[1] = chr(0))`,
    [importId],
  );
  await db.run(
    `UPDATE trace_requests r SET service = c.service
     FROM trace_requests c
     WHERE r.import_id = $1 AND c.import_id = $1 AND r.kind = 'client' AND c.kind = 'server'
       AND c.parent_id = r.span_id AND c.trace_id = r.trace_id`,
    [importId],
  );
  await db.run(
    `UPDATE trace_requests r SET counted = false
     FROM trace_requests p
     WHERE r.import_id = $1 AND p.import_id = $1 AND r.kind = 'server' AND p.kind = 'client'
       AND r.parent_id = p.span_id AND r.trace_id = p.trace_id`,
    [importId],
  );
}
