import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process, from /proc/self/limits (Linux), or null.
 * Node cannot call setrlimit itself, so the engine can only check it and say so.
 *
 * @example
 * openFileSoftLimit() // 65536
 */
export function openFileSoftLimit(): number | null {
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text);
    if (!m) return null;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}

/** File descriptors kept free for the runtime, stdio, the store and listeners. */
export const RESERVED_FDS = 64;
