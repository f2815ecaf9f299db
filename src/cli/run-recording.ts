import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ExitCode, invalidInput, isHeadroomError } from '../core/errors.js';
import type { LoadDriver, RunSummary, SecondSample } from '../core/load-types.js';
import { redactArgv, redactUrl } from '../core/redact.js';
import { renderReport } from '../server/report.js';
import { RunRecorder } from '../store/recorder.js';
import { Store } from '../store/store.js';
import type { RunKind, RunRecord, RunStatus, SqueezeResultRecord, SqueezeStepRecord } from '../store/types.js';
import type { CliIo } from './io.js';
import { writeFileAtomic } from './report.js';
import { storePathFrom } from './store-flags.js';
import type { SqueezeStep } from '../core/squeeze-types.js';
import { stepRecord } from '../store/squeeze-record.js';

/** The flags `headroom run` and `headroom squeeze` take for recording and reporting. */
export const RECORDING_FLAGS = {
  store: { type: 'string' },
  'no-store': { type: 'boolean' },
  report: { type: 'string' },
} as const;

export const RECORDING_USAGE = `  --store PATH           record the run in this store (default .headroom/headroom.duckdb)
  --no-store             do not record the run
  --report FILE          write a self-contained HTML report at the end`;

export interface RecordingFlags {
  store?: string;
  'no-store'?: boolean;
  report?: string;
}

/** Set by `headroom serve` when it starts a run, so it knows the run's id before the run starts. */
export const RUN_ID_ENV = 'HEADROOM_RUN_ID';

/**
 * Records one `run` or `squeeze` command: opens the store before any load is sent (so a
 * store problem is a clear error up front, not after the test), records every second
 * while the load runs, and at the end stores the summary and writes the --report file.
 *
 * @example
 * const rec = await RunRecording.open('run', values, argv, url, io);
 * const { summary } = await runWithProgress(options, io, series, (load) => rec?.attach(load));
 * await rec?.finish(summary, ExitCode.ok, false);
 */
export class RunRecording {
  private recorder: RunRecorder | null = null;
  private readonly samples: SecondSample[] = [];
  private readonly steps: SqueezeStepRecord[] = [];
  private histogramSource: (() => { latency: string; service: string }) | null = null;
  private readonly startedAt = Date.now();
  readonly runId: string;

  private constructor(
    private readonly kind: RunKind,
    private readonly store: Store | null,
    private readonly reportPath: string | null,
    private readonly target: string | null,
    private readonly config: Record<string, unknown>,
    private readonly io: CliIo,
  ) {
    const fromEnv = io.env[RUN_ID_ENV];
    this.runId = fromEnv && /^[A-Za-z0-9-]{1,64}$/.test(fromEnv) ? fromEnv : '';
  }

  /** Validates the recording flags and opens the store; null when nothing is to be recorded or reported. */
  static async open(kind: RunKind, flags: RecordingFlags, argv: string[], target: string | null, io: CliIo): Promise<RunRecording | null> {
    if (flags['no-store'] && flags.store !== undefined) {
      throw invalidInput('HR_E_USAGE', '--no-store: cannot be used with --store PATH; choose one');
    }
    let reportPath: string | null = null;
    if (flags.report !== undefined) {
      reportPath = isAbsolute(flags.report) ? flags.report : join(io.cwd, flags.report);
      const dir = dirname(reportPath);
      if (flags.report === '' || !existsSync(dir) || !statSync(dir).isDirectory()) {
        throw invalidInput('HR_E_BAD_REPORT', `--report: cannot write "${flags.report}": its folder does not exist`);
      }
    }
    // hold: the file stays open between the one-second flushes until another process asks for it (db.ts).
    const store = flags['no-store'] ? null : await Store.open(storePathFrom(flags.store, io.cwd), { hold: true });
    if (!store && !reportPath) return null;
    return new RunRecording(kind, store, reportPath, target, { argv: redactArgv(argv) }, io);
  }

  /** Records a load's seconds (call from the engine's start hook). */
  attach(load: Pick<LoadDriver, 'onSecond'> & { encodedHistograms?(): { latency: string; service: string } }): void {
    load.onSecond((s) => this.add(s));
    this.histogramSource = load.encodedHistograms ? () => load.encodedHistograms!() : null;
  }

  /**
   * Records one second. The run enters the store with its first second, once the load
   * has really started: bad input found while starting leaves nothing behind.
   */
  add(s: SecondSample): void {
    this.samples.push(s);
    if (!this.store) return;
    if (!this.recorder) {
      this.recorder = RunRecorder.begin(this.store, {
        kind: this.kind, target: this.target, config: this.config, startedAt: this.startedAt, ...(this.runId ? { id: this.runId } : {}),
      }, { onError: (e) => this.io.stderr.write(`headroom: store: a flush failed, will retry: ${e.message.split('\n')[0]}\n`) });
      this.io.stderr.write(`headroom: recording as run ${this.recorder.runId} (${this.store.path})\n`);
    }
    this.recorder.add(s);
  }

  /** Records a squeeze step as soon as the controller has judged it. */
  addStep(step: SqueezeStep): void {
    const record = stepRecord(step, this.steps.length ? this.steps[this.steps.length - 1]!.t_end : 0);
    this.steps.push(record);
    this.recorder?.addSqueezeStep(record);
  }

  /**
   * The load failed. Bad input found once the load had started (a host that does not
   * resolve) leaves nothing in the store; any other failure is recorded as failed.
   */
  async failed(e: unknown): Promise<void> {
    if (!this.recorder) return this.store?.release();
    try {
      if (isHeadroomError(e) && e.exitCode === ExitCode.invalidInput) await this.recorder.discard();
      else await this.recorder.finish({ status: 'failed', summary: null, exitCode: isHeadroomError(e) ? e.exitCode : ExitCode.internal });
    } catch {
      // The store error is secondary: the load's error is the one to report.
    }
  }

  /** The run's end: status from the exit code, summary, squeeze result; then the report file. */
  async finish(
    summary: RunSummary | null,
    exitCode: number,
    interrupted: boolean,
    squeeze?: SqueezeResultRecord | null,
  ): Promise<void> {
    const status: Exclude<RunStatus, 'running'> = interrupted ? 'aborted'
      : exitCode === ExitCode.ok ? 'passed' : 'failed';
    if (this.recorder) {
      const histograms = this.histogramSource?.();
      await this.recorder.finish({ status, summary, exitCode, ...(histograms ? { histograms } : {}), ...(squeeze ? { squeeze } : {}) });
    }
    this.store?.release();
    if (this.reportPath && (this.recorder || this.samples.length)) {
      const id = this.recorder?.runId ?? 'unsaved';
      const run: RunRecord = {
        id, kind: this.kind, status, target: this.target === null ? null : redactUrl(this.target), config: this.config, labels: {},
        started_at: this.startedAt, ended_at: Date.now(), heartbeat_at: null, seconds: this.samples.length, summary, exit_code: exitCode,
        capacity_rps: squeeze?.capacity_rps ?? null,
      };
      const html = renderReport([{ run, series: this.samples, histograms: {}, squeeze: this.kind === 'squeeze' ? { steps: this.steps, result: squeeze ?? null } : null }],
        this.kind === 'squeeze' ? `#/squeeze/${id}` : `#/run/${id}`);
      writeFileAtomic(this.reportPath, html);
      this.io.stderr.write(`headroom: report written to ${this.reportPath}\n`);
    }
  }
}
