import { isAbsolute, join } from 'node:path';
import { defaultStorePath } from '../store/store.js';

/** The `--store PATH` flag shared by the commands that read or write the store. */
export const STORE_FLAG = { store: { type: 'string' } } as const;

/**
 * The store file a command uses: `--store PATH` (relative to the working directory) or
 * `.headroom/headroom.duckdb`.
 *
 * @example
 * storePathFrom(undefined, '/work') // '/work/.headroom/headroom.duckdb'
 */
export function storePathFrom(flag: string | undefined, cwd: string): string {
  if (flag === undefined || flag === '') return defaultStorePath(cwd);
  return isAbsolute(flag) ? flag : join(cwd, flag);
}
