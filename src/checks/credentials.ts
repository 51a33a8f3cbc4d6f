/**
 * How the app authenticates to the gateway (docs/claude-desktop.md, "Credentials"): it needs one
 * of a static key (`inferenceGatewayApiKey`), a credential helper (`inferenceCredentialHelper`,
 * which wins over a static key) or interactive sign-in (SSO: `inferenceGatewayOidc`, or the
 * gateway's own OAuth with `inferenceCredentialKind: "interactive"`). `inferenceCredentialKind`,
 * when set, picks the only source used. With none, the app cannot authenticate (its log:
 * `no credential configured for provider "gateway"`).
 *
 * With `--use-credential-helper` the doctor has run the helper (src/run/prepare.ts): a helper
 * that fails for the doctor fails for the app the same way. Never shows a credential.
 */
import { parseJsonStrict } from '../config/json.js';
import type { InferenceValues } from '../config/settings.js';
import type { Target } from '../config/target.js';
import { defineCheck, fail, findings, ok, problem, skip, type CodeOf, type CodeTable, type Finding, type Outcome } from '../contract/check.js';
import { Secret } from '../core/secret.js';
import { type CredentialSource, credentialSource } from '../inference/credentials.js';
import { settingsLayout, whyMissing, type SettingsLayout } from '../inference/settings-layout.js';
import claudeSettings from './claude-settings.js';
import { showSetting } from '../core/key-shape.js';

/** What the credentials check hands on. */
export interface CredentialsData {
  /** The source the app uses; `none` when there are no Claude Desktop settings (probing from flags). */
  source: CredentialSource | 'none';
  /** True when `inferenceCredentialKind` chose it. */
  explicit: boolean;
}

/** The log line the app writes when no credential is configured. */
export const NO_CREDENTIAL_LINE = 'no credential configured for provider "gateway": set inferenceCredentialKind or one of the credential fields';
/** Kinds of other providers (Bedrock, Vertex, Foundry): not a way to authenticate to a gateway. */
const OTHER_KINDS = ['vendor-profile', 'oauth', 'workforce'];

