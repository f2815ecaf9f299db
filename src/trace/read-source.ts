import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { invalidInput } from '../core/errors.js';

/** Input formats `headroom trace import` reads. */
export type TraceFormat = 'clf' | 'har' | 'otlp' | 'jsonl';
export const TRACE_FORMATS: readonly TraceFormat[] = ['clf', 'har', 'otlp', 'jsonl'];

/** A file as a stream of UTF-8 text chunks, gunzipped when it starts with the gzip magic. */
export async function textChunks(file: string): Promise<AsyncIterable<string>> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw invalidInput('HR_E_TRACE_FILE', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const s = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  s.setEncoding('utf8');
  raw.on('error', (e) => s.destroy(e));
  return s as AsyncIterable<string>;
}

/** Splits text chunks into lines (LF or CRLF), numbering from 1. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + chunk;
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.charCodeAt(p.length - 1) === 13) parts[i] = p.slice(0, -1);
    }
    yield parts;
  }
  if (rest.length > 0) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/**
 * Guesses the format from the first text of a file: a JSON document with `log.entries`
 * is HAR, one with `resourceSpans` is OTLP, a first line that is a JSON object is
 * headroom JSON Lines, anything else an access log.
 */
export function sniffFormat(head: string): TraceFormat {
  const t = head.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    if (/"resourceSpans"\s*:/.test(t)) return 'otlp';
    if (/"log"\s*:/.test(t) && (/"entries"\s*:/.test(t) || /"creator"\s*:|"version"\s*:/.test(t))) return 'har';
    return 'jsonl';
  }
  return 'clf';
}

/** The first `n` characters of a file's text (decompressed). */
export async function headText(file: string, n = 65536): Promise<string> {
  let out = '';
  const chunks = await textChunks(file);
  for await (const c of chunks) {
    out += c;
    if (out.length >= n) break;
  }
  const s = chunks as unknown as { destroy?: () => void };
  s.destroy?.();
  return out.slice(0, n);
}
