import { samplePreset, SAMPLE_TARGETS } from '../targets/index.js';
import { parseFlags } from './args.js';
import { registerCommand } from './main.js';
import { squeezeWithReport } from './squeeze.js';

const usage = `usage: headroom demo [--target NAME] [--json]

Starts a sample target on 127.0.0.1 whose capacity under its SLO is known by
construction, squeezes it with short steps (3 s; under a minute in all), and prints the
capacity headroom found next to the true one.

  --target NAME   ${SAMPLE_TARGETS.map((t) => t.name).join(', ')}
                  (default noisy: latency S₀/(1 − r/μ) with lognormal noise; 410.6 req/s under p99<200ms)
  --json          print the squeeze report as JSON on stdout`;

registerCommand({
  name: 'demo',
  summary: 'squeeze a sample target on loopback and compare the capacity found with the true one',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { target: { type: 'string' }, json: { type: 'boolean' } }, 'demo');
    const preset = samplePreset(values.target ?? 'noisy');
    const target = await preset.start();
    try {
      const truth = target.trueCapacity(preset.clauses);
      io.stderr.write(`demo target ${target.name} at ${target.url}: ${target.description}\n`);
      io.stderr.write(`squeezing it within ${preset.slo.join(', ')} (true capacity ${truth.toFixed(1)} req/s by construction)\n\n`);
      const { report, code } = await squeezeWithReport(
        { url: target.url, slo: preset.clauses, minRate: 25, maxRate: 2000, stepDurationS: 3, threads: 1, maxConnections: 2000, timeoutMs: 5000 },
        Boolean(values.json),
        io,
      );
      if (report.capacity_rps !== null) {
        const err = ((report.capacity_rps - truth) / truth) * 100;
        io.stderr.write(`\nfound ${report.capacity_rps} req/s; true capacity ${truth.toFixed(1)} req/s (${err >= 0 ? '+' : ''}${err.toFixed(1)}%)\n`);
      } else {
        io.stderr.write(`\nno capacity found; true capacity ${truth.toFixed(1)} req/s\n`);
      }
      return code;
    } finally {
      await target.close();
    }
  },
});
