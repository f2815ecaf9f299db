import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { invalidInput } from '../core/errors.js';
import type { LoadDriver, SecondSample } from '../core/load-types.js';
import { ConcurrencySqueeze } from '../core/concurrency-squeeze.js';
import { SqueezeController } from '../core/squeeze-controller.js';
import { resolveSqueezeOptions } from '../core/squeeze-options.js';
import { buildSqueezeReport, type SqueezeReport } from '../core/squeeze-report.js';
import type { SqueezeCommand, SqueezeOptions, SqueezeStep } from '../core/squeeze-types.js';
import { startLoad } from '../load/engine.js';
import { planLoad, resolveEndpoint, type LoadOptions } from '../load/load-plan.js';

/** A squeeze against a URL with the synthetic load engine. */
export type SqueezeRunOptions = Partial<SqueezeOptions> & Pick<SqueezeOptions, 'slo'> & SqueezeTargetOptions;

/** Where and how to send the load. */
export interface SqueezeTargetOptions {
  url: string;
  /**
   * The requests to send instead of GET `url`: a weighted mix, all on `url`'s origin
   * (a replayed workload model). `url` is still the one the reachability check asks.
   */
  requests?: Array<{ url: string; weight: number; method?: string }>;
  /** Generator threads (default: the engine's default, one per core). */
  threads?: number;
  timeoutMs?: number;
  maxConnections?: number;
  allowRemote?: boolean;
  signal?: AbortSignal;
  /** Called with every second and the command(s) the controller answered with. */
  onSecond?: (s: SecondSample, commands: SqueezeCommand[]) => void;
  /** Called when a step has been judged. */
  onStep?: (step: SqueezeStep) => void;
  /** Called once with the load driver as it starts (the CLI's recorder attaches here). */
  onStart?: (driver: LoadDriver) => void;
  seed?: number;
}

/** Anything the controller can steer: the synthetic engine, later the traffic-shift proxy or agents. */
export interface SqueezeDriverFactory {
  (first: SqueezeCommand, maxDurationMs: number): LoadDriver & { done: Promise<unknown> };
}

/**
 * Runs a squeeze end to end: validates everything before the first request (SLO, range,
 * resolution, loopback, reachability), then lets the pure controller steer the load
 * engine one second at a time, and returns the report. The load is bounded: the run's
 * duration is capped at what the step limit allows, and it stops as soon as the
 * controller says so, or on `signal`.
 *
 * @example
 * const report = await runSqueeze({ url: 'http://127.0.0.1:8080/', slo: [parseSlo('p99<100ms')], maxRate: 2000 });
 */
export async function runSqueeze(o: SqueezeRunOptions, driverFactory?: SqueezeDriverFactory): Promise<SqueezeReport> {
  const opts = resolveSqueezeOptions(o);
  const controller = opts.mode === 'concurrency' ? new ConcurrencySqueeze(opts) : new SqueezeController(opts);
  const perStepS = opts.stepDurationS + opts.maxExtensions * opts.windowS + Math.max(10, 3 * opts.warmupS);
  const maxDurationMs = (opts.maxSteps * perStepS + 2 * opts.confirmDurationS) * 1000;
  const loadBase: LoadOptions = {
    url: o.requests ?? o.url,
    durationMs: maxDurationMs,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections } : {}),
    ...(o.allowRemote ? { allowRemote: true } : {}),
  };
  if (!driverFactory) await checkReachable(loadBase, opts, o.url);
  const first = controller.start();
  const factory: SqueezeDriverFactory =
    driverFactory ??
    ((cmd, durationMs) =>
      startLoad({
        ...loadBase,
        durationMs,
        ...(cmd.type === 'concurrency' ? { vus: Math.max(1, cmd.vus) } : { rate: cmd.type === 'rate' ? cmd.rps : opts.minRate }),
      }));
  const driver = factory(first[0]!, maxDurationMs);
  o.onStart?.(driver);
  let stopping: Promise<unknown> | null = null;
  let reported = 0;
  const apply = (cmds: SqueezeCommand[]) => {
    for (const c of cmds) {
      if (stopping) return;
      if (c.type === 'rate') driver.setRate(c.rps);
      else if (c.type === 'concurrency') driver.setConcurrency?.(c.vus);
      else stopping = driver.stop();
    }
  };
  apply(first.slice(1));
  const off = driver.onSecond((s) => {
    const cmds = controller.onSecond(s);
    o.onSecond?.(s, cmds);
    if (o.onStep && cmds.length > 0) {
      const steps = controller.result().steps;
      while (reported < steps.length) o.onStep(steps[reported++]!);
    }
    apply(cmds);
  });
  const onAbort = () => {
    if (!stopping) stopping = driver.stop();
  };
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await driver.done;
  } finally {
    off();
    o.signal?.removeEventListener('abort', onAbort);
  }
  const result = controller.result();
  if (!controller.finished) {
    result.outcome = 'aborted';
    result.capacity_rps = null;
    result.ci = null;
    result.message = o.signal?.aborted ? 'interrupted before the search finished' : `the load ended before the search finished (${result.message})`;
  }
  return buildSqueezeReport(result, { seed: o.seed ?? 1 });
}

/**
 * One request before any load, so that a wrong port is one clear line (exit 2) rather
 * than a squeeze of connection errors. Any HTTP answer, even an error status, counts as
 * reachable; the loopback rule is checked first so not even this request leaves it.
 */
async function checkReachable(base: LoadOptions, opts: SqueezeOptions, url: string): Promise<void> {
  const plan = planLoad({ ...base, ...(opts.mode === 'concurrency' ? { vus: 1 } : { rate: opts.minRate }), durationMs: 1000 });
  await resolveEndpoint(plan);
  const timeoutMs = Math.min(base.timeoutMs ?? 5000, 5000);
  const cause = await new Promise<string | null>((resolve) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: `no answer within ${timeoutMs}ms` })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
  if (cause !== null) {
    throw invalidInput('HR_E_UNREACHABLE', `URL: cannot reach ${url} (${cause}); nothing was squeezed`, 'is the target running and listening on that port?');
  }
}

/** Steps as one line each, for progress output. */
export function stepLine(s: SqueezeStep): string {
  const level = s.offered_rps !== null ? `${s.offered_rps} req/s` : `${s.concurrency} users`;
  return `step ${s.index} ${s.phase} ${level}: achieved ${s.achieved_rps} req/s, p99 ${s.p99_ms.toFixed(1)} ms, errors ${(s.error_rate * 100).toFixed(2)}% — ${s.verdict}${s.verdict !== 'good' && s.binding ? ` (${s.binding})` : ''}`;
}
