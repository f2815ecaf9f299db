import { ExitCode, isHeadroomError } from '../core/errors.js';
import type { Command } from './command.js';
import { processIo, type CliIo } from './io.js';

/**
 * The command registry. Each command lives in its own file; this file only dispatches
 * and turns errors into one line and a documented exit code.
 */
const commands: Command[] = [];

export function registerCommand(cmd: Command): void {
  commands.push(cmd);
}

function help(io: CliIo): number {
  const lines = [
    'headroom — capacity engineering for HTTP services',
    '',
    'usage: headroom <command> [flags]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Run "headroom help <command>" for a command\'s flags. Exit codes: docs/errors.md.',
  ];
  io.stdout.write(lines.join('\n') + '\n');
  return ExitCode.ok;
}

/**
 * Runs the CLI with injected argv and io; returns the exit code.
 *
 * @example
 * const code = await main(['run', 'http://127.0.0.1:8080/', '--rate', '100', '--duration', '5s']);
 */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  await import('./commands.js');
  let cleanup = () => {};
  if (!io) {
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanup = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    io = processIo(ac.signal);
  }
  const [name, ...rest] = argv;
  try {
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      const target = commands.find((c) => c.name === rest[0]);
      if (target) {
        io.stdout.write(target.usage.trimEnd() + '\n');
        return ExitCode.ok;
      }
      return help(io);
    }
    if (name === '--version' || name === 'version') {
      io.stdout.write('headroom 0.1.0\n');
      return ExitCode.ok;
    }
    const cmd = commands.find((c) => c.name === name);
    if (!cmd) {
      io.stderr.write(`headroom: unknown command "${name}"; expected one of: ${commands.map((c) => c.name).join(', ')}\n`);
      return ExitCode.invalidInput;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(cmd.usage.trimEnd() + '\n');
      return ExitCode.ok;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (isHeadroomError(e)) {
      io.stderr.write(`headroom: ${e.message} [${e.code}]\n`);
      if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
      return e.exitCode;
    }
    io.stderr.write(`headroom: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.internal;
  } finally {
    cleanup();
  }
}
