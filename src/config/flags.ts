/**
 * Command-line flags of the doctor, parsed strictly with node:util parseArgs (no dependency:
 * it is built in and strict mode gives exact errors). Every bad flag is a UsageError (exit 2).
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { ExtraHeader } from './target.js';
import { bareHost } from '../core/host.js';
import { redactQuotedArgs, UsageError } from '../core/usage-error.js';

export interface DoctorFlags {
  json: boolean;
  verbose: boolean;
  noColor: boolean;
  claudeDir?: string;
  managedFile?: string;
  policyFile?: string;
  noPolicy: boolean;
  baseUrl?: string;
  authScheme?: string;
  apiKeyEnv?: string;
  apiKeyFile?: string;
  /**
   * Run the credential helper the settings name (`inferenceCredentialHelper`) and probe with the
   * key it prints, as the app would. Never done without this flag.
   */
  useCredentialHelper: boolean;
  headers: ExtraHeader[];
  timeoutMs: number;
  checkTimeoutMs: number;
  /** Extra check modules to load (ESM files default-exporting a check or an array of checks). */
  plugins: string[];
  /** Send one real streamed message (costs tokens). */
  live: boolean;
  /** Latency samples. */
  samples: number;
  /** Accept untrusted certificates (shown in every report). */
  insecure: boolean;
  /** Run only these groups or check ids (and what they need); undefined = all. */
  only?: string[];
  /** `--offline`: settings and app checks only, nothing on the network (with --only: those of its list). */
  offline: boolean;
  /** The app bundle / executable to inspect (`--app`). */
  app?: string;
  /** The `Claude` data folder holding developer_settings.json. */
  claudeDataDir?: string;
  /** Process name to look for as the app's main process. */
  appProcess?: string;
  keychainService?: string;
  keychainAccount?: string;
  /** DNS servers to resolve through (`--dns-server`, repeatable). */
  dnsServers?: string[];
}

const OPTIONS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  'claude-dir': { type: 'string' },
  managed: { type: 'string' },
  policy: { type: 'string' },
  'no-policy': { type: 'boolean' },
  'base-url': { type: 'string' },
  'auth-scheme': { type: 'string' },
  'api-key-env': { type: 'string' },
  'api-key-file': { type: 'string' },
  'api-key': { type: 'string' },
  'use-credential-helper': { type: 'boolean' },
  header: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'check-timeout': { type: 'string' },
  plugin: { type: 'string', multiple: true },
  live: { type: 'boolean' },
  samples: { type: 'string' },
  insecure: { type: 'boolean' },
  only: { type: 'string' },
  offline: { type: 'boolean' },
  'dns-server': { type: 'string', multiple: true },
  app: { type: 'string' },
  'claude-data-dir': { type: 'string' },
  'app-process': { type: 'string' },
  'keychain-service': { type: 'string' },
  'keychain-account': { type: 'string' },
} as const;

export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_CHECK_TIMEOUT_S = 10;
export const DEFAULT_SAMPLES = 5;

