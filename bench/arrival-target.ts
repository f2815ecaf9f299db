// A loopback HTTP/1.1 target for the pacing benchmark: answers every request with a tiny
// 200 and records the arrival time of each request (when its bytes were read). On SIGTERM
// it writes the arrival times (µs, monotonic) as JSON to the file given as argv[2].
// Usage: node dist/bench/arrival-target.js OUTFILE   (prints the port on stdout)
import { createServer, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';

const out = process.argv[2];
if (!out) throw new Error('usage: arrival-target OUTFILE');
let times = new Float64Array(1 << 20);
let n = 0;
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
const END = Buffer.from('\r\n\r\n');

const server = createServer((socket: Socket) => {
  socket.setNoDelay(true);
  let carry: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const now = Number(process.hrtime.bigint()) / 1000;
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    let at: number;
    while ((at = buf.indexOf(END, from)) >= 0) {
      if (n === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[n++] = now;
      socket.write(RESPONSE);
      from = at + 4;
    }
    carry = buf.subarray(from);
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => {
  writeFileSync(out, JSON.stringify(Array.from(times.subarray(0, n))));
  process.exit(0);
});
