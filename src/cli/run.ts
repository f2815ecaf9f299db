import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../core/duration.js';
import { ExitCode, invalidInput } from '../core/errors.js';
import { parseStages } from '../core/rate-schedule.js';
import type { RunSummary } from '../core/load-types.js';
import { startLoad, type LoadRun } from '../load/engine.js';
import type { LoadOptions } from '../load/load-plan.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { registerCommand } from './main.js';
import { attachProgress, formatSummary } from './progress.js';
import { RECORDING_FLAGS, RECORDING_USAGE, RunRecording, type RecordingFlags } from './run-recording.js';
import { describeWorkload, parseScale, readWorkloadFile, workloadTargets } from './workload-flags.js';

const usage = `usage: headroom run URL [URL...] [flags]

Open model (default): --rate R --duration D, or --stages 0:1000/30s,1000:5000/60s
Closed model:         --vus N --duration D [--think 100ms]
Recorded workload:    headroom run BASE-URL --workload model.json [--scale 2] --duration D

  --rate R               arrival rate, requests per second
  --duration D           run length (30s, 2m); with --stages, their total by default
  --stages LIST          from:to/duration ramps and rate/duration holds, comma-separated
  --poisson              Poisson arrivals instead of evenly spaced ones
  --seed N               seed for Poisson arrivals and URL weights (default 1)
  --vus N                closed model: N virtual users, one connection each
  --think D              closed model: pause after each response
  --weights W,W,...      relative weights of the URLs (default equal)
  --workload FILE        replay a model from "headroom trace workload": its endpoint mix
                         (paths appended to the one BASE-URL) at its mean rate
  --scale N              with --workload: multiply the model's rate by N (default 1)
  -X, --method M         HTTP method (default GET)
  -H, --header 'K: V'    request header (repeatable)
  --body TEXT|@FILE      request body, literal or read from a file
  --timeout D            per-request timeout (default 10s)
  --max-connections N    open model: most connections at once (default 1000)
  --max-wait D           drop iterations that wait longer for a connection (default: the timeout)
  --pipelining N         requests in flight per connection (default 1)
  --threads N            generator threads (default: number of cores)
  --insecure             accept self-signed HTTPS certificates
  --threshold EXPR       p99<250ms, errors<1%, rate>=990, service_p99<50ms (repeatable); a failure exits 3
  --series FILE          write the per-second series as JSON Lines
  --json                 print the summary as JSON on stdout
${RECORDING_USAGE}

Load goes only to loopback (127.0.0.0/8, ::1) unless HEADROOM_ALLOW_REMOTE=1.
Exit codes: 0 ok, 2 invalid input, 3 a threshold failed, 130 interrupted (docs/errors.md).`;

const flags = {
  rate: { type: 'string' },
  duration: { type: 'string' },
  stages: { type: 'string' },
  poisson: { type: 'boolean' },
  seed: { type: 'string' },
  vus: { type: 'string' },
  think: { type: 'string' },
  weights: { type: 'string' },
  workload: { type: 'string' },
  scale: { type: 'string' },
  method: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  body: { type: 'string' },
  timeout: { type: 'string' },
  'max-connections': { type: 'string' },
  'max-wait': { type: 'string' },
  pipelining: { type: 'string' },
  threads: { type: 'string' },
  insecure: { type: 'boolean' },
  threshold: { type: 'string', multiple: true },
  series: { type: 'string' },
  json: { type: 'boolean' },
  ...RECORDING_FLAGS,
} as const;

function num(text: string | undefined, flag: string, code: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw invalidInput(code, `${flag}: expected a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return v;
}

/** Turns `headroom run` flags into LoadOptions; throws one-line errors naming the flag. */
export function optionsFromFlags(argv: string[], io: CliIo): { options: LoadOptions; json: boolean; series?: string; record: RecordingFlags } {
  // "--rate -5" would read as an ambiguous flag; join it so the message can name the bad value.
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2) : '';
    const next = argv[i + 1];
    if (name in flags && flags[name as keyof typeof flags].type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  const { values: v, positionals } = parseFlags(joined, flags, 'run');
  if (positionals.length === 0) throw invalidInput('HR_E_BAD_URL', 'URL: expected at least one target URL, e.g. http://127.0.0.1:8080/');
  let weights: number[] | undefined;
  if (v.weights !== undefined) {
    weights = v.weights.split(',').map((w) => num(w, '--weights', 'HR_E_BAD_URL')!);
    if (weights.length !== positionals.length) {
      throw invalidInput('HR_E_BAD_URL', `--weights: expected ${positionals.length} weights (one per URL), got ${weights.length}`);
    }
  }
  const headers: Record<string, string> = {};
  for (const h of v.header ?? []) {
    const i = h.indexOf(':');
    // The value is not echoed: headers often carry tokens.
    if (i <= 0) throw invalidInput('HR_E_BAD_HEADER', `--header: expected "Name: value", got ${h.length} characters without a "Name:" part`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  let body: string | Uint8Array | undefined;
  if (v.body !== undefined) {
    if (v.body.startsWith('@')) {
      const file = resolve(io.cwd, v.body.slice(1));
      try {
        body = readFileSync(file);
      } catch (e) {
        throw invalidInput('HR_E_BAD_BODY', `--body: cannot read file "${v.body.slice(1)}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    } else body = v.body;
  }
  const options: LoadOptions = {
    url: positionals.map((url, i) => ({ url, weight: weights?.[i] ?? 1 })),
    method: v.method,
    headers,
    body,
    rate: num(v.rate, '--rate', 'HR_E_BAD_RATE'),
    stages: v.stages !== undefined ? parseStages(v.stages) : undefined,
    poisson: v.poisson,
    seed: v.seed !== undefined ? num(v.seed, '--seed', 'HR_E_USAGE', true) : undefined,
    vus: num(v.vus, '--vus', 'HR_E_BAD_VUS', true),
    thinkMs: v.think !== undefined ? parseDuration(v.think, '--think') : undefined,
    durationMs: v.duration !== undefined ? parseDuration(v.duration, '--duration') : undefined,
    threads: num(v.threads, '--threads', 'HR_E_BAD_THREADS', true),
    maxConnections: num(v['max-connections'], '--max-connections', 'HR_E_BAD_CONNECTIONS', true),
    maxWaitMs: v['max-wait'] !== undefined ? parseDuration(v['max-wait'], '--max-wait') : undefined,
    pipelining: num(v.pipelining, '--pipelining', 'HR_E_BAD_PIPELINING', true),
    timeoutMs: v.timeout !== undefined ? parseDuration(v.timeout, '--timeout') : undefined,
    insecure: v.insecure,
    thresholds: v.threshold,
    allowRemote: io.env.HEADROOM_ALLOW_REMOTE === '1',
  };
  if (v.workload !== undefined && v.weights !== undefined) throw invalidInput('HR_E_USAGE', '--weights: cannot be used with --workload (the model gives the mix)');
  if (v.workload !== undefined) applyWorkload(options, v.workload, v.scale, io);
  else if (v.scale !== undefined) throw invalidInput('HR_E_USAGE', '--scale: only with --workload FILE (it multiplies the model\'s rate)');
  if (options.durationMs === undefined && !options.stages) {
    throw invalidInput('HR_E_BAD_DURATION', '--duration: expected a run length such as 30s (required unless --stages is given)');
  }
  return { options, json: v.json ?? false, series: v.series, record: { store: v.store, 'no-store': v['no-store'], report: v.report } };
}

