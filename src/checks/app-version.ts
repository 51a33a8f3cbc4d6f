/**
 * The installed app is new enough for the settings it is given: versions come from the one
 * table in app/versions.ts. An older build silently ignores `inferenceCustomHeaders`,
 * so metadata policies never apply; where no minimum is known the doctor says so.
 */
import { compareVersions, parseVersion, requirementFor, SETTING_REQUIREMENTS } from '../app/versions.js';
import type { InferenceKey } from '../config/settings.js';
import type { Field, Target } from '../config/target.js';
import { defineCheck, findings, ok, problem, warn, type Finding } from '../contract/check.js';
import appInstalled from './app-installed.js';

const CUSTOM_HEADERS_MIN = requirementFor('inferenceCustomHeaders')?.minVersion ?? '?';
const AUTH_SCHEME_MIN = requirementFor('inferenceGatewayAuthScheme')?.minVersion ?? '?';
const UPDATE = 'Update Claude Desktop (Claude → Check for Updates…, or download it again from https://claude.ai/download)';

export default defineCheck({
  id: 'app-version',
  title: 'App version supports the settings',
  group: 'app',
  needs: [appInstalled],
  codes: {
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
  run(ctx) {
    const version = ctx.upstream(appInstalled)?.install.version;
    const used = settingsInUse(ctx.target);
    const known = used.map((s) => ({ setting: s, min: requirementFor(s)?.minVersion })).filter((r) => r.min !== undefined);
    const unknownMinimum = used.filter((s) => requirementFor(s)?.minVersion === undefined);
    const details: Record<string, unknown> = {
      version: version ?? null,
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
    const found: Finding<'APP_TOO_OLD_CUSTOM_HEADERS' | 'APP_TOO_OLD_AUTH_SCHEME'>[] = [];
    if (used.includes('inferenceCustomHeaders') && older(requirementFor('inferenceCustomHeaders')?.minVersion)) {
      const fallback = used.includes('inferenceGatewayHeaders');
      const summary = `app ${version} < ${CUSTOM_HEADERS_MIN}: inferenceCustomHeaders is ignored${fallback ? ' (the older inferenceGatewayHeaders are still sent)' : ', so no extra header (x-portkey-metadata) is sent'}`;
      found.push(problem(fallback ? 'warn' : 'fail', 'APP_TOO_OLD_CUSTOM_HEADERS', summary, { details }));
    }
    const scheme = ctx.target.authScheme;
    if (
      used.includes('inferenceGatewayAuthScheme') &&
      older(AUTH_SCHEME_MIN) &&
      !(typeof scheme?.value === 'string' && scheme.value.trim().toLowerCase() === 'bearer')
    ) {
      found.push(problem('warn', 'APP_TOO_OLD_AUTH_SCHEME', `app ${version} < ${AUTH_SCHEME_MIN}: the auth scheme setting is ignored`, { details }));
    }
    const checked = known.map((r) => `${r.setting} ≥ ${r.min}`).join(', ');
    const unknownText = unknownMinimum.length ? `; no minimum known for ${unknownMinimum.join(', ')}` : '';
    return findings(found, ok(`${version}${checked ? ` supports ${checked}` : ': no setting in use has a known minimum'}${unknownText}`, details));
  },
});

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
