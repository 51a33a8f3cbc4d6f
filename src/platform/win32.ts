/**
 * Windows: the Squirrel install (`%LOCALAPPDATA%\AnthropicClaude\app-<version>`, its uninstall
 * record via `reg query`), the per-user install, the MSIX package (`Get-AppxPackage`); processes
 * via PowerShell's `Get-CimInstance Win32_Process` (ps-list has no start times on Windows).
 */
import type { PlatformAdapter } from './adapter.js';
import { WIN32_RULE, quitInstruction } from '../app/process-rules.js';
import { locateWin32 } from './app-locate.js';
import { listWin32Processes } from './processes.js';

export const win32Adapter: PlatformAdapter = {
  os: 'win32',
  official: true,
  locateApp: (ctx) => locateWin32(ctx),
  listProcesses: (env) => listWin32Processes(env),
  // CIM gives CreationDate for every process it lists; nothing to fill in.
  completeStartTimes: async () => {},
  processRule: WIN32_RULE,
  quitInstruction: quitInstruction('win32'),
};
