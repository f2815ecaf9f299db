import { parseDuration } from '../core/duration.js';
import { invalidInput } from '../core/errors.js';
import { startCapture } from '../trace/capture.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { IDENTITY_FLAGS, STORE_FLAG, identityFromFlags, parseShare } from './trace-common.js';

export const CAPTURE_USAGE = `usage: headroom trace capture --upstream URL [flags]
  A reverse proxy that forwards every request to a loopback upstream and records a sample
  of them into the store, until Ctrl-C or --duration.
  --listen HOST:PORT   where to listen (default 127.0.0.1:8081)
  --upstream URL       http://127.0.0.1:PORT (loopback only)
  --sample SHARE       share of requests recorded (default 100%)
  --duration D         stop by itself after D (e.g. 10m)
  --client-from SPEC   header:NAME | query:NAME | jwt:CLAIM[@HEADER] | ua | ip (default ip)
  --route PATTERN      a route template (repeatable)
  --store PATH         DuckDB file (default .headroom/headroom.duckdb)`;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw invalidInput('HR_E_BAD_LISTEN', `--listen: expected HOST:PORT such as 127.0.0.1:8081, got "${text}"`);
  return { host: m[1] ?? m[2]!, port };
}

export async function traceCapture(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...STORE_FLAG, ...IDENTITY_FLAGS, listen: { type: 'string' }, upstream: { type: 'string' }, sample: { type: 'string' }, duration: { type: 'string' } },
    'trace capture',
  );
  if (!values.upstream) throw invalidInput('HR_E_MISSING_VALUE', '--upstream: expected the URL of the service to forward to, e.g. http://127.0.0.1:8080');
  const listen = parseListen(values.listen ?? '127.0.0.1:8081');
  const sample = parseShare(values.sample ?? '100%', '--sample');
  if (sample === 0) throw invalidInput('HR_E_BAD_SHARE', '--sample: expected a share above 0, got "0"');
  const durationMs = values.duration ? parseDuration(values.duration, '--duration') : undefined;
  const identity = identityFromFlags(values);
  // The store is opened (and written) by the proxy's store thread.
  const proxy = await startCapture({
    listenHost: listen.host,
    listenPort: listen.port,
    upstream: values.upstream,
    sample,
    ...identity,
    store: { path: values.store, cwd: io.cwd },
  });
  io.stderr.write(`capturing on http://${proxy.host}:${proxy.port} → ${values.upstream} (sample ${+(sample * 100).toFixed(2)}%); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
    if (durationMs !== undefined) setTimeout(resolve, durationMs).unref();
  });
  await proxy.stop();
  const s = proxy.stats;
  const dropped = s.dropped > 0 ? `, dropped ${s.dropped} (the store fell behind${s.storeError ? ` or failed: ${s.storeError}` : ''})` : '';
  io.stderr.write(`forwarded ${s.forwarded} requests, recorded ${s.recorded}${dropped}, upstream errors ${s.upstreamErrors}\n`);
  return 0;
}
