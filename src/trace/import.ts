import { basename } from 'node:path';
import type { ClientSource } from '../core/client-identity.js';
import { clfLineToRecord } from '../core/clf-records.js';
import { invalidInput } from '../core/errors.js';
import { harEntryToRecord } from '../core/har-records.js';
import { JsonArraySplitter } from '../core/json-array-splitter.js';
import { jsonlLineToRecord } from '../core/jsonl-records.js';
import { otlpResourceSpansToRecords } from '../core/otlp-records.js';
import type { MapOptions } from '../core/record-mapping.js';
import type { RouteTemplater } from '../core/route-template.js';
import type { TraceRecord } from '../core/trace-record.js';
import { headText, lines, sniffFormat, textChunks, type TraceFormat } from './read-source.js';

export interface ImportOptions {
  client: ClientSource;
  routes: RouteTemplater;
  /** Forced format; sniffed from the content when absent. */
  format?: TraceFormat;
  /** Largest share of bad lines/entries (0..1) before the import is refused. */
  maxBad: number;
}

export interface BadSample {
  ref: string;
  reason: string;
  /** The start of the offending text (at most 200 characters). */
  text: string;
}

export interface ImportStats {
  source: string;
  format: TraceFormat;
  records: number;
  bad: number;
  badSamples: BadSample[];
}

const MAX_SAMPLES = 10;

/**
 * Streams one file into `sink`, one normalised record at a time, in constant memory
 * (HAR and OTLP: bounded by the largest entry / resourceSpans). Malformed input is
 * counted and sampled; past `maxBad` the import throws HR_E_TRACE_BAD_INPUT so the caller
 * can roll back.
 *
 * @example
 * const stats = await importFile('access.log', { client: { kind: 'ip' }, routes: new RouteTemplater(), maxBad: 0.05 }, (r) => rows.push(r));
 */
export async function importFile(file: string, opts: ImportOptions, sink: (r: TraceRecord) => void): Promise<ImportStats> {
  const format = opts.format ?? sniffFormat(await headText(file, 4096));
  const source = basename(file);
  const stats: ImportStats = { source, format, records: 0, bad: 0, badSamples: [] };
  const map: MapOptions = { client: opts.client, routes: opts.routes, source };
  const badOne = (ref: string, reason: string, text: string) => {
    stats.bad++;
    if (stats.badSamples.length < MAX_SAMPLES) stats.badSamples.push({ ref, reason, text: text.slice(0, 200) });
  };
  const emit = (r: TraceRecord) => {
    stats.records++;
    sink(r);
  };
  const chunks = await textChunks(file);
  if (format === 'clf' || format === 'jsonl') {
    let n = 0;
    for await (const batch of lines(chunks)) {
      for (const line of batch) {
        n++;
        if (line.length === 0) continue;
        if (format === 'clf') {
          const r = clfLineToRecord(line, map, n);
          if (r) emit(r);
          else badOne(`${source}:${n}`, 'not a Common/Combined Log Format line', line);
        } else {
          const r = jsonlLineToRecord(line, opts.routes, `${source}:${n}`);
          if ('record' in r) emit(r.record);
          else badOne(`${source}:${n}`, r.error, line);
        }
      }
      checkBadShare(stats, opts.maxBad, 10_000);
    }
  } else {
    let index = 0;
    const onElement = (json: string) => {
      const i = index++;
      let v: unknown;
      try {
        v = JSON.parse(json);
      } catch {
        badOne(`${source}#${i}`, 'not JSON', json);
        return;
      }
      if (format === 'har') {
        const r = harEntryToRecord(v, map, i);
        if (r) emit(r);
        else badOne(`${source}#${i}`, 'HAR entry without startedDateTime, request.method or request.url', json);
      } else {
        const { records, bad } = otlpResourceSpansToRecords(v, map, i);
        for (const r of records) emit(r);
        for (let b = 0; b < bad; b++) badOne(`${source}#${i}`, 'span without a valid startTimeUnixNano', json);
      }
    };
    const targets = format === 'har' ? ['/log/entries'] : ['/resourceSpans', '/result/resourceSpans'];
    const splitter = new JsonArraySplitter(targets, onElement);
    for await (const chunk of chunks) {
      splitter.feed(chunk);
      checkBadShare(stats, opts.maxBad, 1000);
    }
    if (splitter.truncated) badOne(`${source}#${index}`, 'the JSON document ends early (truncated file?)', '');
    for (let k = 0; k < splitter.oversized; k++) badOne(`${source}`, 'an element larger than 64 MiB', '');
    if (stats.records === 0 && stats.bad === 0) {
      throw invalidInput('HR_E_TRACE_BAD_INPUT', `${source}: no ${format === 'har' ? 'log.entries' : 'resourceSpans'} found in the ${format.toUpperCase()} document`);
    }
  }
  checkBadShare(stats, opts.maxBad, 0);
  return stats;
}

/** Throws once the bad share is over the limit, after at least `minSeen` items. */
function checkBadShare(stats: ImportStats, maxBad: number, minSeen: number): void {
  const seen = stats.records + stats.bad;
  if (seen === 0 || seen < minSeen) return;
  if (stats.bad / seen > maxBad) {
    const first = stats.badSamples[0];
    throw invalidInput(
      'HR_E_TRACE_BAD_INPUT',
      `${stats.source}: ${stats.bad} of ${seen} ${stats.format} items are malformed (more than --max-bad ${+(maxBad * 100).toFixed(2)}%)` +
        (first ? `; first at ${first.ref}: ${first.reason}` : ''),
      `check --format (read as ${stats.format}), or raise --max-bad`,
    );
  }
}
