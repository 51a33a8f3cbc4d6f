/**
 * Claude Desktop's settings were found and can be read: which source is in force, which others
 * exist (a local profile that managed settings shadow is worth telling), every reason the app
 * itself would fail to read them, and settings the app silently does not read (docs/claude-desktop.md:
 * a library under the first-party folder, a stale Roaming copy, HKCU hidden by HKLM, registry
 * types the app cannot see, a Linux managed file the app rejects or discards). Discovery has
 * already read the files (src/config): this check only judges what it found, so it does no I/O.
 *
 * A finding fails only when the settings in force cannot be used as they are (or nothing is in
 * force): a fail here stops the checks that judge the settings, so settings the app ignores while
 * others work are warnings, and those checks still run on what the app uses.
 *
 * A file that cannot be parsed and starts with a byte-order mark has two problems (discovery
 * strips the BOM before parsing): both are reported, the parse error first.
 */
import { basename } from 'node:path';

import { isKnownKey, suggestKey } from '../app/config-keys.js';
import { defineCheck, findings, ok, problem, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import { INFERENCE_KEYS, type Discovery, type ReadProblem, type SettingsSource } from '../config/settings.js';
import { describeSource } from '../config/describe-source.js';
import { safeJson } from '../inference/text.js';

const codes = {
  SETTINGS_NOT_FOUND: {
    title: 'No Claude Desktop third-party inference settings were found',
    fix: 'In Claude Desktop: Help → Troubleshooting → Enable Developer Mode, then Developer → Configure third-party inference…. Or point the doctor at a Claude-3p folder: portkey-doctor --claude-dir DIR; or probe the gateway without Claude Desktop: portkey-doctor --base-url https://api.portkey.ai --api-key-env PORTKEY_API_KEY',
  },
  SETTINGS_UNREADABLE: {
    title: 'A settings file exists but cannot be read',
    fix: 'Check the file’s permissions and owner: it must be readable by the user who runs Claude Desktop.',
  },
  SETTINGS_EMPTY: {
    title: 'A settings file is empty',
    fix: 'Open Configure third-party inference… and apply the settings again, or restore the file from a backup.',
  },
  SETTINGS_INVALID_JSON: {
    title: 'A settings file is not valid JSON',
    fix: 'Fix the JSON at the line and column shown (or apply the settings again from the app’s window).',
  },
  SETTINGS_BOM: {
    title: 'A settings file starts with a UTF-8 byte-order mark, which breaks parsing',
    fix: 'Save the file as UTF-8 without BOM (in Notepad: "UTF-8", not "UTF-8 with BOM").',
  },
  SETTINGS_NOT_OBJECT: {
    title: 'A settings file is JSON but not an object of settings',
    fix: 'The file must hold one JSON object {…}; apply the settings again from the app’s window.',
  },
  SETTINGS_PLIST_INVALID: {
    title: 'The managed-preferences plist cannot be parsed',
    fix: 'Ask IT to re-deploy the configuration profile; check it with plutil -lint.',
  },
  SETTINGS_META_INVALID: {
    title: 'configLibrary/_meta.json does not name an applied profile',
    fix: 'Open Configure third-party inference…, choose a profile and press Apply so the app rewrites _meta.json.',
  },
  SETTINGS_PROFILE_MISSING: {
    title: 'The profile _meta.json applies does not exist',
    fix: 'Open Configure third-party inference…, choose or create a profile and press Apply.',
  },
  SETTINGS_SHADOWED: {
    title: 'Managed settings are in force and a different local profile is ignored',
    fix: 'Edits in the app’s window have no effect while managed settings exist; ask IT to change the managed configuration.',
  },
  SETTINGS_LIBRARY_IN_1P_FOLDER: {
    title: 'A settings library is in the first-party Claude folder, which the app does not read for third-party settings',
    fix: 'Move configLibrary into the Claude-3p folder (or apply the settings again from Developer → Configure third-party inference…); the app reads only Claude-3p/configLibrary.',
  },
  SETTINGS_STALE_ROAMING: {
    title: 'A Claude-3p folder in the Windows Roaming profile holds settings the current app does not read',
    fix: 'Current builds read %LOCALAPPDATA%\\Claude-3p; apply the settings there (from the app’s window), then delete or rename the stale Roaming copy.',
  },
  SETTINGS_HKCU_IGNORED: {
    title: 'Machine policy (HKLM) exists, so the app ignores the user policy (HKCU) entirely',
    fix: 'Put every Claude policy value under HKLM\\SOFTWARE\\Policies\\Claude, or remove all values from HKLM so HKCU is read; the hives are not merged.',
  },
  SETTINGS_REGISTRY_VALUE_INVISIBLE: {
    title: 'A registry policy value has a type the app cannot read',
    fix: 'Write it as REG_SZ (arrays and objects as JSON text; REG_DWORD is fine for booleans and integers) directly under the policy key.',
  },
  SETTINGS_MANAGED_REJECTED: {
    title: 'The app rejects the Linux managed settings file for its owner or permissions, and disables local settings too',
    fix: 'sudo chown root:root /etc/claude-desktop /etc/claude-desktop/managed-settings.json && sudo chmod 755 /etc/claude-desktop && sudo chmod 644 /etc/claude-desktop/managed-settings.json (no symlinks), then relaunch the app.',
  },
  SETTINGS_MANAGED_UNKNOWN_KEY: {
    title: 'The managed settings file holds a key the app does not recognise, so the app discards the whole file',
    fix: 'Remove or correct the key (names are case-sensitive and must be top-level, as in the configuration reference), then relaunch the app.',
  },
  SETTINGS_APPLIED_ID_UPPERCASE: {
    title: 'The applied profile id has upper-case letters; the app may accept only lower-case ids (medium confidence)',
    fix: 'Rename the profile file and its appliedId/entries id to lower case, or apply the profile again from the app’s window.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

const PROBLEM_CODE = {
  unreadable: 'SETTINGS_UNREADABLE',
  empty: 'SETTINGS_EMPTY',
  'invalid-json': 'SETTINGS_INVALID_JSON',
  'not-object': 'SETTINGS_NOT_OBJECT',
  'invalid-plist': 'SETTINGS_PLIST_INVALID',
  'meta-invalid': 'SETTINGS_META_INVALID',
  'profile-missing': 'SETTINGS_PROFILE_MISSING',
  'managed-rejected': 'SETTINGS_MANAGED_REJECTED',
} as const satisfies Record<ReadProblem['kind'], Code>;

export default defineCheck({
  id: 'claude-settings',
  title: 'Settings found and readable',
  group: 'settings',
  codes,
  run({ discovery, target }) {
    const source = discovery.inForce;
    const common = commonDetails(discovery);
    // Settings the app does not read matter most when nothing else is in force; with settings in
    // force (or a gateway given by flags) they are warnings and the settings checks still run.
    const fromFlags = target.baseUrl !== undefined && (target.baseUrl.origin === 'flag' || target.baseUrl.origin === 'env');
    const ignoredSeverity = source === undefined && !fromFlags ? 'fail' : 'warn';
    const ignored = [...ignoredSettings(discovery, ignoredSeverity), ...registryFindings(discovery)];

    if (!source) {
      if (fromFlags) {
        return findings(
          ignored,
          ok('no Claude Desktop settings; using the gateway given by flags/environment', { ...searchedDetails(discovery.searched), ...common }),
        );
      }
      const where = discovery.searched.map((s) => s.location).join(', ') || 'no location (unknown OS)';
      const notFound = problem('fail', 'SETTINGS_NOT_FOUND', `nothing found; looked in ${where}${userDataNote(discovery)}`, {
        details: { ...searchedDetails(discovery.searched), ...common },
      });
      // A specific reason (settings the app does not read) replaces "not found".
      return findings(ignored.some((f) => f.status === 'fail') ? ignored : [notFound, ...ignored], ok(''));
    }
    const details: Record<string, unknown> = {
      source: source.kind,
      location: source.location,
      ...(source.profile ? { profile: source.profile } : {}),
      otherSources: discovery.sources.filter((s) => s !== source).map((s) => `${s.kind}: ${s.location}`),
      ...common,
    };
    const list: Finding<Code>[] = [];
    if (source.problem) list.push(problemFinding(source.problem, details));
    if (source.bom) list.push(problem('fail', 'SETTINGS_BOM', `${source.location} starts with a UTF-8 BOM`, { details }));
    list.push(...unknownManagedKeys(discovery));
    list.push(...ignored);
    const id = source.profile?.id;
    if (id !== undefined && id !== id.toLowerCase()) {
      list.push(
        problem(
          'warn',
          'SETTINGS_APPLIED_ID_UPPERCASE',
          `appliedId ${safeId(id)} has upper-case letters; one analysis of the app says it accepts only lower-case ids (medium confidence: a single source)`,
          { details: { ...details, appliedId: safeId(id), confidence: 'medium' } },
        ),
      );
    }
    const name = `${describeSource(source.kind)}${source.kind === 'managed-registry' ? ` (${hiveName(source)})` : ''}${source.profile?.name ? ` "${safeId(source.profile.name)}"` : ''}`;
    // Which local profile is ignored matters once the settings in force can be read at all.
    const readable = !list.some((f) => f.status === 'fail');
    const shadowedProfiles = readable && source.managed ? discovery.shadowed.filter((s) => !s.managed && s.values && differs(s, source)) : [];
    if (shadowedProfiles.length > 0) {
      list.push(
        problem(
          'warn',
          'SETTINGS_SHADOWED',
          `${name} in force; ${shadowedProfiles.map((s) => describeSource(s.kind)).join(', ')} with other values is ignored`,
          {
            details: { ...details, shadowed: shadowedProfiles.map((s) => s.location) },
          },
        ),
      );
    }
    const behaviourOnly = managedWithoutInference(discovery);
    const behaviourNote =
      behaviourOnly.length > 0 && !source.managed
        ? `; ${behaviourOnly.map((m) => describeSource(m.kind)).join(', ')} set only app-behaviour keys, so the local settings stay in force`
        : '';
    return findings(list, ok(`${name} in force${behaviourNote}${userDataNote(discovery)}`, details));
  },
});

/** Facts every outcome carries: where the app reads from, and what it does not read. */
function commonDetails(discovery: Discovery): Record<string, unknown> {
  const behaviourOnly = managedWithoutInference(discovery);
  return {
    ...(discovery.userDataDir !== undefined ? { userDataDir: discovery.userDataDir } : {}),
    ...(discovery.policyHive !== undefined ? { policyHive: discovery.policyHive === 'machine' ? 'HKLM' : 'HKCU' } : {}),
    ...(discovery.unreadLibraries?.length ? { unreadLibraries: discovery.unreadLibraries } : {}),
    ...(behaviourOnly.length > 0 ? { managedWithoutInference: behaviourOnly.map((s) => ({ location: s.location, keys: (s.keys ?? []).slice(0, 20) })) } : {}),
  };
}

function userDataNote(discovery: Discovery): string {
  return discovery.userDataDir !== undefined ? ` (CLAUDE_USER_DATA_DIR is set: the library is read from ${discovery.userDataDir}, as is)` : '';
}

/** Managed sources the app reads that set no inference key: the local settings stay in force beside them. */
function managedWithoutInference(discovery: Discovery): SettingsSource[] {
  return discovery.sources.filter(
    (s) => s.managed && s.ignoredBy === undefined && !s.problem && (s.keys?.length ?? 0) > 0 && Object.keys(s.values ?? {}).length === 0,
  );
}

function hiveName(source: SettingsSource): string {
  return source.scope === 'machine' ? 'HKLM' : 'HKCU';
}

/** An id or a profile name for a message: bounded, printable (it is untrusted input). */
function safeId(id: string): string {
  const clean = id.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}

/** Libraries the app does not read, and a user policy hidden by machine policy. */
function ignoredSettings(discovery: Discovery, severity: 'fail' | 'warn'): Finding<Code>[] {
  const out: Finding<Code>[] = [];
  const unread = discovery.unreadLibraries ?? [];
  const hasLocalLibrary = discovery.sources.some((s) => s.kind === 'profile');
  const firstParty = unread.filter((u) => u.reason === 'first-party');
  if (firstParty.length > 0 && !hasLocalLibrary) {
    out.push(
      problem(
        severity,
        'SETTINGS_LIBRARY_IN_1P_FOLDER',
        `a library exists only under the first-party folder ${firstParty.map((u) => u.dir).join(', ')}; the app reads Claude-3p${discovery.claudeDir ? ` (${discovery.claudeDir})` : ''}, not Claude`,
        { details: { unreadLibraries: firstParty } },
      ),
    );
  }
  const roaming = unread.filter((u) => u.reason === 'stale-roaming');
  if (roaming.length > 0) {
    out.push(
      problem(
        severity,
        'SETTINGS_STALE_ROAMING',
        `stale Roaming copy ${roaming.map((u) => u.dir).join(', ')} holds settings; the app reads ${discovery.claudeDir ?? 'the Local folder'}`,
        { details: { unreadLibraries: roaming } },
      ),
    );
  }
  for (const user of discovery.sources.filter((s) => s.ignoredBy !== undefined)) {
    const holdsInference = Object.keys(user.values ?? {}).length > 0;
    out.push(
      problem(
        holdsInference ? severity : 'warn',
        'SETTINGS_HKCU_IGNORED',
        `HKLM is in force (it has values); ${user.location} and its ${(user.keys ?? []).length} value(s) are invisible to the app${holdsInference ? ', including its inference settings' : ''}`,
        { details: { policyHive: 'HKLM', ignored: user.location, ignoredKeys: (user.keys ?? []).slice(0, 50), hklm: user.ignoredBy } },
      ),
    );
  }
  return out;
}

/** The keys the gateway cannot do without: a value the app cannot see leaves them unset. */
const REQUIRED_KEYS = ['inferenceProvider', 'inferenceGatewayBaseUrl'] as const;
const INFERENCE_LOWER: ReadonlySet<string> = new Set(INFERENCE_KEYS.map((k) => k.toLowerCase()));

/** Registry values of a type the app cannot read, in a policy key it reads. */
function registryFindings(discovery: Discovery): Finding<Code>[] {
  const out: Finding<Code>[] = [];
  for (const s of discovery.sources) {
    if (s.kind !== 'managed-registry' || s.ignoredBy !== undefined || !s.invisibleValues?.length) continue;
    const invisible = s.invisibleValues;
    const inference = invisible.filter((v) => INFERENCE_LOWER.has(v.name.toLowerCase()));
    const visible = new Set((s.keys ?? []).map((k) => k.toLowerCase()));
    const leavesRequiredUnset =
      s === discovery.inForce &&
      inference.some((v) => REQUIRED_KEYS.some((r) => r.toLowerCase() === v.name.toLowerCase()) && !visible.has(v.name.toLowerCase()));
    const described = invisible.map((v) => `${v.name} (${v.type}${v.type === 'REG_EXPAND_SZ' ? ': counts as machine policy, contents unread' : ''})`);
    out.push(
      problem(
        leavesRequiredUnset ? 'fail' : 'warn',
        'SETTINGS_REGISTRY_VALUE_INVISIBLE',
        `${s.location}: the app cannot read ${described.slice(0, 10).join(', ')}${invisible.length > 10 ? ` and ${invisible.length - 10} more` : ''}${inference.length > 0 ? '; to the app those settings are unset' : ''}`,
        {
          details: {
            location: s.location,
            invisibleValues: invisible.slice(0, 50),
            ...(s.subkeys?.length ? { subkeysNeverRead: s.subkeys.slice(0, 20) } : {}),
          },
        },
      ),
    );
  }
  return out;
}

/**
 * Keys of a JSON managed file (the Linux file, or one given with --managed) that the app does
 * not recognise: one discards the whole file. A failure when that file is what the settings
 * checks judge (its values would not apply), a warning when it holds only app-behaviour keys.
 */
function unknownManagedKeys(discovery: Discovery): Finding<Code>[] {
  const out: Finding<Code>[] = [];
  for (const s of discovery.sources) {
    if (s.kind !== 'managed-file' || s.problem) continue;
    const unknown = (s.keys ?? []).filter((k) => !isKnownKey(k));
    if (unknown.length === 0) continue;
    const suggestions = Object.fromEntries(
      unknown.flatMap((k) => {
        const near = suggestKey(k);
        return near ? [[k, near]] : [];
      }),
    );
    const named = unknown.slice(0, 10).map((k) => (suggestions[k] ? `${k} (did you mean ${suggestions[k]}?)` : k));
    out.push(
      problem(
        s === discovery.inForce ? 'fail' : 'warn',
        'SETTINGS_MANAGED_UNKNOWN_KEY',
        `${s.location}: unrecognised key${unknown.length > 1 ? 's' : ''} ${named.join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}; the app discards the whole file`,
        { details: { location: s.location, unknownKeys: unknown.slice(0, 50), ...(Object.keys(suggestions).length ? { didYouMean: suggestions } : {}) } },
      ),
    );
  }
  return out;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/\.$/, '');

/** Why the app cannot read the source, with the file (and position) in details and fix. */
function problemFinding(read: ReadProblem, details: Record<string, unknown>): Finding<Code> {
  const code = PROBLEM_CODE[read.kind];
  const where = read.line !== undefined ? ` at line ${read.line}, column ${read.column}` : '';
  if (read.kind === 'managed-rejected') {
    return problem('fail', code, `${read.file}: ${(read.reasons ?? []).join('; ')}; the app applies none of it and disables local settings too`, {
      details: { ...details, file: read.file, reasons: read.reasons ?? [] },
    });
  }
  // read.message already says where in the file; the full path goes into the fix.
  return problem('fail', code, `${basename(read.file)}: ${read.message}`, {
    details: {
      ...details,
      file: read.file,
      ...(read.line !== undefined ? { line: read.line, column: read.column } : {}),
      ...(read.hint ? { hint: read.hint } : {}),
    },
    fix: `${read.hint ? `${capitalise(read.hint)}.` : codes[code].fix} File: ${read.file}${where}.`.trim(),
  });
}

function searchedDetails(searched: { location: string; exists: boolean }[]) {
  return { searched: searched.map((s) => s.location) };
}

/** Compares the keys the two sources set (the key by fingerprint, never by value). */
function differs(a: SettingsSource, b: SettingsSource): boolean {
  return JSON.stringify(normalise(a)) !== JSON.stringify(normalise(b));
}
function normalise(s: SettingsSource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.values ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
    // Managed values are JSON strings; local ones native: compare decoded forms.
    let value: unknown = v;
    if (typeof v === 'string' && /^[[{]/.test(v.trim())) {
      try {
        value = JSON.parse(v);
      } catch {
        /* keep the string */
      }
    }
    out[k] = safeJson(value) ?? safeJson(v) ?? '';
  }
  return out;
}
