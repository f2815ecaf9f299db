import { renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { invalidInput } from '../core/errors.js';
import { reportFromStore } from '../server/report.js';
import { Store } from '../store/store.js';
import { parseFlags } from './args.js';
import { registerCommand } from './main.js';
import { STORE_FLAG, storePathFrom } from './store-flags.js';

const usage = `usage: headroom report <run-id> [--out report.html] [--compare OTHER-ID] [--store PATH]

Writes one self-contained HTML file (data, JS and CSS inline) with the dashboard's charts
for a run or a squeeze, or two runs compared. It makes no network request: it opens
offline, from a mail attachment or a ticket.

  --out FILE          where to write (default headroom-<run-id>.html)
  --compare ID        a second run to compare with the first
  --store PATH        the store file (default .headroom/headroom.duckdb)

A run id may be shortened to any unique prefix.`;

/**
 * Writes `html` to `path` atomically (a temporary file renamed over it), so an
 * interrupted write never leaves half a report.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

registerCommand({
  name: 'report',
  summary: 'write a run or squeeze as one self-contained HTML file',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { out: { type: 'string' }, compare: { type: 'string' }, ...STORE_FLAG }, 'report');
    if (positionals.length !== 1) throw invalidInput('HR_E_USAGE', 'headroom report: expected one run id', 'see "headroom help report"');
    const store = await Store.open(storePathFrom(values.store, io.cwd));
    const { html, runIds } = await reportFromStore(store, positionals[0]!, values.compare);
    const out = values.out ?? `headroom-${runIds[0]}.html`;
    const path = isAbsolute(out) ? out : join(io.cwd, out);
    writeFileAtomic(path, html);
    io.stderr.write(`headroom report: wrote ${out} (${Math.round(html.length / 1024)} KiB, ${runIds.join(' vs ')})\n`);
    return 0;
  },
});
