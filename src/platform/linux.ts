/**
 * Linux: Anthropic ships an official build (a .deb), but documents no install location, so the
 * app is found by its running process and at the one place the .deb was seen to install it
 * (docs/claude-desktop.md, "Installs and processes"). Processes are matched against the names the
 * official build and the community builds use. Other Unix-likes (FreeBSD, …) have no build at all.
 */
import type { PlatformAdapter } from './adapter.js';
import { LINUX_RULE, quitInstruction } from '../app/process-rules.js';
import { locateLinux } from './app-locate.js';
import { fillStartTimes, listPosixProcesses } from './processes.js';

export const linuxAdapter: PlatformAdapter = {
  os: 'linux',
  official: true,
  locateApp: (ctx, hints) => locateLinux(ctx, hints, hints?.listProcesses ? { listProcesses: hints.listProcesses } : {}),
  listProcesses: () => listPosixProcesses(),
  completeStartTimes: (processes) => fillStartTimes(processes),
  processRule: LINUX_RULE,
  quitInstruction: quitInstruction('linux'),
};

/** FreeBSD, OpenBSD, …: no build of Claude Desktop; nothing is looked for unless `--app` names one. */
export const otherUnixAdapter: PlatformAdapter = {
  ...linuxAdapter,
  official: false,
  locateApp: async () => ({ installs: [], searched: [], notes: ['Anthropic ships no Claude Desktop for this OS'] }),
};
