/** The developer-mode check alone, on fake files: every way developer_settings.json can be broken, and where the data folder is looked for. */
import developerMode from '../../src/checks/developer-mode.js';
import { fsError } from '../../src/io/fakes.js';
import { testCheck, type Scenario } from './check-tester.js';

const DIR = '/data/Claude';
const FILE = `${DIR}/developer_settings.json`;
const SETTINGS = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };

/** The data folder given with --claude-data-dir, holding `content` as developer_settings.json (undefined: no file). */
const withFile = (content: string | Buffer | Error | undefined, rest: Partial<Scenario> = {}): Omit<Scenario, 'name' | 'expect'> => ({
  settings: SETTINGS,
  env: { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: DIR },
  os: { platform: 'linux', dirs: [DIR], files: content === undefined ? {} : { [FILE]: content } },
  ...rest,
});

testCheck(developerMode, [
  { name: 'allowDevTools true: on', ...withFile('{"allowDevTools": true}'), expect: { status: 'ok', details: { file: FILE, allowDevTools: true } } },
  {
    name: 'no file, settings already exist: ok, only needed to change them',
    ...withFile(undefined),
    expect: { status: 'ok', details: { file: FILE, developerMode: 'off?' } },
  },
  {
    name: 'no file and no settings yet: DEVELOPER_MODE_OFF',
    ...withFile(undefined, { settings: null }),
    expect: { status: 'warn', code: 'DEVELOPER_MODE_OFF', details: { file: FILE } },
  },
  {
    name: 'allowDevTools false, settings exist: ok, off',
    ...withFile('{"allowDevTools": false}'),
    expect: { status: 'ok', details: { allowDevTools: false, developerMode: 'off?' } },
  },
  {
    name: 'allowDevTools not set and no settings yet: DEVELOPER_MODE_OFF',
    ...withFile('{}', { settings: null }),
    expect: { status: 'warn', code: 'DEVELOPER_MODE_OFF', details: { allowDevTools: null } },
  },
  { name: 'an empty file: DEVELOPER_SETTINGS_EMPTY', ...withFile(''), expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_EMPTY', details: { file: FILE } } },
  { name: 'only whitespace: DEVELOPER_SETTINGS_EMPTY', ...withFile(' \n'), expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_EMPTY' } },
  {
    name: 'broken JSON: DEVELOPER_SETTINGS_INVALID_JSON with where',
    ...withFile('{\n  "allowDevTools": true,\n}'),
    expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_INVALID_JSON', details: { file: FILE, line: 3, column: 1 } },
  },
  {
    name: 'a UTF-16 file (read as bytes): DEVELOPER_SETTINGS_INVALID_JSON at line 1, column 1',
    ...withFile(Buffer.from('\ufeff{"allowDevTools": true}', 'utf16le')),
    expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_INVALID_JSON', details: { line: 1, column: 1 } },
  },
  {
    name: 'a UTF-8 BOM: DEVELOPER_SETTINGS_BOM',
    ...withFile('\ufeff{"allowDevTools": true}'),
    expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_BOM', details: { file: FILE } },
  },
  { name: 'an array: DEVELOPER_SETTINGS_NOT_OBJECT', ...withFile('[true]'), expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_NOT_OBJECT' } },
  {
    name: 'permission denied: DEVELOPER_SETTINGS_UNREADABLE',
    ...withFile(fsError('EACCES', FILE)),
    expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_UNREADABLE', details: { file: FILE } },
  },
  {
    name: 'a folder where the file should be: DEVELOPER_SETTINGS_UNREADABLE',
    settings: SETTINGS,
    env: { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: DIR },
    os: { platform: 'linux', dirs: [DIR, FILE] },
    expect: { status: 'fail', code: 'DEVELOPER_SETTINGS_UNREADABLE' },
  },
  {
    name: 'the folder given does not exist: DEVELOPER_DATA_DIR_NOT_FOUND',
    settings: SETTINGS,
    env: { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: DIR },
    os: { platform: 'linux' },
    expect: { status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND', details: { searched: [DIR] } },
  },
  {
    name: 'the folder given is a file: DEVELOPER_DATA_DIR_NOT_FOUND',
    settings: SETTINGS,
    env: { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: DIR },
    os: { platform: 'linux', files: { [DIR]: 'not a folder' } },
    expect: { status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND' },
  },
  {
    name: 'macOS: found under the HOME it is given',
    settings: SETTINGS,
    env: { HOME: '/Users/alex' },
    os: {
      platform: 'darwin',
      dirs: ['/Users/alex/Library/Application Support/Claude'],
      files: { '/Users/alex/Library/Application Support/Claude/developer_settings.json': '{"allowDevTools": true}' },
    },
    expect: { status: 'ok', details: { file: '/Users/alex/Library/Application Support/Claude/developer_settings.json' } },
  },
  {
    name: 'Linux: $XDG_CONFIG_HOME first, then ~/.config (the first folder that exists wins)',
    settings: SETTINGS,
    env: { HOME: '/home/alex', XDG_CONFIG_HOME: '/home/alex/xdg' },
    os: { platform: 'linux', dirs: ['/home/alex/.config/Claude'], files: { '/home/alex/.config/Claude/developer_settings.json': '{"allowDevTools": true}' } },
    expect: { status: 'ok', details: { file: '/home/alex/.config/Claude/developer_settings.json' } },
  },
  {
    name: 'Windows: the roaming AppData folder, with Windows paths',
    settings: SETTINGS,
    env: { USERPROFILE: 'C:\\Users\\alex', APPDATA: 'C:\\Users\\alex\\AppData\\Roaming' },
    os: { platform: 'win32', dirs: ['C:\\Users\\alex\\AppData\\Roaming\\Claude'] },
    expect: { status: 'ok', details: { file: 'C:\\Users\\alex\\AppData\\Roaming\\Claude\\developer_settings.json', developerMode: 'off?' } },
  },
  {
    name: 'no data folder anywhere: DEVELOPER_DATA_DIR_NOT_FOUND lists where it looked',
    settings: SETTINGS,
    env: { HOME: '/home/alex' },
    os: { platform: 'linux' },
    expect: { status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND', details: { searched: ['/home/alex/.config/Claude'] } },
  },
]);
