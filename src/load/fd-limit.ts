import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process, from /proc/self/limits (Linux), or null.
 * Node raises the soft limit to the hard limit when it starts (src/node.cc, PlatformInit:
 * "Raise the open file descriptor limit"), so the soft limit seen here is already as high
 * as an unprivileged process can make it: when it is too low, the engine can only say so.
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
