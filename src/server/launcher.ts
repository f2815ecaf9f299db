import { invalidInput } from '../core/errors.js';
import type { RunKind } from '../store/types.js';
import { HttpError } from './http-util.js';

/** What the dashboard's form sends to start a run or a squeeze: the CLI's positional URL and flags. */
export interface LaunchRequest {
  url: string;
  /** Flag name (without --) to value; `true` for a bare flag; an array for a repeated flag. */
  options: Record<string, string | number | boolean | Array<string | number>>;
}

/**
 * Starts runs for the server. Implementations validate exactly as the CLI does and resolve
 * once the run is recorded in the store (so its live stream can be opened at once).
 */
export interface RunLauncher {
  /** `argv` is the command's argv as the CLI would get it (from launchArgv). */
  start(kind: RunKind, argv: string[]): Promise<{ runId: string }>;
}

/** Flags the server sets itself; a form may not. */
const RESERVED = new Set(['store', 'no-store', 'json', 'report', 'series', 'help', 'h']);

/**
 * Checks a launch request's shape and turns it into the CLI's argv, so that the run
 * command's own parser validates the values: the dashboard can pass nothing the CLI
 * would not accept.
 *
 * @example
 * launchArgv({ url: 'http://127.0.0.1:8080/', options: { rate: 100, duration: '10s' } })
 * // ['http://127.0.0.1:8080/', '--rate', '100', '--duration', '10s']
 */
export function launchArgv(body: Record<string, unknown>): string[] {
  for (const k of Object.keys(body)) {
    if (k !== 'url' && k !== 'options') throw invalidInput('HR_E_BAD_REQUEST_BODY', `${JSON.stringify(k.slice(0, 40))}: unknown field; expected url and options`);
  }
  const { url, options = {} } = body as Partial<LaunchRequest>;
  if (typeof url !== 'string' || url.length === 0 || url.length > 2000) {
    throw invalidInput('HR_E_BAD_REQUEST_BODY', 'url: expected the target URL as a string');
  }
  if (!options || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidInput('HR_E_BAD_REQUEST_BODY', 'options: expected an object of flag names to values');
  }
  const argv = [url];
  for (const [name, value] of Object.entries(options)) {
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name)) throw invalidInput('HR_E_BAD_REQUEST_BODY', `options: ${JSON.stringify(name.slice(0, 40))} is not a flag name`);
    if (RESERVED.has(name)) throw invalidInput('HR_E_BAD_REQUEST_BODY', `options.${name}: set by the server, not by the request`);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === true) argv.push(`--${name}`);
      else if (v === false) continue;
      else if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) argv.push(`--${name}`, String(v));
      else throw invalidInput('HR_E_BAD_REQUEST_BODY', `options.${name}: expected a string, number or boolean`);
    }
  }
  return argv;
}

/** The launcher when this build cannot start runs (no load engine): 501 with a clear code. */
export const unavailableLauncher: RunLauncher = {
  start() {
    return Promise.reject(new HttpError(501, 'HR_E_NOT_AVAILABLE', 'starting runs from the server is not available in this build'));
  },
};
