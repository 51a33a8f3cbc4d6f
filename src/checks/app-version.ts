/**
 * The app in use is new enough for the settings it is given: versions come from the one
 * table in app/versions.ts. An older build silently ignores `inferenceCustomHeaders`,
 * so metadata policies never apply; where no minimum is known the doctor says so.
 *
 * Which version is in use (docs/claude-desktop.md, "Versions"): when the app runs, the version it
 * logged at its start (`Starting app { appVersion: … }`, the log's latest start, if that start is
 * the running main process's); else the one on disk (app-installed). A version on disk newer
 * than the running one is an update installed but not yet relaunched: APP_UPDATE_NOT_RELAUNCHED.
 */
import { parseLogEntries, startedAppVersion } from '../app/app-log.js';
import { localTime } from '../app/format.js';
import { quitInstruction } from '../app/process-rules.js';
import { compareVersions, parseVersion, requirementFor, SETTING_REQUIREMENTS } from '../app/versions.js';
import type { InferenceKey } from '../config/settings.js';
import type { Field, Target } from '../config/target.js';
import { defineCheck, findings, ok, problem, warn, type Finding } from '../contract/check.js';
import appInstalled from './app-installed.js';
import appRunning, { type AppRunningData } from './app-running.js';

const CUSTOM_HEADERS_MIN = requirementFor('inferenceCustomHeaders')?.minVersion ?? '?';
const AUTH_SCHEME_MIN = requirementFor('inferenceGatewayAuthScheme')?.minVersion ?? '?';
const UPDATE = 'Update Claude Desktop (Claude → Check for Updates…, or download it again from https://claude.ai/download)';

/**
 * How long after the main process started its `Starting app` line may be written and still be
 * taken as that process's (Electron logs it within seconds; a slow login start takes longer).
 */
export const START_LOG_WINDOW_MS = 5 * 60_000;

export default defineCheck({
  id: 'app-version',
  title: 'App version supports the settings',
  group: 'app',
  needs: [appInstalled, appRunning],
  codes: {
    APP_UPDATE_NOT_RELAUNCHED: {
      title: 'The app on disk is newer than the running one: an update is installed but the app has not been relaunched',
      fix: 'Quit Claude fully (⌘Q on macOS, tray icon → Quit on Windows; closing the window is not enough), then open it again to run the installed version.',
    },
    APP_VERSION_UNKNOWN: {
      title: 'The app’s version could not be read, so whether it supports the settings is unknown',
      fix: 'Check the version in Claude → About Claude; the settings need at least the versions listed in the details.',
    },
    APP_TOO_OLD_CUSTOM_HEADERS: {
      title: `The app is older than ${CUSTOM_HEADERS_MIN} and silently ignores inferenceCustomHeaders (x-portkey-metadata is never sent)`,
      fix: `${UPDATE} to ${CUSTOM_HEADERS_MIN} or later; until then, also give the headers in the older inferenceGatewayHeaders list.`,
    },
    APP_TOO_OLD_AUTH_SCHEME: {
      title: `The app is older than ${AUTH_SCHEME_MIN} and ignores the gateway auth scheme setting`,
      fix: `${UPDATE} to ${AUTH_SCHEME_MIN} or later.`,
    },
  },
  async run(ctx) {
    const onDisk = ctx.upstream(appInstalled)?.install.version;
    const running = await runningVersion(ctx.upstream(appRunning), () => ctx.appLog.tail());
    const version = running.version ?? onDisk;
    const used = settingsInUse(ctx.target);
    const known = used.map((s) => ({ setting: s, min: requirementFor(s)?.minVersion })).filter((r) => r.min !== undefined);
    const unknownMinimum = used.filter((s) => requirementFor(s)?.minVersion === undefined);
    const details: Record<string, unknown> = {
      version: version ?? null,
      versionFrom: running.version !== undefined ? 'running app (its log)' : onDisk !== undefined ? 'disk' : null,
      onDisk: onDisk ?? null,
      ...(running.version !== undefined ? { running: running.version, runningSince: running.at } : {}),
      ...(running.note !== undefined ? { runningVersionNote: running.note } : {}),
      settingsInUse: used,
      requirements: Object.fromEntries(known.map((r) => [r.setting, r.min])),
      noKnownMinimum: unknownMinimum,
      note: 'No official minimum version for third-party inference is published; only the minimums listed are known.',
    };
    if (version === undefined || parseVersion(version) === undefined) {
      return warn('APP_VERSION_UNKNOWN', version === undefined ? 'the installed app’s version could not be read' : `"${version}" is not a version number`, {
        details: { ...details, table: SETTING_REQUIREMENTS.filter((r) => r.minVersion).map((r) => `${r.setting} ≥ ${r.minVersion}`) },
      });
    }
    const older = (min: string | undefined) => min !== undefined && compareVersions(version, min) < 0;
    // Both can be true of one old app: list both, so one update (and one rerun) settles them.
    const found: Finding<'APP_UPDATE_NOT_RELAUNCHED' | 'APP_TOO_OLD_CUSTOM_HEADERS' | 'APP_TOO_OLD_AUTH_SCHEME'>[] = [];
    const updatePending =
      running.version !== undefined && onDisk !== undefined && parseVersion(onDisk) !== undefined && compareVersions(onDisk, running.version) > 0;
    if (updatePending) {
      found.push(
        problem(
          'warn',
          'APP_UPDATE_NOT_RELAUNCHED',
          `the app on disk (${onDisk}) is newer than the running one (${running.version}, started ${running.at ?? 'earlier'}) — relaunch`,
          {
            details,
            fix: `${quitInstruction(ctx.os.platform)} The installed ${onDisk} then runs.`,
          },
        ),
      );
    }
    // An old running app whose update is already on disk needs a relaunch, not an update.
    const updateOr = (min: string) =>
      updatePending && onDisk !== undefined && compareVersions(onDisk, min) >= 0
        ? `Relaunch Claude: the installed ${onDisk} supports it. ${quitInstruction(ctx.os.platform)}`
        : undefined;
    if (used.includes('inferenceCustomHeaders') && older(requirementFor('inferenceCustomHeaders')?.minVersion)) {
      const fallback = used.includes('inferenceGatewayHeaders');
      const summary = `app ${version} < ${CUSTOM_HEADERS_MIN}: inferenceCustomHeaders is ignored${fallback ? ' (the older inferenceGatewayHeaders are still sent)' : ', so no extra header (x-portkey-metadata) is sent'}`;
      const fix = updateOr(CUSTOM_HEADERS_MIN);
      found.push(problem(fallback ? 'warn' : 'fail', 'APP_TOO_OLD_CUSTOM_HEADERS', summary, { details, ...(fix ? { fix } : {}) }));
    }
    const scheme = ctx.target.authScheme;
    if (
      used.includes('inferenceGatewayAuthScheme') &&
      older(AUTH_SCHEME_MIN) &&
      !(typeof scheme?.value === 'string' && scheme.value.trim().toLowerCase() === 'bearer')
    ) {
      const fix = updateOr(AUTH_SCHEME_MIN);
      found.push(
        problem('warn', 'APP_TOO_OLD_AUTH_SCHEME', `app ${version} < ${AUTH_SCHEME_MIN}: the auth scheme setting is ignored`, {
          details,
          ...(fix ? { fix } : {}),
        }),
      );
    }
    const checked = known.map((r) => `${r.setting} ≥ ${r.min}`).join(', ');
    const unknownText = unknownMinimum.length ? `; no minimum known for ${unknownMinimum.join(', ')}` : '';
    return findings(found, ok(`${version}${checked ? ` supports ${checked}` : ': no setting in use has a known minimum'}${unknownText}`, details));
  },
});

