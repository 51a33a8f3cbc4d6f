/**
 * Whether Claude Desktop is running, with its main process told apart from its helpers, and
 * when that main process started (for relaunch-needed). The app is matched by the OS's rule
 * (app/process-rules.ts) or by `--app-process` / `PORTKEY_DOCTOR_APP_PROCESS`. Not running is
 * fine: the app reads its settings when it starts.
 */
import { localTime } from '../app/format.js';
import { appOptions } from '../app/options.js';
import { errorText, type ProcessInfo } from '../app/process-info.js';
import { customRule, findAppProcesses } from '../app/process-rules.js';
import { defineCheck, ok, skip, warn } from '../contract/check.js';

/** Pids listed in the details and handed on, at most. */
const MAX_LISTED = 20;

/** What app-running hands on (also when it warns): the main process, if the app runs. */
export interface AppRunningData {
  /** The app's main process (the earliest, when several run); absent when the app is not running. */
  main?: { pid: number; startTime?: Date };
  /**
   * Processes that may be the app but whose executable could not be read (Windows: other
   * sessions', protected ones). When no main process was seen and these exist, whether the app
   * runs is not known.
   */
  unseenPids?: number[];
  /** How far the reported start time may be from the true one, in ms (`ps` prints whole seconds). */
  startTimeUncertaintyMs: number;
}

export default defineCheck({
  id: 'app-running',
  title: 'App running',
  group: 'app',
  timeoutMs: 20_000,
  codes: {
    APP_PROCESS_LIST_FAILED: {
      title: 'The list of running processes could not be read',
      fix: 'Run the doctor again; on Windows check that PowerShell may run (it is used to list processes).',
    },
    APP_HELPERS_ONLY: {
      title: 'Only helper processes of the app are running, without its main process (a stuck or half-quit app)',
      fix: 'End the leftover Claude processes (Activity Monitor / Task Manager), then start Claude again.',
    },
    APP_PROCESS_UNSEEN: {
      title: 'Processes that may be the app run, but their executable could not be read, so whether the app runs is not known',
      fix: 'Run the doctor as the user, and in the session, that runs Claude (on Windows, or from an elevated prompt) so it can see where those processes were started from.',
    },
    APP_MULTIPLE_MAIN: {
      title: 'More than one Claude main process is running (two copies, or a stuck one)',
      fix: 'Quit every copy of Claude (end the leftovers in Activity Monitor / Task Manager), then start one again.',
    },
  },
  async run(ctx) {
    const { adapter, self } = ctx.os;
    const opts = appOptions(ctx.env, ctx.os.platform);
    const rule = opts.appProcess !== undefined ? customRule(opts.appProcess) : adapter.processRule;
    let listing;
    try {
      listing = await adapter.listProcesses(ctx.env);
    } catch (err) {
      return skip('APP_PROCESS_LIST_FAILED', `cannot list processes (${errorText(err)})`, { details: { lookedFor: rule.describe } });
    }
    const found = findAppProcesses(listing.processes, rule, { ...(self.uid !== undefined ? { ownUid: self.uid } : {}), exclude: [self.pid] });
    try {
      await adapter.completeStartTimes(found.main);
    } catch {
      // Start times stay unknown; relaunch-needed says so.
    }
    found.main.sort((a, b) => (a.startTime?.getTime() ?? Infinity) - (b.startTime?.getTime() ?? Infinity) || a.pid - b.pid);
    const details: Record<string, unknown> = {
      running: found.main.length > 0,
      lookedFor: rule.describe,
      source: listing.source,
      startTimeUncertaintyMs: listing.startTimeUncertaintyMs,
      helpers: found.helpers.length,
      helperPids: found.helpers.map((p) => p.pid),
      ...(found.ignored.length ? { ignoredPids: found.ignored.map((p) => p.pid) } : {}),
      // What could not be seen, and what looks like the app but is not (Claude Code, services): evidence, never guessed.
      ...(found.unseen.length
        ? {
            unseen: {
              pids: found.unseen.slice(0, MAX_LISTED).map((p) => p.pid),
              count: found.unseen.length,
              why: 'their executable path and command line are hidden (another session, or a protected process)',
            },
          }
        : {}),
      ...(found.notApp.length ? { notApp: found.notApp.map(({ process: p, why }) => ({ pid: p.pid, name: p.name, why })) } : {}),
      ...(listing.notes.length ? { notes: listing.notes } : {}),
    };
    const [main, ...otherMain] = found.main;
    const data: AppRunningData = {
      main: main ? { pid: main.pid, startTime: main.startTime } : undefined,
      startTimeUncertaintyMs: listing.startTimeUncertaintyMs,
      ...(found.unseen.length ? { unseenPids: found.unseen.slice(0, MAX_LISTED).map((p) => p.pid) } : {}),
    };
    if (!main) {
      if (found.helpers.length > 0) {
        return warn('APP_HELPERS_ONLY', `${found.helpers.length} helper process(es) (pid ${found.helpers.map((p) => p.pid).join(', ')}) but no main process`, {
          details,
          data,
        });
      }
      if (found.unseen.length > 0) {
        // Names come from the process list: a few, each bounded.
        const names = [...new Set(found.unseen.map((p) => p.name.slice(0, 60)))].slice(0, 3).join(', ');
        const shown = found.unseen
          .slice(0, 10)
          .map((p) => p.pid)
          .join(', ');
        return warn(
          'APP_PROCESS_UNSEEN',
          `no app process seen, but ${found.unseen.length} ${names} process(es) (pid ${shown}${found.unseen.length > 10 ? ', …' : ''}) could not be looked at: where they were started from is hidden`,
          { details, data },
        );
      }
      return ok('not running; it reads the settings when it starts', details, data);
    }
    details['main'] = describe(main);
    const build = rule.build?.(main);
    if (build !== undefined) details['build'] = build;
    if (otherMain.length > 0) {
      details['otherMain'] = otherMain.map(describe);
      return warn('APP_MULTIPLE_MAIN', `${found.main.length} main processes (pid ${found.main.map((p) => p.pid).join(', ')})`, { details, data });
    }
    const started = main.startTime ? `, started ${localTime(main.startTime)}` : ', start time unknown';
    const builtAs = build !== undefined ? ` (${build})` : '';
    return ok(`running: main process pid ${main.pid}${builtAs}${started}; ${found.helpers.length} helper process(es)`, details, data);
  },
});

function describe(p: ProcessInfo): Record<string, unknown> {
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    ...(p.path ? { path: p.path } : {}),
    startTime: p.startTime?.toISOString() ?? null,
  };
}
