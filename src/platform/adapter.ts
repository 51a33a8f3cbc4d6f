/**
 * What the app checks need from the operating system, one adapter per OS family. Each adapter
 * reads real command output or files through the parsers beside it; the checks pick the adapter
 * for `ctx.platform`, so a test can drive another OS's rules on this machine where that makes
 * sense (macOS bundle reading, process rules on stand-in processes).
 */
import type { PathContext } from '../config/paths.js';
import type { LocateHints, LocateResult } from '../app/install.js';
import type { ProcessInfo, ProcessListing } from '../app/process-info.js';
import type { AppProcessRule } from '../app/process-rules.js';

export interface PlatformAdapter {
  os: 'darwin' | 'win32' | 'linux';
  /** Anthropic ships a build of Claude Desktop for this OS. */
  official: boolean;
  /** Finds installs in the OS's usual places (Linux: also by the app's running process). */
  locateApp(ctx: PathContext, hints?: LocateHints): Promise<LocateResult>;
  /** Lists processes with start times where the OS gives them. */
  listProcesses(env: NodeJS.ProcessEnv): Promise<ProcessListing>;
  /** Fills in start times the listing left out, for the processes that matter. */
  completeStartTimes(processes: ProcessInfo[]): Promise<void>;
  /** Which processes are the app by default. */
  processRule: AppProcessRule;
  /** How to quit the app fully. */
  quitInstruction: string;
}
