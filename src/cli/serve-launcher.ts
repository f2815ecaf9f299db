import { unavailableLauncher, type RunLauncher } from '../server/launcher.js';
import type { CliIo } from './io.js';

/** How `headroom serve` starts runs from the dashboard: not available until the load engine is wired in. */
export function launcherFor(_storePath: string, _io: CliIo): RunLauncher {
  return unavailableLauncher;
}
