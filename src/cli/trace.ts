import { invalidInput } from '../core/errors.js';
import { registerCommand } from './main.js';
import { IMPORT_USAGE, traceImport } from './trace-import.js';
import type { CliIo } from './io.js';
import { REPLAY_USAGE, WORKLOAD_USAGE, traceReplay, traceWorkload } from './trace-workload.js';
import { CAPTURE_USAGE, traceCapture } from './trace-capture.js';
import { REPORT_USAGE, traceReport } from './trace-report.js';

type Sub = { usage: string; run: (argv: string[], io: CliIo) => Promise<number> };
const subs: Record<string, Sub> = {
  import: { usage: IMPORT_USAGE, run: traceImport },
  report: { usage: REPORT_USAGE, run: traceReport },
  capture: { usage: CAPTURE_USAGE, run: traceCapture },
  workload: { usage: WORKLOAD_USAGE, run: traceWorkload },
  replay: { usage: REPLAY_USAGE, run: traceReplay },
};

/** Lets later subcommand files add themselves without editing this one. */
export function registerTraceSub(name: string, sub: Sub): void {
  subs[name] = sub;
}

registerCommand({
  name: 'trace',
  summary: 'who sends the load and which part is waste (import, capture, report, workload, replay)',
  get usage() {
    return ['usage: headroom trace <import|capture|report|workload|replay> [flags]', '', ...Object.values(subs).map((s) => s.usage + '\n')].join('\n');
  },
  async run(argv, io) {
    const [name, ...rest] = argv;
    const sub = name ? subs[name] : undefined;
    if (!sub) {
      throw invalidInput('HR_E_USAGE', `trace: expected a subcommand (${Object.keys(subs).join(', ')}), got "${name ?? ''}"`);
    }
    return sub.run(rest, io);
  },
});
