import type { ClientSource } from './client-identity.js';
import type { RouteTemplater } from './route-template.js';

/** What every format mapper needs besides the input: the client rule and the route templater. */
export interface MapOptions {
  client: ClientSource;
  routes: RouteTemplater;
  /** Source name used in evidence refs (`name:line`, `name#entry`). */
  source: string;
}

/** A lower-case header lookup over a list of `{name, value}` pairs (HAR) or a map. */
export function headerLookup(headers: readonly { name?: unknown; value?: unknown }[] | undefined): (name: string) => string | undefined {
  const map = new Map<string, string>();
  for (const h of headers ?? []) {
    if (typeof h?.name === 'string' && typeof h.value === 'string' && !map.has(h.name.toLowerCase())) {
      map.set(h.name.toLowerCase(), h.value);
    }
  }
  return (n) => map.get(n);
}

/** Non-negative finite number or null. */
export function sizeOrNull(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}
