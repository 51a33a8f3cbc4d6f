/**
 * What steers the app checks and the keychain, read from the environment the checks get
 * (`ctx.env`). The CLI maps its flags onto the same names, so a flag and its variable behave
 * alike and the daemon and tests can set them without flags:
 *
 * | variable | flag | meaning |
 * | --- | --- | --- |
 * | `PORTKEY_DOCTOR_APP` | `--app PATH` | the app bundle / exe / install folder to inspect |
 * | `PORTKEY_DOCTOR_CLAUDE_DATA_DIR` | `--claude-data-dir DIR` | the `Claude` folder holding developer_settings.json |
 * | `PORTKEY_DOCTOR_APP_PROCESS` | `--app-process NAME` | the app's process: a name, or a full path (matched against the command line) |
 * | `PORTKEY_DOCTOR_KEYCHAIN_SERVICE` | `--keychain-service NAME` | keychain service of the key (default `portkey-doctor`) |
 * | `PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT` | `--keychain-account NAME` | keychain account of the key (default `probe-key`) |
 */
import { homedir as osHomedir, userInfo } from 'node:os';
import { envVar, type PathContext } from '../config/paths.js';

export const APP_ENV_VARS = {
  app: 'PORTKEY_DOCTOR_APP',
  claudeDataDir: 'PORTKEY_DOCTOR_CLAUDE_DATA_DIR',
  appProcess: 'PORTKEY_DOCTOR_APP_PROCESS',
  keychainService: 'PORTKEY_DOCTOR_KEYCHAIN_SERVICE',
  keychainAccount: 'PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT',
} as const;

/** Where the doctor's own probe key lives in the OS keychain unless told otherwise. */
export const DEFAULT_KEYCHAIN_SERVICE = 'portkey-doctor';
export const DEFAULT_KEYCHAIN_ACCOUNT = 'probe-key';
/** How long a keychain operation may take: an unlock prompt nobody answers would wait forever. */
export const KEYCHAIN_TIMEOUT_MS = 8_000;

export interface AppOptions {
  /** The app to inspect instead of the OS locations. */
  appPath?: string;
  /** The `Claude` data folder to read instead of the OS candidates. */
  claudeDataDir?: string;
  /** The process name (or full path) that is the app. */
  appProcess?: string;
  keychain: KeychainRef & { explicit: boolean };
}

/** A keychain item: service and account (called "username" by some APIs). */
export interface KeychainRef {
  service: string;
  account: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function appOptions(env: Env, platform: NodeJS.Platform = process.platform): AppOptions {
  const get = (name: string) => envVar(env, name, platform);
  const service = get(APP_ENV_VARS.keychainService);
  const account = get(APP_ENV_VARS.keychainAccount);
  const out: AppOptions = {
    keychain: {
      service: service ?? DEFAULT_KEYCHAIN_SERVICE,
      account: account ?? DEFAULT_KEYCHAIN_ACCOUNT,
      explicit: service !== undefined || account !== undefined,
    },
  };
  const app = get(APP_ENV_VARS.app);
  if (app !== undefined) out.appPath = app;
  const dataDir = get(APP_ENV_VARS.claudeDataDir);
  if (dataDir !== undefined) out.claudeDataDir = dataDir;
  const proc = get(APP_ENV_VARS.appProcess);
  if (proc !== undefined) out.appProcess = proc;
  return out;
}

/**
 * The {@link PathContext} for a check: the home folder from the environment it was given
 * (HOME, or USERPROFILE on Windows), so tests with their own HOME never see the real machine's.
 */
export function pathContextFrom(env: Env, platform: NodeJS.Platform): PathContext {
  const home = platform === 'win32' ? envVar(env, 'USERPROFILE', platform) : envVar(env, 'HOME', platform);
  let username = envVar(env, platform === 'win32' ? 'USERNAME' : 'USER', platform) ?? '';
  if (!username) {
    try {
      username = userInfo().username;
    } catch {
      username = '';
    }
  }
  return { platform, env, homedir: home ?? osHomedir(), username };
}

/** The app/keychain flags of the doctor, by the names of {@link APP_ENV_VARS}. */
export interface AppFlagValues {
  app?: string | undefined;
  claudeDataDir?: string | undefined;
  appProcess?: string | undefined;
  keychainService?: string | undefined;
  keychainAccount?: string | undefined;
}

/**
 * The environment the checks get, with the doctor's flags mapped onto their variables (a flag
 * beats the variable). The caller's `env` is not changed.
 */
export function withAppFlags(env: NodeJS.ProcessEnv, flags: AppFlagValues): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) out[name] = value;
  };
  set(APP_ENV_VARS.app, flags.app);
  set(APP_ENV_VARS.claudeDataDir, flags.claudeDataDir);
  set(APP_ENV_VARS.appProcess, flags.appProcess);
  set(APP_ENV_VARS.keychainService, flags.keychainService);
  set(APP_ENV_VARS.keychainAccount, flags.keychainAccount);
  return out;
}
