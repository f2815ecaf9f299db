/**
 * What a command may touch of the outside world, injected so that commands are
 * testable without process globals: human output to stderr, machine output to stdout.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is an interactive terminal (live progress) or not (plain lines). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly and report. */
  signal: AbortSignal;
  cwd: string;
}

export function processIo(signal: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    signal,
    cwd: process.cwd(),
  };
}
