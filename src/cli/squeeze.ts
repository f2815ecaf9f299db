import { parseDuration } from '../core/duration.js';
import { ExitCode, invalidInput } from '../core/errors.js';
import { parseSlo, parseSlos, type SloClause } from '../core/slo.js';
import { formatSqueezeReport, type SqueezeReport } from '../core/squeeze-report.js';
import type { SqueezeOptions } from '../core/squeeze-types.js';
import { runSqueeze, stepLine, type SqueezeRunOptions } from '../squeeze/run-squeeze.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { registerCommand } from './main.js';
import { RECORDING_FLAGS, RECORDING_USAGE, RunRecording, type RecordingFlags } from './run-recording.js';
import { squeezeResultRecord } from '../store/squeeze-record.js';
import { describeWorkload, readWorkloadFile, workloadTargets } from './workload-flags.js';

const usage = `usage: headroom squeeze URL --slo EXPR [--slo EXPR ...] [flags]

Finds the highest rate URL sustains within its SLO: baseline at --min-rate, geometric
ramp (smaller steps near the limits), noise-checked holds, soft stop when a guard breaks
on two windows in a row, a bracketed search to --resolution, and a confirm soak. A hard
breach (p99 over 1.5× the SLO, errors over 5× it, or --error-budget spent) drops the
load to the baseline within one second.

  --slo EXPR             p50|p90|p99|p999<N(ms|s) or errors<N% (repeatable; without an
                         errors clause, errors<1% is added)
  --min-rate R           baseline rate, req/s (default 10)
  --max-rate R           highest rate tried, req/s (default 10000)
  --step-duration D      hold per step, warm-up included (default 20s; at least 2s)
  --warmup D             discarded at the start of each step (default a quarter of the step)
  --resolution P         stop refining when the bracket is within P (default 2%; 0.5%..50%)
  --mode rate|concurrency  open model (default) or closed model: raise virtual users until
                         throughput stops growing (erlperf-style squeeze)
  --min-concurrency N    concurrency mode: first pass (default 1)
  --max-concurrency N    concurrency mode: last pass (default 256)
  --on-hard-breach resume|end  after a hard breach: refine below it (default) or stop
  --error-budget N       failed requests the whole search may cause (default unlimited)
  --threads N            generator threads (default: number of cores)
  --timeout D            per-request timeout (default 10s)
  --max-connections N    most connections at once (default 1000)
  --workload FILE        send the endpoint mix of a model from "headroom trace workload"
                         (its paths appended to URL) instead of GET URL; the rate is the search's
  --json                 print the report as JSON on stdout
${RECORDING_USAGE}

Load goes only to loopback (127.0.0.0/8, ::1) unless HEADROOM_ALLOW_REMOTE=1.
Exit codes: 0 capacity found, 2 invalid input (nothing was sent), 4 no capacity
(no headroom at the minimum rate, generator-bound, aborted), 130 interrupted.`;

const flags = {
  slo: { type: 'string', multiple: true },
  'min-rate': { type: 'string' },
  'max-rate': { type: 'string' },
  'step-duration': { type: 'string' },
  warmup: { type: 'string' },
  resolution: { type: 'string' },
  mode: { type: 'string' },
  'min-concurrency': { type: 'string' },
  'max-concurrency': { type: 'string' },
  'on-hard-breach': { type: 'string' },
  'error-budget': { type: 'string' },
  threads: { type: 'string' },
  timeout: { type: 'string' },
  'max-connections': { type: 'string' },
  workload: { type: 'string' },
  json: { type: 'boolean' },
  ...RECORDING_FLAGS,
} as const;

