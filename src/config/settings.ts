/**
 * Shapes of what settings discovery finds. Discovery reads files and registry keys and says
 * what it saw; it never decides whether a value is good — the settings checks do that.
 */
import type { Secret } from '../core/secret.js';
import type { JsonHintCode } from './json.js';

/**
 * The inference keys whose values discovery hands on (docs/claude-desktop.md, "Managed sources"):
 * the gateway connection, its credentials, headers and models. A managed source that sets none of
 * them holds only app-behaviour keys and leaves the local library in force.
 */
export const INFERENCE_KEYS = [
  'inferenceProvider',
  'inferenceGatewayBaseUrl',
  'inferenceGatewayApiKey',
  'inferenceGatewayAuthScheme',
  'inferenceCustomHeaders',
  'inferenceGatewayHeaders',
  'inferenceModels',
  'inferenceCredentialKind',
  'inferenceCredentialHelper',
  'inferenceCredentialHelperTtlSec',
  'inferenceCredentialHelperTimeoutSec',
  'inferenceGatewayOidc',
  'modelDiscoveryEnabled',
] as const;
export type InferenceKey = (typeof INFERENCE_KEYS)[number];

/** True when `name` is one of {@link INFERENCE_KEYS}; `caseInsensitive` for registry value names. */
export function isInferenceKey(name: string, caseInsensitive = false): boolean {
  if (!caseInsensitive) return (INFERENCE_KEYS as readonly string[]).includes(name);
  const lower = name.toLowerCase();
  return INFERENCE_KEYS.some((k) => k.toLowerCase() === lower);
}

/**
 * Values as read, untouched except that a string API key is wrapped in a {@link Secret} at once
 * and native plist values are turned into their JSON equivalents. Managed plist and registry
 * values are usually strings (arrays/objects JSON-encoded); discovery does NOT decode them — see
 * {@link SettingsSource.managed}.
 */
export type InferenceValues = Partial<Record<InferenceKey, unknown>> & {
  inferenceGatewayApiKey?: Secret | unknown;
};

/** The app-behaviour keys that set the app's own proxy (docs/network-path.md). */
export const EGRESS_KEYS = ['egressProxyUrl', 'egressProxyPacUrl'] as const;

/**
 * The app's proxy settings as read. A password in either URL's user-info is registered as a
 * {@link Secret} at once (held in `secrets`), so no output ever shows it.
 */
export interface EgressValues {
  egressProxyUrl?: unknown;
  egressProxyPacUrl?: unknown;
  secrets?: Secret[];
}

/** Where settings can live, in precedence order (first wins). */
export type SourceKind =
  | 'managed-plist' // macOS /Library/Managed Preferences[/<user>]/com.anthropic.claudefordesktop.plist, or --managed FILE
  | 'managed-registry' // Windows HKLM / HKCU \SOFTWARE\Policies\Claude
  | 'managed-file' // Linux /etc/claude-desktop/managed-settings.json, or --managed FILE holding JSON
  | 'profile' // Claude-3p/configLibrary/_meta.json → <appliedId>.json
  | 'legacy'; // Claude-3p/claude_desktop_config.json → enterpriseConfig

/** Why a source that exists could not be used as is. */
export interface ReadProblem {
  kind:
    | 'unreadable' // permission denied, is a directory, I/O error
    | 'empty' // zero bytes or only whitespace
    | 'invalid-json'
    | 'not-object' // parsed, but the top level (or enterpriseConfig) is not an object
    | 'invalid-plist'
    | 'meta-invalid' // _meta.json has no usable appliedId
    | 'profile-missing' // _meta.json names a profile file that does not exist
    | 'managed-rejected'; // the Linux managed file fails the app's owner/permission rules
  /** For `managed-rejected`: each rule the file or its folder breaks, for a person. */
  reasons?: string[];
  /** What went wrong, for a person; never contains the key. */
  message: string;
  /** The file the problem is in (may differ from the source's location, e.g. _meta.json). */
  file: string;
  /** 1-based position of a parse error. */
  line?: number;
  column?: number;
  /** A likely cause: trailing comma, single quotes, typographic quotes, BOM. */
  hint?: string;
  /** The same cause as a stable code, for checks and tests to match on. */
  hintCode?: JsonHintCode;
}

