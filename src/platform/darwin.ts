/** macOS: `/Applications/Claude.app` (Info.plist), processes via ps-list / `ps`. */
import type { PlatformAdapter } from './adapter.js';
import { DARWIN_RULE, quitInstruction } from '../app/process-rules.js';
import { locateDarwin } from './app-locate.js';
import { fillStartTimes, listPosixProcesses } from './processes.js';

export const darwinAdapter: PlatformAdapter = {
  os: 'darwin',
  official: true,
  locateApp: locateDarwin,
  listProcesses: () => listPosixProcesses(),
  completeStartTimes: (processes) => fillStartTimes(processes),
  processRule: DARWIN_RULE,
  quitInstruction: quitInstruction('darwin'),
};