export function parseDoctorFlags(args: string[]): DoctorFlags {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new UsageError(cleanParseError(err), 'Run portkey-doctor --help for the list of options.');
  }
  if (values['api-key'] !== undefined) {
    throw new UsageError(
      '--api-key is not accepted: a key on the command line is visible to every process and in shell history.',
      'Use --api-key-env NAME or --api-key-file FILE, or set PORTKEY_DOCTOR_API_KEY.',
    );
  }
  if (values.policy !== undefined && values['no-policy']) {
    throw new UsageError('--policy and --no-policy contradict each other.', 'Give one of them.');
  }
  if (values['api-key-env'] !== undefined && values['api-key-file'] !== undefined) {
    throw new UsageError('--api-key-env and --api-key-file both give the key.', 'Give one of them.');
  }
  return {
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    noColor: values['no-color'] ?? false,
    claudeDir: nonEmpty(values['claude-dir'], '--claude-dir'),
    managedFile: nonEmpty(values.managed, '--managed'),
    policyFile: nonEmpty(values.policy, '--policy'),
    noPolicy: values['no-policy'] ?? false,
    baseUrl: values['base-url'],
    authScheme: values['auth-scheme'],
    apiKeyEnv: envName(nonEmpty(values['api-key-env'], '--api-key-env')),
    apiKeyFile: nonEmpty(values['api-key-file'], '--api-key-file'),
    useCredentialHelper: values['use-credential-helper'] ?? false,
    headers: (values.header ?? []).map(parseHeaderFlag),
    timeoutMs: seconds(values.timeout, '--timeout', DEFAULT_TIMEOUT_S),
    checkTimeoutMs: seconds(values['check-timeout'], '--check-timeout', DEFAULT_CHECK_TIMEOUT_S),
    plugins: values.plugin ?? [],
    live: values.live ?? false,
    samples: count(values.samples, '--samples', DEFAULT_SAMPLES, 100),
    insecure: values.insecure ?? false,
    ...selection(values.only, values.offline ?? false),
    offline: values.offline ?? false,
    app: nonEmpty(values.app, '--app'),
    claudeDataDir: nonEmpty(values['claude-data-dir'], '--claude-data-dir'),
    appProcess: nonEmpty(values['app-process'], '--app-process'),
    keychainService: nonEmpty(values['keychain-service'], '--keychain-service'),
    keychainAccount: nonEmpty(values['keychain-account'], '--keychain-account'),
    ...(values['dns-server'] ? { dnsServers: values['dns-server'].map(dnsServer) } : {}),
  };
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value, got an empty string.`);
  return value;
}

/** `--api-key-env` takes a variable's name; anything else is most likely the key itself. */
function envName(name: string | undefined): string | undefined {
  if (name === undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  throw new UsageError(
    '--api-key-env takes the name of an environment variable (letters, digits, _), not the key.',
    'For example: export PORTKEY_KEY=… then --api-key-env PORTKEY_KEY',
  );
}

function seconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  // A value that rounds to 0 ms (e.g. 0.0001) is not above 0: it would end every check at once.
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || Math.round(n * 1000) < 1 || n > 3600) {
    throw new UsageError(`${flag} must be a number of seconds between 0 and 3600, got "${value}".`, `For example: ${flag} 30`);
  }
  return Math.round(n * 1000);
}

/** Groups that go on the network: --offline leaves them out. */
export const NETWORK_GROUPS: readonly string[] = ['network', 'gateway'];

function selection(only: string | undefined, offline: boolean): { only?: string[] } {
  if (only === undefined) return offline ? { only: ['settings', 'app'] } : {};
  const items = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError('--only needs a comma-separated list of groups or check ids.', 'For example: --only settings,network');
  // --only metadata-header --offline is fine (a settings check); --only network --offline is not.
  // Check ids of the network groups are refused where the checks are known (run/select.ts).
  const online = items.filter((i) => NETWORK_GROUPS.includes(i));
  if (offline && online.length > 0) {
    throw new UsageError(
      `--offline sends nothing on the network, so it cannot check ${online.join(', ')}.`,
      'Drop --offline, or choose settings or app checks with --only.',
    );
  }
  return { only: items };
}

function dnsServer(value: string): string {
  const v = value.trim();
  // `[v6]:port` and `v4:port` lose the port, then IPv6 brackets go.
  const ip = bareHost(v.replace(/^(\[.*\]|\d+\.\d+\.\d+\.\d+):\d+$/, '$1'));
  if (isIP(ip) === 0)
    throw new UsageError(
      `--dns-server must be an IP address, optionally with :port, got "${value}".`,
      'For example: --dns-server 10.0.0.53 or --dns-server 127.0.0.1:5353',
    );
  return v;
}

function count(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${value}".`);
  return n;
}

/** `--header "Name: value"; the name must be a valid HTTP token. */
export function parseHeaderFlag(raw: string): ExtraHeader {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(
      `--header must look like "Name: value"; the name before the colon is missing or has invalid characters.`,
      `For example: --header 'x-portkey-metadata: {"team":"eng"}'`,
    );
  }
  return { name, value: raw.slice(colon + 1).trim() };
}

function cleanParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // parseArgs messages carry a long suggestion about '--' that confuses more than it helps.
  return redactQuotedArgs(message.split('. To specify')[0]!.replace(/\.$/, '') + '.');
}