const codes = {
  CREDENTIALS_NONE: {
    title: 'No credential for the gateway: no API key, no credential helper, no single sign-on; the app cannot authenticate',
    fix: 'Set the Gateway API key (inferenceGatewayApiKey), or a credential helper (inferenceCredentialHelper: the absolute path of a program that prints the key), or single sign-on (inferenceGatewayOidc, or inferenceCredentialKind "interactive").',
  },
  CREDENTIALS_KIND_INVALID: {
    title: 'inferenceCredentialKind is not a kind the gateway provider takes',
    fix: 'Set inferenceCredentialKind to "static", "helper-script" or "interactive", or remove it.',
  },
  CREDENTIALS_KIND_SOURCE_MISSING: {
    title: 'inferenceCredentialKind picks a source that is not configured; the app uses only that source (no fallback)',
    fix: 'Configure the source the kind names ("static": inferenceGatewayApiKey; "helper-script": inferenceCredentialHelper), or change or remove inferenceCredentialKind.',
  },
  CREDENTIALS_HELPER_INVALID: {
    title: 'The credential helper is not the absolute path of a program',
    fix: 'Set inferenceCredentialHelper to the absolute path of an executable (no arguments, no shell command line).',
  },
  CREDENTIALS_HELPER_FAILED: {
    title: 'The credential helper did not print a key when the doctor ran it; the app would fail the same way',
    fix: 'Run the helper by hand: it must exit 0 within its timeout and print only the token (or {"token": "…"}) on stdout.',
  },
  CREDENTIALS_OIDC_INVALID: {
    title: 'inferenceGatewayOidc is not a valid single sign-on setting',
    fix: 'Set inferenceGatewayOidc to one JSON object with "clientId" and either "issuer" or both "authorizationUrl" and "tokenUrl".',
  },
  CREDENTIALS_STATIC_KEY_IGNORED: {
    title: 'A static API key is set, but the app ignores it: it takes the credential from another source',
    fix: 'Remove inferenceGatewayApiKey (it is not used), or make the static key the source (remove the helper / set inferenceCredentialKind to "static").',
  },
  CREDENTIALS_HELPER_NOT_CONFIGURED: {
    title: '--use-credential-helper was given, but the settings in force name no credential helper',
    fix: 'Nothing was run. Drop the flag, or configure inferenceCredentialHelper.',
  },
  CREDENTIALS_NOT_TOP_LEVEL: {
    title: 'The settings are nested where the app does not read them, so it sees no credential (see unknown-keys)',
    fix: 'Move the settings to the top level of the file (see the unknown-keys check).',
  },
  CREDENTIALS_OTHER_PROVIDER: {
    title: 'The provider is not the gateway, so the gateway credential rules do not apply',
    fix: 'See the inference-mode check.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

export default defineCheck({
  id: 'credentials',
  title: 'Gateway credential',
  group: 'settings',
  needs: [claudeSettings],
  codes,
  run({ discovery, target }) {
    const source = discovery.inForce;
    if (!source)
      return ok<CredentialsData>('no Claude Desktop settings: the doctor probes with the key it is given', undefined, { source: 'none', explicit: false });
    const layout = settingsLayout(source);
    const values: InferenceValues = source.values ?? {};
    const provider = values.inferenceProvider;
    if (typeof provider === 'string' && provider.trim() !== 'gateway' && provider.trim() !== '') {
      return skip('CREDENTIALS_OTHER_PROVIDER', `not judged: the provider is "${showSetting(provider.trim(), 40)}" (see inference-mode)`);
    }
    const present = (k: keyof InferenceValues) => values[k] !== undefined;
    if (layout.nested && !present('inferenceGatewayApiKey') && !present('inferenceCredentialHelper') && !present('inferenceGatewayOidc')) {
      return skip(
        'CREDENTIALS_NOT_TOP_LEVEL',
        `the settings are nested under "${showSetting(layout.nested.container, 80)}": the app sees no credential (see unknown-keys)`,
      );
    }
    return judge(values, target, layout);
  },
});

function judge(values: InferenceValues, target: Target, layout: SettingsLayout): Outcome<Code, CredentialsData> {
  const list: Finding<Code>[] = [];
  const hasKey = values.inferenceGatewayApiKey !== undefined;
  const helper = values.inferenceCredentialHelper;
  const hasHelper = helper !== undefined;
  const oidc = values.inferenceGatewayOidc;
  const hasOidc = oidc !== undefined;
  const kind = values.inferenceCredentialKind;
  const details: Record<string, unknown> = {
    staticKey: describeKey(values.inferenceGatewayApiKey),
    ...(hasHelper ? { helper: typeof helper === 'string' ? helper.slice(0, 300) : typeOf(helper) } : {}),
    ...(hasOidc ? { sso: true } : {}),
    ...(kind !== undefined ? { kind: typeof kind === 'string' ? showSetting(kind, 40) : typeOf(kind) } : {}),
  };

  // The one reading of which source the app uses (shared with the api-key check).
  const { source: chosen, explicit } = credentialSource(values);
  if (explicit) {
    if (chosen === undefined) {
      const other = typeof kind === 'string' && OTHER_KINDS.includes(kind);
      return fail(
        'CREDENTIALS_KIND_INVALID',
        `inferenceCredentialKind is ${typeof kind === 'string' ? `"${showSetting(kind, 40)}"` : typeOf(kind)}${other ? ', a kind of another provider' : ''}`,
        {
          details,
        },
      );
    }
    const missing = (chosen === 'static' && !hasKey) || (chosen === 'helper-script' && !hasHelper);
    if (missing) {
      const needed = chosen === 'static' ? 'inferenceGatewayApiKey' : 'inferenceCredentialHelper';
      const why = whyMissing(layout, needed);
      return fail(
        'CREDENTIALS_KIND_SOURCE_MISSING',
        `inferenceCredentialKind is "${chosen}" but ${why?.summary ?? `${needed} is not set`}: the app has no credential`,
        {
          details,
          ...(why ? { fix: why.fix } : {}),
        },
      );
    }
  }

  if (chosen === undefined) {
    const why = whyMissing(layout, 'inferenceGatewayApiKey') ?? whyMissing(layout, 'inferenceCredentialHelper') ?? whyMissing(layout, 'inferenceGatewayOidc');
    return fail(
      'CREDENTIALS_NONE',
      `${why ? `${why.summary}; ` : ''}no API key, credential helper or single sign-on is set (the app logs: ${NO_CREDENTIAL_LINE})`,
      {
        details: { ...details, logLine: NO_CREDENTIAL_LINE },
        ...(why ? { fix: why.fix } : {}),
      },
    );
  }

  if (hasOidc) {
    const problemText = oidcProblem(oidc);
    if (problemText) list.push(problem('fail', 'CREDENTIALS_OIDC_INVALID', problemText, { details }));
  }
  if (hasKey && chosen !== 'static') {
    list.push(
      problem(
        'warn',
        'CREDENTIALS_STATIC_KEY_IGNORED',
        `inferenceGatewayApiKey is set, but the app uses ${chosen === 'helper-script' ? 'the credential helper' : 'single sign-on'} and ignores it`,
        {
          details,
        },
      ),
    );
  }
  const run = target.credentialHelper;
  let summary: string;
  if (chosen === 'helper-script') {
    if (typeof helper !== 'string' || !isAbsolutePath(helper)) {
      list.unshift(
        problem('fail', 'CREDENTIALS_HELPER_INVALID', `inferenceCredentialHelper is ${typeof helper === 'string' ? 'not an absolute path' : typeOf(helper)}`, {
          details,
        }),
      );
    } else if (run && !run.ok) {
      details['helperRun'] = run;
      list.unshift(problem('fail', 'CREDENTIALS_HELPER_FAILED', `the credential helper failed: ${run.message ?? run.reason}`, { details }));
    }
    summary =
      run?.ok === true
        ? `credential helper ${helper} (no static key needed): ran in ${run.durationMs} ms and printed a key; the probes use it`
        : `credential helper ${String(helper).slice(0, 300)} (no static key needed; not run by the doctor: pass --use-credential-helper to probe with its key)`;
    if (run?.ok) details['helperRun'] = run;
  } else if (chosen === 'interactive') {
    summary = hasOidc
      ? 'single sign-on with the configured identity provider (no static key needed; the doctor cannot sign in: give it a key with --api-key-env to probe)'
      : "single sign-on through the gateway's own sign-in (no static key needed; the doctor cannot sign in: give it a key with --api-key-env to probe)";
  } else summary = `static API key (inferenceGatewayApiKey${explicit ? ', inferenceCredentialKind "static"' : ''})`;
  if (run && !run.ok && run.reason === 'not-configured') {
    list.push(
      problem('warn', 'CREDENTIALS_HELPER_NOT_CONFIGURED', '--use-credential-helper was given, but no credential helper is configured; nothing was run'),
    );
  }
  const data: CredentialsData = { source: chosen, explicit };
  return findings(list, ok(summary, { ...details, source: chosen }, data), data);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The static key as shown: never its value. */
function describeKey(v: unknown): string | { fingerprint: string; length: number } {
  if (v === undefined) return 'not set';
  return v instanceof Secret ? { fingerprint: v.fingerprint, length: v.length } : typeOf(v);
}

/** POSIX `/…`, Windows `C:\…` or `\\server\…`: the app runs only an absolute path. */
function isAbsolutePath(p: string): boolean {
  return /^\//.test(p) || /^[A-Za-z]:[\\/]/.test(p) || /^\\\\[^\\]+\\/.test(p);
}

/** What is wrong with `inferenceGatewayOidc` (an object, or a JSON string of one), if anything. */
function oidcProblem(value: unknown): string | undefined {
  let v = value;
  if (typeof v === 'string') {
    const parsed = parseJsonStrict(v);
    if (!parsed.ok) return `inferenceGatewayOidc is not valid JSON (line ${parsed.line}, column ${parsed.column})`;
    v = parsed.value;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `inferenceGatewayOidc is ${typeOf(v)}, not an object`;
  const o = v as Record<string, unknown>;
  const str = (k: string) => typeof o[k] === 'string' && (o[k] as string).trim() !== '';
  if (!str('clientId')) return 'inferenceGatewayOidc has no "clientId"';
  if (!str('issuer') && !(str('authorizationUrl') && str('tokenUrl')))
    return 'inferenceGatewayOidc has neither "issuer" nor both "authorizationUrl" and "tokenUrl"';
  return undefined;
}
