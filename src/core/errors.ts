/**
 * Every error a user can cause has a stable code (never reused), a one-line message
 * naming what was wrong and what was expected, an optional hint, and an exit code.
 * The table of codes and exit codes is in docs/errors.md.
 *
 * @example
 * throw invalidInput('HR_E_BAD_RATE', '--rate: expected a positive number of requests per second, got "-5"');
 */

/** Documented process exit codes (docs/errors.md). */
export const ExitCode = {
  ok: 0,
  /** A bug in headroom: an unexpected exception. */
  internal: 1,
  /** Invalid input: a flag, a config file, a data file. Nothing was written. */
  invalidInput: 2,
  /** The run completed, but a threshold (or SLO) failed. */
  thresholdsFailed: 3,
  /** A squeeze ended without a capacity figure (no headroom at the minimum rate, generator-bound, aborted). */
  noCapacity: 4,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class HeadroomError extends Error {
  override readonly name = 'HeadroomError';
  constructor(
    /** Stable code, e.g. HR_E_BAD_RATE. */
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.invalidInput,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An error caused by the user's input: exit code 2. */
export function invalidInput(code: string, message: string, hint?: string): HeadroomError {
  return new HeadroomError(code, message, ExitCode.invalidInput, hint);
}

export function isHeadroomError(e: unknown): e is HeadroomError {
  return e instanceof HeadroomError;
}