/**
 * `--workload FILE`: the model's endpoint mix against the one base URL, at its mean rate
 * × `--scale`. Flags that would contradict the model (another rate, one method or body
 * for all; --weights is checked by the caller) are errors rather than silently winning or losing.
 */
function applyWorkload(options: LoadOptions, file: string, scaleText: string | undefined, io: CliIo): void {
  const list = options.url as Array<{ url: string }>;
  if (list.length !== 1) throw invalidInput('HR_E_BAD_URL', `URL: with --workload, expected one base URL the model's paths are appended to, got ${list.length}`);
  const clash = (
    [['rate', options.rate], ['stages', options.stages], ['vus', options.vus], ['method', options.method], ['body', options.body]] as const
  ).find(([, x]) => x !== undefined);
  if (clash) throw invalidInput('HR_E_USAGE', `--${clash[0]}: cannot be used with --workload (the model gives the rate and the request mix; use --scale)`);
  const scale = parseScale(scaleText);
  const model = readWorkloadFile(file, io.cwd);
  const t = workloadTargets(model, list[0]!.url, scale);
  if (!(t.rate > 0)) throw invalidInput('HR_E_BAD_WORKLOAD', `--workload: "${file}" has a mean rate of 0 req/s; there is nothing to replay`);
  options.url = t.url;
  options.rate = t.rate;
  io.stderr.write(describeWorkload(file, model, t, scale));
  for (const n of t.notes) io.stderr.write(`headroom: ${n}\n`);
}

/** Runs a load with progress on stderr; the shared path of `headroom run` and `headroom demo`. */
export async function runWithProgress(
  options: LoadOptions,
  io: CliIo,
  seriesFile?: string,
  onStart?: (load: LoadRun) => void,
): Promise<{ summary: RunSummary; interrupted: boolean }> {
  const load = startLoad(options); // throws on invalid options, before anything is written
  let fd: number | undefined;
  if (seriesFile !== undefined) {
    try {
      fd = openSync(resolve(io.cwd, seriesFile), 'w');
    } catch (e) {
      void load.stop();
      await load.done.catch(() => {});
      throw invalidInput('HR_E_BAD_SERIES', `--series: cannot write "${seriesFile}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const f = fd;
    load.onSecond((s) => writeSync(f, JSON.stringify(s) + '\n'));
  }
  onStart?.(load);
  const detach = attachProgress(load, io.stderr, io.isTTY);
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    void load.stop();
  };
  if (io.signal.aborted) onAbort();
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const summary = await load.done;
    return { summary, interrupted };
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    detach();
    if (fd !== undefined) closeSync(fd);
  }
}

function firstUrl(o: LoadOptions): string | null {
  const u = Array.isArray(o.url) ? o.url[0] : o.url;
  return u === undefined ? null : typeof u === 'string' ? u : u.url;
}

registerCommand({
  name: 'run',
  summary: 'make HTTP load (open or closed model) and measure it without coordinated omission',
  usage,
  async run(argv, io) {
    const { options, json, series, record } = optionsFromFlags(argv, io);
    // The store opens before any load is sent: a store problem is an error up front.
    const recording = await RunRecording.open('run', record, argv, firstUrl(options), io);
    let result: Awaited<ReturnType<typeof runWithProgress>>;
    try {
      result = await runWithProgress(options, io, series, (load) => recording?.attach(load));
    } catch (e) {
      await recording?.failed(e);
      throw e;
    }
    const { summary, interrupted } = result;
    const code = interrupted ? ExitCode.interrupted : summary.thresholds.every((t) => t.ok) ? ExitCode.ok : ExitCode.thresholdsFailed;
    await recording?.finish(summary, code, interrupted);
    io.stderr.write(formatSummary(summary));
    if (json) io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return code;
  },
});