/** The running app's version, from the start its log recorded, when that start is the running main process's. */
export interface RunningVersion {
  version?: string;
  /** When the app logged its start (local time, as the log writes it). */
  at?: string;
  /** Why no running version was taken although the app runs, for the details. */
  note?: string;
}

/**
 * The version the running app logged at its start. Taken only when the app runs and the log's
 * latest start falls between its main process's start (less the listing's and the log's
 * whole-second uncertainty) and {@link START_LOG_WINDOW_MS} after it: a start logged before the
 * process began is an earlier run's, one much later another copy's.
 */
export async function runningVersion(
  running: AppRunningData | undefined,
  readTail: () => Promise<{ status: string; lines?: string[] }>,
): Promise<RunningVersion> {
  const main = running?.main;
  if (!main) return {};
  let tail: { status: string; lines?: string[] };
  try {
    tail = await readTail();
  } catch {
    return { note: 'the app’s log could not be read' };
  }
  if (tail.status !== 'found' || !tail.lines) return { note: 'the app’s log was not found' };
  const started = startedAppVersion(parseLogEntries(tail.lines));
  if (!started) return { note: 'the app’s log holds no start with a version' };
  const at = started.at;
  const processStart = main.startTime?.getTime();
  if (at === undefined || processStart === undefined) {
    return { note: 'when the app or its logged start began is not known, so the logged version is not taken as the running one' };
  }
  const slack = Math.max(running.startTimeUncertaintyMs, 1_000) + 1_000;
  if (at.getTime() < processStart - slack) return { note: `the log’s latest start (${localTime(at)}) is before the running app started: an earlier run’s` };
  if (at.getTime() > processStart + START_LOG_WINDOW_MS)
    return { note: `the log’s latest start (${localTime(at)}) is long after the running app started: not its own` };
  return { version: started.version, at: localTime(at) };
}

const SETTING_FIELDS: [InferenceKey, (t: Target) => Field | undefined][] = [
  ['inferenceProvider', (t) => t.provider],
  ['inferenceGatewayAuthScheme', (t) => t.authScheme],
  ['inferenceCustomHeaders', (t) => t.customHeaders],
  ['inferenceGatewayHeaders', (t) => t.gatewayHeaders],
  ['inferenceModels', (t) => t.models],
];

/** Settings the app is given (not flags or env overrides, which only the doctor uses). */
export function settingsInUse(target: Target): InferenceKey[] {
  return SETTING_FIELDS.filter(([, get]) => {
    const f = get(target);
    return f !== undefined && f.origin !== 'flag' && f.origin !== 'env' && f.origin !== 'keychain';
  }).map(([key]) => key);
}
