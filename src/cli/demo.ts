import { ExitCode } from '../core/errors.js';
import { parseFlags } from './args.js';
import { registerCommand } from './main.js';
import { formatSummary } from './progress.js';
import { runWithProgress } from './run.js';
import { startQueueTarget } from '../targets/queue-target.js';

const usage = `usage: headroom demo [--json]

Starts a sample target on 127.0.0.1 with 8 workers and a fixed 10 ms service time per
request (capacity 800 req/s by construction), loads it for 4 s at 60 % of capacity and
4 s at 125 %, and prints what headroom measured next to what the target knows.`;

registerCommand({
  name: 'demo',
  summary: 'start a sample target on loopback whose capacity is known, and measure it',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, 'demo');
    const target = await startQueueTarget({ workers: 8, serviceMs: 10, queueLimit: 200 });
    const results = [];
    try {
      io.stderr.write(`demo target: ${target.url} — 8 workers × 10 ms service time = capacity ${target.capacity} req/s\n`);
      for (const share of [0.6, 1.25]) {
        const rate = target.capacity * share;
        const servedBefore = target.served();
        const rejectedBefore = target.rejected();
        io.stderr.write(`\n— ${Math.round(share * 100)} % of capacity: ${rate} req/s for 4 s —\n`);
        const { summary, interrupted } = await runWithProgress(
          { url: target.url, rate, durationMs: 4000, threads: 1, maxConnections: 400, timeoutMs: 5000 },
          io,
        );
        const served = target.served() - servedBefore;
        const rejected = target.rejected() - rejectedBefore;
        io.stderr.write(formatSummary(summary));
        io.stderr.write(
          `target     served ${served} (at most capacity × ${summary.duration_s} s + the 200 queued at the end = ` +
            `${Math.round(target.capacity * summary.duration_s) + 200}), refused ${rejected} with 503 because its queue was full\n`,
        );
        results.push({ share, rate, target_served: served, target_rejected: rejected, capacity_rps: target.capacity, summary });
        if (interrupted) return ExitCode.interrupted;
      }
      io.stderr.write(
        `\nBelow capacity the service time is the 10 ms the target takes; above it, the queue grows, latency from the ` +
          `intended send time climbs and the excess is refused: throughput stays at ≈ ${target.capacity} req/s.\n`,
      );
      if (values.json) io.stdout.write(JSON.stringify(results, null, 2) + '\n');
      return ExitCode.ok;
    } finally {
      await target.close();
    }
  },
});
