import { invalidInput } from '../errors.js';

/**
 * Parsing of demand series from untrusted text: CSV or JSON of (timestamp, value), and
 * batch CSV with one series per row (`id,v1,v2,...`). Pure: takes text, returns points;
 * every error names the row and the field (exit code 2).
 */

/** One observation as read, before regularisation. `value` is NaN when missing. */
export interface RawPoint {
  t: number;
  value: number;
  /** 1-based line (CSV) or element index (JSON) for error messages. */
  row: number;
}

const MISSING = new Set(['', 'na', 'nan', 'null', 'none', '-']);
const TIME_FIELDS = ['timestamp', 'time', 't', 'ds', 'date', 'datetime'];
const VALUE_FIELDS = ['value', 'v', 'y', 'count', 'rps'];

/**
 * Parses a timestamp: ISO 8601 (`2014-07-01T00:00:00Z`), `YYYY-MM-DD[ HH:MM[:SS]]`
 * (naive times are read as UTC so that hours of day stay as written), or Unix
 * seconds / milliseconds. Returns NaN when unparsable.
 *
 * @example
 * parseTimestamp('2014-07-01 00:30:00') // 1404174600000
 */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // Seconds until the year 5138; milliseconds beyond that (both are common exports).
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, hh = '0', mi = '0', ss = '0', frac, tz] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 60) return NaN;
  let ms = Date.UTC(Number(y), month - 1, day, Number(hh), Number(mi), Number(ss)) + (frac ? Math.round(Number(frac) * 1000) : 0);
  if (new Date(ms).getUTCDate() !== day) return NaN; // 2014-02-30
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/**
 * Splits one CSV line (RFC 4180 quotes, no embedded newlines).
 *
 * @example
 * splitCsvLine('a,"b,c",d') // ['a', 'b,c', 'd']
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function parseValue(text: string, where: string): number {
  const s = text.trim();
  if (MISSING.has(s.toLowerCase())) return NaN;
  const v = Number(s);
  if (!Number.isFinite(v)) {
    throw invalidInput('HR_E_SERIES_VALUE', `${where}: expected a number (or an empty field for a missing value), got "${s.slice(0, 40)}"`);
  }
  return v;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/**
 * Parses CSV `timestamp,value` (header optional; with a header the columns may be named
 * `timestamp|time|ds|date` and `value|y|...`, or `valueColumn` picks one).
 *
 * @example
 * parseSeriesCsv('timestamp,value\n2024-01-01 00:00,5\n', 'demand.csv')
 */
export function parseSeriesCsv(text: string, source: string, valueColumn?: string): RawPoint[] {
  const ls = lines(text);
  let first = 0;
  while (first < ls.length && ls[first]!.trim() === '') first++;
  if (first >= ls.length) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: expected rows of timestamp,value, got an empty file`);
  const head = splitCsvLine(ls[first]!).map((h) => h.trim().toLowerCase());
  const hasHeader = Number.isNaN(parseTimestamp(head[0] ?? ''));
  let ti = 0;
  let vi = 1;
  if (hasHeader) {
    const tIdx = head.findIndex((h) => TIME_FIELDS.includes(h));
    ti = tIdx >= 0 ? tIdx : 0;
    if (valueColumn) {
      vi = head.indexOf(valueColumn.toLowerCase());
      if (vi < 0) throw invalidInput('HR_E_SERIES_COLUMN', `--column: no column "${valueColumn}" in ${source}; columns are ${head.join(', ')}`);
    } else {
      const vIdx = head.findIndex((h) => VALUE_FIELDS.includes(h));
      vi = vIdx >= 0 ? vIdx : ti === 0 ? 1 : 0;
    }
  } else if (valueColumn) {
    throw invalidInput('HR_E_SERIES_COLUMN', `--column: ${source} has no header row to find "${valueColumn}" in`);
  }
  const out: RawPoint[] = [];
  for (let i = first + (hasHeader ? 1 : 0); i < ls.length; i++) {
    const line = ls[i]!;
    if (line.trim() === '') continue;
    const f = splitCsvLine(line);
    const row = i + 1;
    const tText = f[ti];
    if (tText === undefined || f.length <= vi) {
      throw invalidInput('HR_E_SERIES_VALUE', `${source} row ${row}: expected ${Math.max(ti, vi) + 1} fields (timestamp,value), got ${f.length}`);
    }
    const t = parseTimestamp(tText);
    if (Number.isNaN(t)) {
      throw invalidInput('HR_E_SERIES_TIMESTAMP', `${source} row ${row} field "${hasHeader ? head[ti] : 'timestamp'}": expected a timestamp like 2024-01-31 13:00:00 or Unix seconds, got "${tText.trim().slice(0, 40)}"`);
    }
    out.push({ t, value: parseValue(f[vi]!, `${source} row ${row} field "${hasHeader ? head[vi] : 'value'}"`), row });
  }
  if (out.length === 0) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: expected rows of timestamp,value, got a header only`);
  return out;
}

