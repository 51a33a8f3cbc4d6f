/**
 * Claude Desktop's settings were found and can be read: which source is in force, which others
 * exist (a local profile that managed settings shadow is worth telling), and every reason the
 * app itself would fail to read them.
 */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import type { ReadProblem, SettingsSource } from '../config/settings.js';
import { basename } from 'node:path';
import { describeSource } from '../config/describe-source.js';
import { safeJson } from '../inference/text.js';

const PROBLEM_CODE: Record<ReadProblem['kind'], string> = {
  unreadable: 'SETTINGS_UNREADABLE',
  empty: 'SETTINGS_EMPTY',
  'invalid-json': 'SETTINGS_INVALID_JSON',
  'not-object': 'SETTINGS_NOT_OBJECT',
  'invalid-plist': 'SETTINGS_PLIST_INVALID',
  'meta-invalid': 'SETTINGS_META_INVALID',
  'profile-missing': 'SETTINGS_PROFILE_MISSING',
};

const check = defineCheck({
  id: 'claude-settings',
  title: 'Settings found and readable',
  group: 'settings',
  codes: {
    SETTINGS_NOT_FOUND: {
      title: 'No Claude Desktop third-party inference settings were found',
      fix: 'In Claude Desktop: Help → Troubleshooting → Enable Developer Mode, then Developer → Configure third-party inference…; or point the doctor at the folder with --claude-dir, or at the gateway with --base-url.',
    },
    SETTINGS_UNREADABLE: { title: 'A settings file exists but cannot be read', fix: 'Check the file’s permissions and owner: it must be readable by the user who runs Claude Desktop.' },
    SETTINGS_EMPTY: { title: 'A settings file is empty', fix: 'Open Configure third-party inference… and apply the settings again, or restore the file from a backup.' },
    SETTINGS_INVALID_JSON: { title: 'A settings file is not valid JSON', fix: 'Fix the JSON at the line and column shown (or apply the settings again from the app’s window).' },
    SETTINGS_BOM: {
      title: 'A settings file starts with a UTF-8 byte-order mark, which breaks parsing',
      fix: 'Save the file as UTF-8 without BOM (in Notepad: "UTF-8", not "UTF-8 with BOM").',
    },
    SETTINGS_NOT_OBJECT: { title: 'A settings file is JSON but not an object of settings', fix: 'The file must hold one JSON object {…}; apply the settings again from the app’s window.' },
    SETTINGS_PLIST_INVALID: { title: 'The managed-preferences plist cannot be parsed', fix: 'Ask IT to re-deploy the configuration profile; check it with plutil -lint.' },
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
  },
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
    if (source.problem) return problemOutcome(source.problem, details);
    if (source.bom) {
      return fail('SETTINGS_BOM', `${source.location} starts with a UTF-8 BOM`, { details });
    }
    const name = `${describeSource(source.kind)}${source.profile?.name ? ` "${source.profile.name}"` : ''}`;
    const shadowedProfiles = discovery.shadowed.filter((s) => !s.managed && s.values && differs(s, source));
    if (source.managed && shadowedProfiles.length > 0) {
      return warn('SETTINGS_SHADOWED', `${name} in force; ${shadowedProfiles.map((s) => describeSource(s.kind)).join(', ')} with other values is ignored`, {
        details: { ...details, shadowed: shadowedProfiles.map((s) => s.location) },
      });
    }
    return ok(`${name} in force`, details);
  },
});

export default check;
const CODES_FIX: Record<string, string> = Object.fromEntries(Object.entries(check.codes).map(([k, v]) => [k, v.fix]));
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/\.$/, '');

function problemOutcome(problem: ReadProblem, details: Record<string, unknown>) {
  const where = problem.line !== undefined ? ` at line ${problem.line}, column ${problem.column}` : '';
  // problem.message already says where in the file; the full path goes into the fix.
  return fail(PROBLEM_CODE[problem.kind], `${basename(problem.file)}: ${problem.message}`, {
    details: {
      ...details,
      file: problem.file,
      ...(problem.line !== undefined ? { line: problem.line, column: problem.column } : {}),
      ...(problem.hint ? { hint: problem.hint } : {}),
    },
    fix: `${problem.hint ? `${capitalise(problem.hint)}.` : CODES_FIX[PROBLEM_CODE[problem.kind]] ?? ''} File: ${problem.file}${where}.`.trim(),
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