/** One place that holds (or should hold) settings. */
export interface SettingsSource {
  kind: SourceKind;
  /** The file path or registry key that holds the values. */
  location: string;
  /** `user` or `machine` for managed sources. */
  scope?: 'user' | 'machine';
  /**
   * A managed (device-management) source. Plist and registry values are portably strings
   * (arrays/objects JSON-encoded); a native plist value is listed in {@link nativeValues}; the
   * Linux file (`managed-file`) holds native JSON as its documented form.
   */
  managed: boolean;
  /** The file started with a UTF-8 byte-order mark (the app fails to parse such a file). */
  bom: boolean;
  /** Set when the source exists but could not be read or parsed. */
  problem?: ReadProblem;
  /** The inference keys present (only keys that are set). Undefined when unparsable. */
  values?: InferenceValues;
  /** The app's own proxy settings (`egressProxyUrl`, `egressProxyPacUrl`) when set (docs/network-path.md). */
  egress?: EgressValues;
  /** `deploymentMode` from claude_desktop_config.json, when that file was read. */
  deploymentMode?: unknown;
  /** The local profile applied by _meta.json. */
  profile?: { id: string; name?: string };
  /** Every file this source is made of, with its modification time (for "relaunch needed"). */
  files: { path: string; mtimeMs: number; bom?: boolean }[];
  /**
   * Every top-level key name of the object the values came from (the applied entry,
   * `enterpriseConfig`, the plist dict, the registry values the app can see, the Linux file), in
   * order; bounded and with control characters removed ({@link keyNames}). For unknown-key findings.
   */
  keys?: string[];
  /** For each top-level key whose value is an object: the key names inside it (one level, bounded). */
  nestedKeys?: Record<string, string[]>;
  /**
   * Managed plist values that were not strings: native `<array>`, `<dict>`, `<true/>`, `<integer>`…
   * Current builds read them as the equivalent JSON (the values hold that); older ones needed
   * strings (docs/claude-desktop.md, "Managed sources").
   */
  nativeValues?: { key: string; form: NativeForm }[];
  /**
   * Registry values the app cannot read: `REG_MULTI_SZ`, `REG_QWORD`, `REG_BINARY` (invisible),
   * `REG_EXPAND_SZ` (counts toward machine policy being present, contents unreadable). Not in
   * `values` or `keys`.
   */
  invisibleValues?: { name: string; type: string }[];
  /** Registry subkeys under the policy key: the app never reads them. */
  subkeys?: string[];
  /**
   * Set when the app ignores this source entirely although it holds values: HKCU while HKLM has a
   * value (the location of that HKLM key). Such a source is never in force.
   */
  ignoredBy?: string;
}

/** What a native plist value was. */
export type NativeForm = 'array' | 'dict' | 'boolean' | 'integer' | 'real' | 'date' | 'data';

/** A folder with a library (or legacy file) the app does not read. */
export interface UnreadLibrary {
  /** The folder (a `Claude-3p` or `Claude` folder). */
  dir: string;
  /** The file that shows settings are there (`configLibrary/_meta.json` or `claude_desktop_config.json`). */
  file: string;
  /**
   * `first-party`: under the 1P `Claude` folder, which the app never reads for 3P settings;
   * `stale-roaming`: a Windows Roaming copy beside the Local folder the app reads;
   * `not-read`: another candidate folder (only the first that exists is read, or
   * `CLAUDE_USER_DATA_DIR` points elsewhere).
   */
  reason: 'first-party' | 'stale-roaming' | 'not-read';
}

/** Everything discovery found. */
export interface Discovery {
  /** Every location looked at, in precedence order, and whether something was there. */
  searched: { kind: SourceKind; location: string; exists: boolean }[];
  /** Sources that exist, in precedence order. */
  sources: SettingsSource[];
  /**
   * The source Claude Desktop uses: the first managed source that holds any inference key
   * (and that the app does not ignore), else the applied local profile, else the legacy file. A
   * source with a `problem` can be in force (the app would fail on it the same way). A managed
   * file given explicitly (`--managed FILE`) is in force even when it has a problem, since it is
   * the file being examined; so is a Linux managed file with a problem (a rejected one disables
   * local settings too); a broken plist or registry source is not (the OS would not deliver its
   * values).
   */
  inForce?: SettingsSource;
  /** Sources that hold settings but are ignored because another is in force. */
  shadowed: SettingsSource[];
  /** The Claude-3p folder that was read (undefined when none exists and none was given). */
  claudeDir?: string;
  /** Other candidate Claude-3p folders that exist but were not read (only the first is). */
  otherClaudeDirs?: string[];
  /** Folders holding settings the app does not read (docs/claude-desktop.md, "Folders"). */
  unreadLibraries?: UnreadLibrary[];
  /** `CLAUDE_USER_DATA_DIR`, when set (absolute): the app reads its library there, as is. */
  userDataDir?: string;
  /**
   * Windows: the policy hive the app reads — `machine` when HKLM has a value (HKCU is then
   * ignored entirely), `user` when only HKCU has one. Unset elsewhere or when neither has values.
   */
  policyHive?: 'machine' | 'user';
  /** `deploymentMode` from Claude-3p/claude_desktop_config.json, if present. */
  deploymentMode?: unknown;
}