function positive(text: string | undefined, flag: string, code: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw invalidInput(code, `${flag}: expected a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return v;
}

/** `2%`, `2` (percent) or `0.5%` → a fraction. */
export function parseResolution(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const v = m ? Number(m[1]) / 100 : NaN;
  if (!(v >= 0.005 && v <= 0.5)) {
    throw invalidInput('HR_E_BAD_RESOLUTION', `--resolution: expected a percentage between 0.5% and 50%, got "${text}"`);
  }
  return v;
}

/** Turns `headroom squeeze` flags into run options; throws one-line errors naming the flag. */
export function squeezeOptionsFromFlags(argv: string[], cwd = process.cwd()): { options: SqueezeRunOptions; json: boolean; record: RecordingFlags; notes: string[] } {
  // "--min-rate -5" would read as a flag; join it so that the message can name the value.
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && a.slice(2) in flags && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  const { values: v, positionals } = parseFlags(joined, flags, 'squeeze');
  if (positionals.length !== 1) {
    throw invalidInput('HR_E_BAD_URL', `URL: expected exactly one target URL, e.g. http://127.0.0.1:8080/, got ${positionals.length}`);
  }
  const slo: SloClause[] = parseSlos(v.slo ?? []);
  if (!slo.some((c) => c.kind === 'errors')) slo.push(parseSlo('errors<1%'));
  const mode = v.mode ?? 'rate';
  if (mode !== 'rate' && mode !== 'concurrency') throw invalidInput('HR_E_USAGE', `--mode: expected "rate" or "concurrency", got "${mode}"`);
  const onHard = v['on-hard-breach'] ?? 'resume';
  if (onHard !== 'resume' && onHard !== 'end') throw invalidInput('HR_E_USAGE', `--on-hard-breach: expected "resume" or "end", got "${onHard}"`);
  let errorBudget: number | undefined;
  if (v['error-budget'] !== undefined) {
    errorBudget = Number(v['error-budget']);
    if (!(Number.isInteger(errorBudget) && errorBudget >= 0)) {
      throw invalidInput('HR_E_BAD_BUDGET', `--error-budget: expected a whole number of failed requests ≥ 0, got "${v['error-budget']}"`);
    }
  }
  const o: Partial<SqueezeOptions> = { mode, slo, onHardBreach: onHard };
  const set = <K extends keyof SqueezeOptions>(k: K, x: SqueezeOptions[K] | undefined) => {
    if (x !== undefined) o[k] = x;
  };
  set('minRate', positive(v['min-rate'], '--min-rate', 'HR_E_BAD_RATE'));
  set('maxRate', positive(v['max-rate'], '--max-rate', 'HR_E_BAD_RATE'));
  if (v['step-duration'] !== undefined) set('stepDurationS', parseDuration(v['step-duration'], '--step-duration') / 1000);
  if (v.warmup !== undefined) set('warmupS', Math.round(parseDuration(v.warmup, '--warmup') / 1000));
  if (v.resolution !== undefined) set('resolution', parseResolution(v.resolution));
  set('minConcurrency', positive(v['min-concurrency'], '--min-concurrency', 'HR_E_BAD_VUS', true));
  set('maxConcurrency', positive(v['max-concurrency'], '--max-concurrency', 'HR_E_BAD_VUS', true));
  set('errorBudget', errorBudget);
  const options: SqueezeRunOptions = { ...o, slo, url: positionals[0]! };
  const threads = positive(v.threads, '--threads', 'HR_E_BAD_THREADS', true);
  if (threads !== undefined) options.threads = threads;
  if (v.timeout !== undefined) options.timeoutMs = parseDuration(v.timeout, '--timeout');
  const mc = positive(v['max-connections'], '--max-connections', 'HR_E_BAD_CONNECTIONS', true);
  if (mc !== undefined) options.maxConnections = mc;
  const notes: string[] = [];
  if (v.workload !== undefined) {
    // The mix only: the squeeze searches the rate itself, so the model's rate is not used.
    const model = readWorkloadFile(v.workload, cwd);
    const t = workloadTargets(model, options.url, 1);
    options.requests = t.url;
    notes.push(describeWorkload(v.workload, model, t), ...t.notes.map((n) => `headroom: ${n}\n`));
  }
  return { options, json: Boolean(v.json), record: { store: v.store, 'no-store': v['no-store'], report: v.report }, notes };
}

/** The exit code of a finished squeeze (docs/errors.md). */
export function squeezeExitCode(rep: SqueezeReport, interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  return rep.capacity_rps !== null ? ExitCode.ok : ExitCode.noCapacity;
}

/** Runs a squeeze with progress on stderr and the report on stderr (or JSON on stdout). */
export async function squeezeWithReport(options: SqueezeRunOptions, json: boolean, io: CliIo): Promise<{ report: SqueezeReport; code: number }> {
  const report = await runSqueeze({
    ...options,
    signal: io.signal,
    onStep: (s) => {
      options.onStep?.(s);
      io.stderr.write(`${io.isTTY ? '\r\x1b[K' : ''}${stepLine(s)}\n`);
    },
    onSecond: (s, cmds) => {
      options.onSecond?.(s, cmds);
      if (io.isTTY) io.stderr.write(`\r\x1b[K[${s.t}s] ${s.achieved_rps} req/s  p99 ${s.latency_ms.p99.toFixed(1)} ms`);
    },
  });
  if (io.isTTY) io.stderr.write('\r\x1b[K');
  io.stderr.write('\n' + formatSqueezeReport(report));
  if (json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return { report, code: squeezeExitCode(report, io.signal.aborted) };
}

registerCommand({
  name: 'squeeze',
  summary: 'find the highest rate a target sustains within its SLO, with safety gates',
  usage,
  async run(argv, io) {
    const { options, json, record, notes } = squeezeOptionsFromFlags(argv, io.cwd);
    for (const n of notes) io.stderr.write(n);
    options.allowRemote = io.env.HEADROOM_ALLOW_REMOTE === '1';
    // The store opens before any load is sent; seconds and steps are recorded as they come.
    const recording = await RunRecording.open('squeeze', record, argv, options.url, io);
    // Attached to the load itself: its seconds as they come, and at the end its merged histograms.
    options.onStart = (load) => recording?.attach(load);
    options.onStep = (s) => recording?.addStep(s);
    let done: Awaited<ReturnType<typeof squeezeWithReport>>;
    try {
      done = await squeezeWithReport(options, json, io);
    } catch (e) {
      await recording?.failed(e);
      throw e;
    }
    const { report, code } = done;
    await recording?.finish(null, code, io.signal.aborted, squeezeResultRecord(report));
    return code;
  },
});
