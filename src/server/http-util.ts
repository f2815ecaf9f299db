import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidInput, isHeadroomError, HeadroomError } from '../core/errors.js';

/** Error codes that mean "no such thing" rather than "bad request". */
const NOT_FOUND = new Set(['HR_E_RUN_NOT_FOUND', 'HR_E_NOT_FOUND', 'HR_E_NO_SQUEEZE', 'HR_E_PREDICTION_NOT_FOUND']);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Every failure becomes `{ "error": { "code", "message", "hint"? } }` with a status that
 * fits; an unexpected exception is logged where the operator sees it and answered with
 * HR_E_INTERNAL and no stack trace.
 */
export function sendError(res: ServerResponse, e: unknown, log: (line: string) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isHeadroomError(e)) {
    const status = e instanceof HttpError ? e.status : NOT_FOUND.has(e.code) ? 404 : e.code === 'HR_E_STORE_LOCKED' ? 503 : 400;
    sendJson(res, status, { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
    return;
  }
  log(`headroom serve: internal error: ${(e as Error)?.stack ?? String(e)}`);
  sendJson(res, 500, { error: { code: 'HR_E_INTERNAL', message: 'internal error; the server log has the details' } });
}

/** A HeadroomError that carries its own HTTP status. */
export class HttpError extends HeadroomError {
  constructor(readonly status: number, code: string, message: string, hint?: string) {
    super(code, message, 2, hint);
  }
}

const MAX_BODY = 64 * 1024;

/** Reads a JSON object body (at most 64 KiB); HR_E_BAD_REQUEST_BODY when it is not one. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'HR_E_BAD_REQUEST_BODY', `request body: expected content-type application/json, got "${type.slice(0, 60)}"`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'HR_E_BAD_REQUEST_BODY', `request body: expected at most ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw invalidInput('HR_E_BAD_REQUEST_BODY', 'request body: expected a JSON object, got text that is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidInput('HR_E_BAD_REQUEST_BODY', 'request body: expected a JSON object');
  }
  return body as Record<string, unknown>;
}
