import { registerCommand } from './main.js';

// Placeholder until the load engine lands; replaced by issue #2's demo.
registerCommand({
  name: 'demo',
  summary: 'start a sample target on loopback and measure it',
  usage: 'usage: headroom demo',
  async run(_argv, io) {
    io.stderr.write('headroom demo: not built yet\n');
    return 1;
  },
});
