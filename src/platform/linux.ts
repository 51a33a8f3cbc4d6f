/**
 * Linux (and other Unix-likes): Anthropic ships no build, so nothing is looked for on disk unless
 * `--app` names an install; processes are matched against the names community builds use.
 */
import type { PlatformAdapter } from './adapter.js';
import { LINUX_RULE, quitInstruction } from '../app/process-rules.js';
import { fillStartTimes, listPosixProcesses } from './processes.js';

export const linuxAdapter: PlatformAdapter = {
  os: 'linux',
  official: false,
  locateApp: async () => ({ installs: [], searched: [], notes: ['no official Claude Desktop build exists for Linux'] }),
  listProcesses: () => listPosixProcesses(),
  completeStartTimes: (processes) => fillStartTimes(processes),
  processRule: LINUX_RULE,
  quitInstruction: quitInstruction('linux'),
};
