/**
 * Relaunch needed: the app reads its settings once, at launch (docs/portkey.md, step 3). If the
 * running main process started before the newest change to the settings in force (managed
 * settings, `_meta.json`, the applied profile, the legacy file), it still runs with the old ones.
 * Start times from `ps` have whole-second resolution (app-running hands on how uncertain), so a change within
 * that uncertainty of the start is not called a relaunch: the app may write its own files while
 * starting.
 */
import { localTime, roughDuration } from '../app/format.js';
import { quitInstruction } from '../app/process-rules.js';
import type { Discovery } from '../config/settings.js';
import { defineCheck, ok, skip, warn } from '../contract/check.js';
import appRunning from './app-running.js';
import claudeSettings from './claude-settings.js';

export default defineCheck({
  id: 'relaunch-needed',
  title: 'App started after the last settings change',
  group: 'app',
  needs: [appRunning, claudeSettings],
  codes: {
    RELAUNCH_NEEDED: {
      title: 'The app was started before the settings last changed, so it still runs with the old settings',
      fix: 'Quit Claude fully (⌘Q on macOS, tray icon → Quit on Windows; closing the window is not enough), then open it again.',
    },
    RELAUNCH_START_UNKNOWN: {
      title: 'When the app’s main process started is not known, so a needed relaunch cannot be ruled out',
      fix: 'If you changed the settings since you last opened Claude, quit it fully (⌘Q / tray → Quit) and open it again.',
    },
    RELAUNCH_NO_FILE_TIMES: {
      title: 'The settings in force have no modification time to compare (registry policy)',
      fix: 'If the policy changed since Claude was opened, quit it fully (tray → Quit) and open it again.',
    },
  },
  run(ctx) {
    const running = ctx.upstream(appRunning);
    const main = running?.main;
    if (running && !main && running.unseenPids?.length) {
      // Processes that may be the app could not be looked at (app-running says which): not guessed.
      return skip('RELAUNCH_START_UNKNOWN', `whether the app runs is not known: process(es) ${running.unseenPids.join(', ')} could not be looked at`, {
        details: { unseenPids: running.unseenPids },
      });
    }
    if (!running || !main) return ok('the app is not running: it reads the settings when it starts');
    const startMs = main.startTime?.getTime() ?? Number.NaN;
    if (Number.isNaN(startMs)) {
      return skip('RELAUNCH_START_UNKNOWN', `the start time of the main process${main.pid ? ` (pid ${main.pid})` : ''} is not known`, {
        details: { pid: main.pid },
      });
    }
    if (!ctx.discovery.inForce) return ok('no Claude Desktop settings files to compare (gateway given by flags)');
    const files = settingsFiles(ctx.discovery);
    const newest = files.reduce<(typeof files)[number] | undefined>((a, f) => (a === undefined || f.mtimeMs > a.mtimeMs ? f : a), undefined);
    if (!newest) {
      return skip('RELAUNCH_NO_FILE_TIMES', `${ctx.discovery.inForce.location} has no modification time to compare`, {
        details: { source: ctx.discovery.inForce.location },
      });
    }
    const uncertainty = running.startTimeUncertaintyMs;
    const details: Record<string, unknown> = {
      pid: main.pid,
      startedAt: new Date(startMs).toISOString(),
      settingsChangedAt: new Date(newest.mtimeMs).toISOString(),
      newestFile: newest.path,
      files: files.map((f) => ({ path: f.path, modifiedAt: new Date(f.mtimeMs).toISOString() })),
      startTimeUncertaintyMs: uncertainty,
    };
    // The true start lies in [startMs, startMs + uncertainty): only a change after that window
    // is certainly later than the start.
    if (newest.mtimeMs >= startMs + Math.max(uncertainty, 1000)) {
      return warn(
        'RELAUNCH_NEEDED',
        `the app (pid ${main.pid}) started ${localTime(startMs)}, ${roughDuration(newest.mtimeMs - startMs)} before the settings changed at ${localTime(newest.mtimeMs)} (${newest.path})`,
        { details, fix: `${quitInstruction(ctx.os.platform)} It then reads the settings changed at ${localTime(newest.mtimeMs)}.` },
      );
    }
    return ok(`started ${localTime(startMs)}, after the last settings change (${localTime(newest.mtimeMs)})`, details);
  },
});

/**
 * The files whose change the app must be restarted for: those of the source in force, plus the
 * legacy `claude_desktop_config.json` (it holds `deploymentMode` even when a profile is in force).
 */
export function settingsFiles(discovery: Discovery): { path: string; mtimeMs: number }[] {
  const files = [...(discovery.inForce?.files ?? [])];
  for (const s of discovery.sources) {
    if (s !== discovery.inForce && s.kind === 'legacy') files.push(...s.files);
  }
  const seen = new Set<string>();
  return files.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true))).map((f) => ({ path: f.path, mtimeMs: f.mtimeMs }));
}
