// Entry point of a generator thread: runs one Generator and relays messages.
import { parentPort, workerData } from 'node:worker_threads';
import { Generator } from './generator.js';
import type { FromWorker, GeneratorConfig, ToWorker } from './worker-protocol.js';

const port = parentPort!;
const cfg = workerData as GeneratorConfig;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const gen = new Generator(cfg, (data) => {
    post({ type: 'second', data });
    if (data.final) port.close();
  });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'rate') gen.setRate(m.rps, m.atMs);
    else if (m.type === 'vus') gen.setVus(m.vus);
    else if (m.type === 'stop') gen.stop();
    else if (m.type === 'start') gen.start(m.startEpochMs);
  });
  gen.prepare(() => post({ type: 'ready' }));
} catch (e) {
  post({ type: 'fatal', message: (e as Error).stack ?? String(e) });
}
