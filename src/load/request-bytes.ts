/**
 * Serialises an HTTP/1.1 request once (RFC 9112 §3), so that sending it is one socket
 * write of the same bytes. Host, User-Agent and Content-Length are added unless given.
 *
 * @example
 * const bytes = serializeRequest(new URL('http://127.0.0.1:8080/x?y=1'), 'GET', {}, undefined);
 */
export function serializeRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
): Uint8Array {
  const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  const lines = [`${method} ${url.pathname || '/'}${url.search} HTTP/1.1`];
  if (!lower.has('host')) lines.push(`Host: ${url.host}`);
  if (!lower.has('user-agent')) lines.push('User-Agent: headroom/0.1');
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body && !lower.has('content-length')) lines.push(`Content-Length: ${body.length}`);
  else if (!body && (method === 'POST' || method === 'PUT' || method === 'PATCH') && !lower.has('content-length')) {
    lines.push('Content-Length: 0');
  }
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
