import { parseArgs, type ParseArgsConfig } from 'node:util';
import { invalidInput } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * Strict flag parsing on top of node:util parseArgs: an unknown flag or a missing value
 * becomes one line naming the flag (exit code 2) instead of a Node stack trace.
 *
 * @example
 * const { values, positionals } = parseFlags(argv, { rate: { type: 'string' } }, 'run');
 */
export function parseFlags<O extends Options>(
  argv: string[],
  options: O,
  command: string,
): ParsedFlags<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) {
      throw invalidInput('HR_E_UNKNOWN_FLAG', `${unknown[1]}: unknown flag for "headroom ${command}"`, `see "headroom help ${command}"`);
    }
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(msg);
    if (missing) {
      throw invalidInput('HR_E_MISSING_VALUE', `${missing[1]!.split(',').pop()!.trim()}: expected a value after the flag`);
    }
    throw invalidInput('HR_E_USAGE', `headroom ${command}: ${msg.split('\n')[0]}`);
  }
}