/**
 * Parses JSON: an array of `{timestamp, value}` objects (also `t|time|ds` and `v|y`), of
 * `[timestamp, value]` pairs, or an object with such an array under `points`.
 *
 * @example
 * parseSeriesJson('[{"timestamp":"2024-01-01T00:00:00Z","value":5}]', 'demand.json')
 */
export function parseSeriesJson(text: string, source: string): RawPoint[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalidInput('HR_E_SERIES_JSON', `${source}: expected JSON, ${(e as Error).message.split('\n')[0]}`);
  }
  const arr = Array.isArray(doc) ? doc : (doc as { points?: unknown })?.points;
  if (!Array.isArray(arr)) throw invalidInput('HR_E_SERIES_JSON', `${source}: expected an array of {timestamp, value} or an object with "points"`);
  if (arr.length === 0) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: expected at least one point, got an empty array`);
  return arr.map((el: unknown, i) => {
    let tRaw: unknown;
    let vRaw: unknown;
    if (Array.isArray(el)) [tRaw, vRaw] = el;
    else if (el && typeof el === 'object') {
      const o = el as Record<string, unknown>;
      tRaw = TIME_FIELDS.map((k) => o[k]).find((x) => x !== undefined);
      vRaw = VALUE_FIELDS.map((k) => o[k]).find((x) => x !== undefined);
    }
    const where = `${source} element ${i}`;
    const t = typeof tRaw === 'number' ? parseTimestamp(String(tRaw)) : typeof tRaw === 'string' ? parseTimestamp(tRaw) : NaN;
    if (Number.isNaN(t)) throw invalidInput('HR_E_SERIES_TIMESTAMP', `${where} field "timestamp": expected a timestamp, got ${JSON.stringify(tRaw)?.slice(0, 40)}`);
    let value: number;
    if (vRaw === null || vRaw === undefined) value = NaN;
    else if (typeof vRaw === 'number' && Number.isFinite(vRaw)) value = vRaw;
    else if (typeof vRaw === 'string') value = parseValue(vRaw, `${where} field "value"`);
    else throw invalidInput('HR_E_SERIES_VALUE', `${where} field "value": expected a number, got ${JSON.stringify(vRaw).slice(0, 40)}`);
    return { t, value, row: i };
  });
}

/** One row of a batch file: an id and its values, oldest first (NaN = missing). */
export interface BatchRow {
  id: string;
  values: Float64Array;
}

/**
 * Parses batch CSV: one series per row, `id,v1,v2,...`, ragged lengths allowed; a first
 * row whose second field is not numeric is taken as a header.
 *
 * @example
 * parseBatchCsv('svc-a,1,2,3\nsvc-b,4,5\n', 'fleet.csv')
 */
export function parseBatchCsv(text: string, source: string): BatchRow[] {
  const ls = lines(text);
  const out: BatchRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < ls.length; i++) {
    const line = ls[i]!;
    if (line.trim() === '') continue;
    const f = splitCsvLine(line);
    if (out.length === 0 && seen.size === 0 && f.length > 1 && Number.isNaN(Number(f[1]!.trim())) && !MISSING.has(f[1]!.trim().toLowerCase())) {
      seen.add('\u0000header');
      continue;
    }
    const id = f[0]!.trim();
    if (id === '') throw invalidInput('HR_E_SERIES_VALUE', `${source} row ${i + 1} field 1 (id): expected a series id, got an empty field`);
    if (seen.has(id)) throw invalidInput('HR_E_SERIES_VALUE', `${source} row ${i + 1} field 1 (id): duplicate series id "${id.slice(0, 40)}"`);
    seen.add(id);
    let end = f.length;
    while (end > 1 && f[end - 1]!.trim() === '') end--; // ragged rows padded with commas
    const values = new Float64Array(end - 1);
    for (let j = 1; j < end; j++) values[j - 1] = parseValue(f[j]!, `${source} row ${i + 1} field ${j + 1} (id "${id.slice(0, 40)}")`);
    out.push({ id, values });
  }
  if (out.length === 0) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: expected rows of id,v1,v2,..., got an empty file`);
  return out;
}
