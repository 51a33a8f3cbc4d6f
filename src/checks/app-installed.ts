/**
 * Claude Desktop is installed, and which version: the macOS bundle's Info.plist, the Windows
 * Squirrel folder / uninstall record / per-user install / MSIX package, on Linux the running
 * app's executable or the official .deb's place (docs/claude-desktop.md, "Installs and
 * processes"), or whatever `--app` (`PORTKEY_DOCTOR_APP`) names. Linux has no documented install
 * location: when the app neither runs nor is at the .deb's place, the check says what could not
 * be established (a `skip`, not a failure). Other Unix-likes have no build: a `skip` unless `--app`
 * names one. Hands the install on to app-version.
 */
import { APP_LOCATIONS, type AppInstall } from '../app/install.js';
import { appOptions, APP_ENV_VARS, pathContextFrom } from '../app/options.js';
import { customRule } from '../app/process-rules.js';
import { sameVersion } from '../app/versions.js';
import { defineCheck, fail, ok, skip, warn, type CodeOf, type CodeTable, type Outcome } from '../contract/check.js';

const codes = {
  APP_NOT_FOUND: {
    title: 'Claude Desktop was not found where it is normally installed',
    fix: 'Install Claude Desktop from https://claude.ai/download, or point the doctor at it with --app PATH.',
  },
  APP_NOT_LOCATED: {
    title:
      'Claude Desktop is not running and not where its Linux package installs it; Anthropic documents no other location, so whether it is installed is not known',
    fix: `Start Claude Desktop and run the doctor again (it is then found by its process), or point the doctor at it with --app PATH (or ${APP_ENV_VARS.app}).`,
  },
  APP_UNSUPPORTED_OS: {
    title: 'Anthropic ships no Claude Desktop for this OS; the app checks do not apply',
    fix: `Nothing to do when probing the gateway from here; to check a community build, pass --app PATH (or ${APP_ENV_VARS.app}).`,
  },
  APP_PATH_NOT_FOUND: {
    title: 'The app path given with --app does not exist',
    fix: 'Give the path of Claude.app, Claude.exe or the app’s install folder.',
  },
  APP_BUNDLE_UNREADABLE: {
    title: 'The app bundle has no readable Info.plist (damaged or incomplete install)',
    fix: 'Reinstall Claude Desktop from https://claude.ai/download.',
  },
  APP_NOT_CLAUDE: {
    title: 'The bundle found is not Anthropic’s Claude Desktop (other bundle id)',
    fix: `Install Claude Desktop from https://claude.ai/download (bundle id ${APP_LOCATIONS.macBundleId}), or point --app at it.`,
  },
  APP_MULTIPLE_INSTALLS: {
    title: 'More than one copy of Claude Desktop is installed, with different versions',
    fix: 'Remove the older copy so the one you open is the current one.',
  },
} as const satisfies CodeTable;

/** What app-installed hands on (nothing when no install was found). */
export interface AppInstalledData {
  /** The install found first (or given with --app): the one the user most likely runs. */
  install: AppInstall;
}

export default defineCheck({
  id: 'app-installed',
  title: 'Claude Desktop installed',
  group: 'app',
  timeoutMs: 20_000,
  codes,
  async run(ctx) {
    const { platform, adapter } = ctx.os;
    const opts = appOptions(ctx.env, platform);
    if (opts.appPath !== undefined) {
      const install = await ctx.os.inspectAppPath(opts.appPath);
      if (!install) return fail('APP_PATH_NOT_FOUND', `${opts.appPath} does not exist`, { details: { given: opts.appPath } });
      return installOutcome(install, [], { given: opts.appPath });
    }
    if (!adapter.official) {
      return skip('APP_UNSUPPORTED_OS', `no official Claude Desktop for ${platform}; not looked for (pass --app to check a community build)`, {
        details: { platform },
      });
    }
    const found = await adapter.locateApp(pathContextFrom(ctx.env, platform), {
      processRule: opts.appProcess !== undefined ? customRule(opts.appProcess) : adapter.processRule,
      self: ctx.os.self,
    });
    const [first, ...others] = found.installs;
    if (!first && found.undetermined !== undefined) {
      return skip('APP_NOT_LOCATED', found.undetermined, { details: { searched: found.searched, notes: found.notes } });
    }
    if (!first) {
      return warn('APP_NOT_FOUND', `not found; looked in ${found.searched.join(', ')}`, { details: { searched: found.searched, notes: found.notes } });
    }
    return installOutcome(first, others, { searched: found.searched, ...(found.notes.length ? { notes: found.notes } : {}) });
  },
});

function installDetails(i: AppInstall): Record<string, unknown> {
  return {
    path: i.path,
    kind: i.kind,
    ...(i.version !== undefined ? { version: i.version, versionSource: i.versionSource } : {}),
    ...(i.bundleId !== undefined ? { bundleId: i.bundleId } : {}),
    ...(i.build !== undefined ? { build: i.build } : {}),
  };
}

/** The outcome for the install found first (and the others found), exported for tests. */
export function installOutcome(install: AppInstall, others: AppInstall[], extra: Record<string, unknown>): Outcome<CodeOf<typeof codes>, AppInstalledData> {
  const details: Record<string, unknown> = {
    ...installDetails(install),
    ...(others.length ? { otherInstalls: others.map(installDetails) } : {}),
    ...extra,
  };
  const data: AppInstalledData = { install };
  if (install.problem?.kind === 'bundle-unreadable') {
    return fail('APP_BUNDLE_UNREADABLE', install.problem.message, { details });
  }
  if (install.problem?.kind === 'bundle-id-mismatch') {
    return warn('APP_NOT_CLAUDE', `${install.path}: ${install.problem.message}`, { details, data });
  }
  const versionText = install.version !== undefined ? `version ${install.version}` : 'version unknown';
  // Compared as versions: an MSIX `1.5354.0.0` and a folder's `1.5354.0` are the same.
  const differing = others.filter((o) => o.version !== undefined && install.version !== undefined && !sameVersion(o.version, install.version));
  if (differing.length > 0) {
    return warn('APP_MULTIPLE_INSTALLS', `${install.path} (${versionText}) and ${differing.map((o) => `${o.path} (${o.version})`).join(', ')}`, {
      details,
      data,
    });
  }
  return ok(`${versionText} at ${install.path}${install.build !== undefined ? ` (${install.build})` : ''}`, details, data);
}
