/**
 * Developer mode: `developer_settings.json` (`{"allowDevTools": true}`) in the app's `Claude`
 * data folder (docs/claude-desktop.md). An empty or corrupt file stops the app from starting, so each
 * way it can be broken has its own code and the fix names the file. Whether the current toggle
 * writes exactly this file is unconfirmed: an absent file is only a warning when the user still
 * has to configure the app (no settings found).
 */
import { appOptions, APP_ENV_VARS, pathContextFrom } from '../app/options.js';
import { claudeDataDirCandidates, developerSettingsPath } from '../config/paths.js';
import { isPlainObject, readJsonFile, typeName } from '../config/read-file.js';
import { defineCheck, fail, ok, skip, warn, type CodeOf, type CodeTable, type Outcome } from '../contract/check.js';

const WRITE_DEFAULT = 'Replace its contents with {"allowDevTools": true} (or {} to leave developer mode off), then start Claude again.';

const codes = {
  DEVELOPER_DATA_DIR_NOT_FOUND: {
    title: 'The app’s Claude data folder was not found (the app has not run for this user here)',
    fix: `Start Claude Desktop once; or point the doctor at the folder with --claude-data-dir DIR (${APP_ENV_VARS.claudeDataDir}).`,
  },
  DEVELOPER_MODE_OFF: {
    title: 'Developer mode looks off, so the Developer → Configure third-party inference… menu is hidden',
    fix: 'In Claude Desktop: Help → Troubleshooting → Enable Developer Mode.',
  },
  DEVELOPER_SETTINGS_EMPTY: {
    title: 'developer_settings.json is empty, which stops the app from starting',
    fix: WRITE_DEFAULT,
  },
  DEVELOPER_SETTINGS_INVALID_JSON: {
    title: 'developer_settings.json is not valid JSON, which stops the app from starting',
    fix: WRITE_DEFAULT,
  },
  DEVELOPER_SETTINGS_BOM: {
    title: 'developer_settings.json starts with a UTF-8 byte-order mark, which the app cannot parse',
    fix: 'Save the file as UTF-8 without BOM, or replace its contents with {"allowDevTools": true}.',
  },
  DEVELOPER_SETTINGS_NOT_OBJECT: {
    title: 'developer_settings.json is JSON but not an object',
    fix: WRITE_DEFAULT,
  },
  DEVELOPER_SETTINGS_UNREADABLE: {
    title: 'developer_settings.json exists but cannot be read',
    fix: 'Check the file’s owner and permissions: the user who runs Claude must be able to read it.',
  },
} as const satisfies CodeTable;

export default defineCheck({
  id: 'developer-mode',
  title: 'Developer mode',
  group: 'app',
  codes,
  async run(ctx) {
    const { platform } = ctx.os;
    const opts = appOptions(ctx.env, platform);
    const candidates = opts.claudeDataDir !== undefined ? [opts.claudeDataDir] : claudeDataDirCandidates(pathContextFrom(ctx.env, platform));
    let dir: string | undefined;
    for (const c of candidates) {
      if ((await ctx.os.stat(c).catch(() => undefined))?.isDirectory) {
        dir = c;
        break;
      }
    }
    if (dir === undefined) {
      return skip('DEVELOPER_DATA_DIR_NOT_FOUND', `no Claude data folder; looked in ${candidates.join(', ')}`, { details: { searched: candidates } });
    }
    const file = developerSettingsPath(dir, platform);
    const details: Record<string, unknown> = { file };
    const read = await readJsonFile(file, ctx.os);
    const fixFor = (text: string) => `${text} File: ${file}.`;
    if (!read.exists) {
      return developerModeOff(ctx.discovery.inForce !== undefined, `${file} does not exist`, details);
    }
    if (read.problem) {
      const p = read.problem;
      const where = p.line !== undefined ? ` (line ${p.line}, column ${p.column})` : '';
      if (p.kind === 'empty') return fail('DEVELOPER_SETTINGS_EMPTY', `developer_settings.json: ${p.message}`, { details, fix: fixFor(WRITE_DEFAULT) });
      if (p.kind === 'invalid-json') {
        return fail('DEVELOPER_SETTINGS_INVALID_JSON', `developer_settings.json: ${p.message}`, {
          details: { ...details, ...(p.line !== undefined ? { line: p.line, column: p.column } : {}) },
          fix: fixFor(`${p.hint ? `${p.hint}${where}; or: ` : ''}${WRITE_DEFAULT}`),
        });
      }
      return fail('DEVELOPER_SETTINGS_UNREADABLE', `developer_settings.json: ${p.message}`, {
        details,
        fix: fixFor('Check the file’s owner and permissions.'),
      });
    }
    if (read.bom) {
      return fail('DEVELOPER_SETTINGS_BOM', 'developer_settings.json starts with a UTF-8 BOM', {
        details,
        fix: fixFor('Save the file as UTF-8 without BOM, or replace its contents with {"allowDevTools": true}.'),
      });
    }
    if (!isPlainObject(read.value)) {
      return fail('DEVELOPER_SETTINGS_NOT_OBJECT', `developer_settings.json holds ${typeName(read.value)}, not an object`, {
        details,
        fix: fixFor(WRITE_DEFAULT),
      });
    }
    const allow = read.value['allowDevTools'];
    details['allowDevTools'] = allow ?? null;
    if (allow === true) return ok('on (allowDevTools: true)', details);
    return developerModeOff(ctx.discovery.inForce !== undefined, `allowDevTools is ${allow === undefined ? 'not set' : JSON.stringify(allow)}`, details);
  },
});

function developerModeOff(settingsExist: boolean, why: string, details: Record<string, unknown>): Outcome<CodeOf<typeof codes>> {
  const note = 'whether current builds record the toggle in this file is unconfirmed';
  if (settingsExist) {
    // The settings are already there; developer mode only matters to change them in the app.
    return ok(`looks off (${why}); only needed to change the settings in the app`, { ...details, developerMode: 'off?', note });
  }
  return warn('DEVELOPER_MODE_OFF', `looks off (${why}) and no third-party settings exist yet`, { details: { ...details, note } });
}
