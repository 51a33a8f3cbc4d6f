/**
 * Claude Desktop's settings were found and can be read: which source is in force, which others
 * exist (a local profile that managed settings shadow is worth telling), and every reason the
 * app itself would fail to read them. Discovery has already read the files (src/config): this
 * check only judges what it found, so it does no I/O of its own.
 *
 * A file that cannot be parsed and starts with a byte-order mark has two problems (discovery
 * strips the BOM before parsing): both are reported, the parse error first.
 */
import { basename } from 'node:path';

import { defineCheck, fail, findings, ok, problem, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import type { ReadProblem, SettingsSource } from '../config/settings.js';
import { describeSource } from '../config/describe-source.js';
import { safeJson } from '../inference/text.js';

const codes = {
  SETTINGS_NOT_FOUND: {
    title: 'No Claude Desktop third-party inference settings were found',
    fix: 'In Claude Desktop: Help → Troubleshooting → Enable Developer Mode, then Developer → Configure third-party inference…; or point the doctor at the folder with --claude-dir, or at the gateway with --base-url.',
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
} as const satisfies Record<ReadProblem['kind'], Code>;

export default defineCheck({
  id: 'claude-settings',
  title: 'Settings found and readable',
  group: 'settings',
  codes,
  run({ discovery, target }) {
    const source = discovery.inForce;
    if (!source) {
      if (target.baseUrl && (target.baseUrl.origin === 'flag' || target.baseUrl.origin === 'env')) {
        return ok('no Claude Desktop settings; using the gateway given by flags/environment', searchedDetails(discovery.searched));
      }
      return fail('SETTINGS_NOT_FOUND', `nothing found; looked in ${discovery.searched.map((s) => s.location).join(', ') || 'no location (unknown OS)'}`, {
        details: searchedDetails(discovery.searched),
      });
    }
    const details: Record<string, unknown> = {
      source: source.kind,
      location: source.location,
      ...(source.profile ? { profile: source.profile } : {}),
      otherSources: discovery.sources.filter((s) => s !== source).map((s) => `${s.kind}: ${s.location}`),
    };
    const list: Finding<Code>[] = [];
    if (source.problem) list.push(problemFinding(source.problem, details));
    if (source.bom) list.push(problem('fail', 'SETTINGS_BOM', `${source.location} starts with a UTF-8 BOM`, { details }));
    const name = `${describeSource(source.kind)}${source.profile?.name ? ` "${source.profile.name}"` : ''}`;
    // Which local profile is ignored matters once the settings in force can be read at all.
    const shadowedProfiles = list.length === 0 && source.managed ? discovery.shadowed.filter((s) => !s.managed && s.values && differs(s, source)) : [];
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
    return findings(list, ok(`${name} in force`, details));
  },
});

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/\.$/, '');

/** Why the app cannot read the source, with the file (and position) in details and fix. */
function problemFinding(read: ReadProblem, details: Record<string, unknown>): Finding<Code> {
  const code = PROBLEM_CODE[read.kind];
  const where = read.line !== undefined ? ` at line ${read.line}, column ${read.column}` : '';
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
