import type { CliIo } from './io.js';

/** One CLI command: a name, a one-line summary for `headroom help`, and a runner returning the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
