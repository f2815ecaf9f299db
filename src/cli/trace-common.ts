import { parseClientSource, type ClientSource } from '../core/client-identity.js';
import { invalidInput } from '../core/errors.js';
import { RouteTemplater } from '../core/route-template.js';

/** Flags shared by the trace subcommands that read or write records. */
export const STORE_FLAG = { store: { type: 'string' } } as const;
export const IDENTITY_FLAGS = {
  'client-from': { type: 'string' },
  route: { type: 'string', multiple: true },
} as const;

export function identityFromFlags(values: { 'client-from'?: string; route?: string[] }): { client: ClientSource; routes: RouteTemplater } {
  return {
    client: parseClientSource(values['client-from'] ?? 'ip'),
    routes: new RouteTemplater(values.route ?? []),
  };
}

/** `5%`, `0.05` or `5` (percent when > 1) → a share 0..1. */
export function parseShare(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const v = m ? Number(m[1]) / (m[2] || Number(m[1]) > 1 ? 100 : 1) : NaN;
  if (!m || !(v >= 0 && v <= 1)) throw invalidInput('HR_E_BAD_SHARE', `${flag}: expected a share such as 5% or 0.05, got "${text}"`);
  return v;
}

/** A positive finite number flag. */
export function parsePositive(text: string | undefined, flag: string, dflt: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw invalidInput('HR_E_TRACE_NUMBER', `${flag}: expected a positive number, got "${text}"`);
  return v;
}
