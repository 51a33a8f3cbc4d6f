/**
 * Issue 6, "Done when": every command — `doctor` (console, `-v`, `--json`), `report` (Markdown
 * and JSON), `daemon` (two runs with every reporter at once: console, JSON file, syslog over UDP,
 * TCP and the unix socket to a real rsyslog, debug log), `key set`/`status`/`delete` (a real
 * Secret Service) — runs
 * across the fault scenarios with one distinctive key, and neither the key nor any 8-character
 * run of it shows in stdout, stderr, any file written (reports, JSON file and its events, the
 * state folder and its history, anything under HOME, TMPDIR or the working folder), or any
 * syslog message received. The proxy password given in HTTPS_PROXY/HTTP_PROXY is hunted the same
 * way, and so are the base64 forms of both (a Basic credential, an encoded header).
 *
 * Every server listens on 127.0.0.1 and every URL is an IP literal: nothing is resolved or sent
 * off this machine. The worst case is an "echo" gateway (./echo-gateway.ts) that reflects every
 * request header — Authorization included — in bodies, HTML titles, header values and names,
 * Location, trace ids, model ids and SSE events.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findLeak } from '../cli/leak-check.js';
import { CLI } from '../cli/run-cli.js';
import { findRsyslogd, RSYSLOG_MISSING, startRsyslog, type Rsyslog } from '../daemon/support/rsyslog.js';
import { startScriptedGateway } from '../faults/scripted-gateway.js';
import { secretServiceMissing, startSecretService, type SecretService } from '../platform/secret-service.js';
import { testPki, type TestPki } from '../support/certs.js';
import { onExit } from '../support/exit.js';
import { registerPortkeyKey, startPortkeySaas, type FakePortkey, type PortkeyScenario } from '../support/portkey-saas.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import { refusedPort, startHttpServer, type TestServer } from '../support/servers.js';
import { startEchoGateway, type EchoGateway } from './echo-gateway.js';

// ---------------------------------------------------------------------------------------
// What is hunted.

/** Non-hex letters in every 8-character run: no hash, fingerprint or id can contain one by chance. */
const KEY = 'pk-LeakHunt-Qm5Jv8Wx3Rk7Zt';
/** Another key, for the run where the environment's key overrides the profile's. */
const OTHER_KEY = 'pk-OtherProbe-Jw4Rz8Qx6Ny';
const PROXY_USER = 'corp-user';
const PROXY_PASS = 'Pw-Rq7Zx3Vk9Jy5Hm';

const HUNTED: Record<string, string> = { key: KEY, 'other key': OTHER_KEY, 'proxy password': PROXY_PASS };
/** Encoded forms, searched whole. */
const ENCODED: Record<string, string> = {
  'key, base64': Buffer.from(KEY).toString('base64'),
  'proxy Basic credential': Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64'),
  'key as Basic credential': Buffer.from(`:${KEY}`).toString('base64'),
};

/** Every leak in a text: the key or any 8-character run of it (exact, then ignoring case), or an encoded form. */
function leaksIn(text: string): string[] {
  const out: string[] = [];
  for (const [name, secret] of Object.entries(HUNTED)) {
    const exact = findLeak(text, secret);
    const piece = exact ?? findLeak(text.toLowerCase(), secret.toLowerCase());
    if (piece !== undefined) {
      const at = (exact ? text : text.toLowerCase()).indexOf(exact ? piece : piece.toLowerCase());
      const context = JSON.stringify(text.slice(Math.max(0, at - 60), at + piece.length + 60));
      out.push(`${name}${exact ? '' : ' (other case)'}: "${piece}" in …${context}…`);
    }
  }
  for (const [name, encoded] of Object.entries(ENCODED)) if (text.includes(encoded)) out.push(`${name}`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Running the CLI: each run in its own folder (HOME, TMPDIR and working folder inside), at most a
// few processes at a time so a 2-core machine keeps up; every run has a hard deadline.

const ROOT = mkdtempSync(join(tmpdir(), 'pkd-nl-'));

function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (fn) => {
    if (active < n) active += 1;
    else await new Promise<void>((r) => queue.push(r)); // a finishing run hands its slot over
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
/** Doctor, report and key runs; daemons (idle between their two runs) have their own slots. */
const slot = limiter(4);
const daemonSlot = limiter(3);

interface Run {
  label: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Folder holding everything the run could write: home/, tmp/, cwd/, out/. */
  dir: string;
  out: string;
}

let runCounter = 0;

function newRunDir(): { dir: string; home: string; tmp: string; cwd: string; out: string } {
  const dir = join(ROOT, `run-${++runCounter}`);
  const paths = { dir, home: join(dir, 'home'), tmp: join(dir, 'tmp'), cwd: join(dir, 'cwd'), out: join(dir, 'out') };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  return paths;
}

function runCli(label: string, args: (out: string) => string[], env: Record<string, string>, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<Run> {
  return (label.endsWith(' daemon') ? daemonSlot : slot)(
    () =>
      new Promise<Run>((resolve) => {
        const p = newRunDir();
        const child = spawn(process.execPath, [CLI, ...args(p.out)], {
          cwd: p.cwd,
          env: {
            PATH: process.env.PATH,
            HOME: p.home,
            TMPDIR: p.tmp,
            XDG_CONFIG_HOME: join(p.home, '.config'),
            XDG_STATE_HOME: join(p.home, '.local', 'state'),
            XDG_CACHE_HOME: join(p.home, '.cache'),
            XDG_DATA_HOME: join(p.home, '.local', 'share'),
            LANG: 'C.UTF-8',
            PORTKEY_DOCTOR_POLICY: join(p.home, 'no-policy.json'),
            ...env,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdin.on('error', () => undefined);
        child.stdin.end(opts.stdin ?? '');
        const unhook = onExit(() => child.kill('SIGKILL'));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        child.once('close', (code) => {
          clearTimeout(timer);
          unhook();
          resolve({ label, code, stdout, stderr, dir: p.dir, out: p.out });
        });
      }),
  );
}

/** Every file under a folder, as `path` + content (names are searched too). */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push({ path: p, text: readFileSync(p).toString('utf8') });
      else out.push({ path: p, text: '' });
    }
  };
  walk(dir);
  return out;
}

/** Every place a run could have put a secret: its streams and every file under its folder. */
function sinksOf(run: Run): { where: string; text: string }[] {
  return [
    { where: `${run.label}: stdout`, text: run.stdout },
    { where: `${run.label}: stderr`, text: run.stderr },
    ...filesUnder(run.dir).map((f) => ({ where: `${run.label}: file ${f.path.slice(run.dir.length + 1)}`, text: `${f.path}\n${f.text}` })),
  ];
}

function leaksOf(sinks: { where: string; text: string }[]): string[] {
  return sinks.flatMap((s) => leaksIn(s.text).map((l) => `${s.where}: ${l}`));
}

// ---------------------------------------------------------------------------------------
// The world: servers shared by every scenario (a scenario never changes one's behaviour).

interface World {
  pki: TestPki;
  saas: Record<'ok' | 'e401' | 'e403' | 'e412' | 'e429' | 'e500', FakePortkey>;
  saasTls: FakePortkey;
  echo: EchoGateway;
  selfSigned: TestServer;
  refused: number;
  streamReset: TestServer;
  authProxy: TestProxy;
  strictProxy: TestProxy;
  rsyslog?: Rsyslog;
  secretService?: SecretService;
  inputs: string;
}

const hasRsyslog = findRsyslogd() !== undefined;
/** util-linux `logger` with --sd-id: the daemon's unix:// syslog route goes through it. */
const hasLogger = ((): boolean => {
  try {
    return /--sd-id/.test(execFileSync('logger', ['--help'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();
const ssMissing = secretServiceMissing();
const inCi = process.env.CI === 'true';
if (!hasRsyslog) console.warn(`no-leak: ${RSYSLOG_MISSING}; the daemon runs without --syslog here`);
else if (!hasLogger) console.warn('no-leak: util-linux logger with --sd-id is not installed; the daemon syslogs over UDP and TCP only (not unix://)');
if (ssMissing !== undefined) console.warn(`no-leak: ${ssMissing}; the keychain scenarios (key set/status, key from the keychain) are skipped`);

let w: World;

beforeAll(async () => {
  registerPortkeyKey(KEY, 'ok');
  registerPortkeyKey(OTHER_KEY, 'ok');
  const pki = await testPki();
  const saasWith = async (s: PortkeyScenario | undefined): Promise<FakePortkey> => {
    const f = await startPortkeySaas();
    f.setScenario(s);
    return f;
  };
  const [ok, e401, e403, e412, e429, e500, saasTls, echo, selfSigned, refused, streamReset, authProxy, strictProxy] = await Promise.all([
    saasWith(undefined),
    saasWith('invalid-key'),
    saasWith('forbidden'),
    saasWith('usage-limit'),
    saasWith('rate-limited'),
    saasWith('server-error'),
    startPortkeySaas({ tls: { cert: pki.leaf.chain, key: pki.leaf.key } }),
    startEchoGateway(),
    startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), {
      tls: { cert: pki.selfSigned.chain, key: pki.selfSigned.key },
    }),
    refusedPort(),
    startScriptedGateway({ stream: 'reset-mid-stream' }),
    startConnectProxy({ auth: { user: PROXY_USER, pass: PROXY_PASS } }),
    // Demands another password: the one given is refused (407).
    startConnectProxy({ auth: { user: PROXY_USER, pass: 'expected-other-pass' } }),
  ]);
  const rsyslog = hasRsyslog ? await startRsyslog() : undefined;
  const secretService = ssMissing === undefined ? await startSecretService({ reuse: false }) : undefined;
  const inputs = join(ROOT, 'inputs');
  mkdirSync(inputs);
  w = {
    pki,
    saas: { ok, e401, e403, e412, e429, e500 },
    saasTls,
    echo,
    selfSigned,
    refused,
    streamReset,
    authProxy,
    strictProxy,
    inputs,
    ...(rsyslog ? { rsyslog } : {}),
    ...(secretService ? { secretService } : {}),
  };
}, 120_000);

afterAll(async () => {
  if (!w) return;
  await Promise.allSettled([
    ...Object.values(w.saas).map((s) => s.close()),
    w.saasTls.close(),
    w.echo.close(),
    w.selfSigned.close(),
    w.streamReset.close(),
    w.authProxy.close(),
    w.strictProxy.close(),
    w.rsyslog?.close(),
    w.secretService?.stop(),
  ]);
  // Every run's folder (PKD_NL_KEEP=1 keeps them to look at).
  if (!process.env.PKD_NL_KEEP) rmSync(ROOT, { recursive: true, force: true });
}, 60_000);

// ---------------------------------------------------------------------------------------
// The scenarios.

type KeyChannel = 'env' | 'file' | 'profile' | 'keychain' | 'none';

interface Scenario {
  name: string;
  /** How the doctor gets the key: PORTKEY_DOCTOR_API_KEY, --api-key-file, the settings profile, the keychain, or not at all. */
  key: KeyChannel;
  /** --base-url (omitted when the profile names it). */
  base?: (w: World, id: string) => string;
  /** The applied settings profile (a string: the file's raw text). */
  profile?: (w: World, id: string) => Record<string, unknown> | string;
  env?: (w: World) => Record<string, string>;
  /** doctor and report also send a live streamed message (the daemon refuses --live). */
  live?: boolean;
  /** Sanity: what the doctor's --json report says, so the scenario is the fault it claims. */
  expect?: Record<string, string | readonly string[]>;
  /** Sanity: the key reached the server this scenario is about (so its echo was there to leak). */
  reached?: (w: World, id: string) => boolean;
}

const echoBase = (mode: string) => (w: World, id: string) => `${w.echo.url}/${mode}/${id}`;
/** Requests to this scenario's echo path that carried the key. */
const echoSawKey = (key: string) => (w: World, id: string) => w.echo.requests.some((r) => r.url.includes(`/${id}/`) && JSON.stringify(r.headers).includes(key));
const extraCa = (w: World): Record<string, string> => ({ NODE_EXTRA_CA_CERTS: join(w.pki.dir, 'root.pem') });
const proxyUrl = (p: TestProxy): string => `http://${PROXY_USER}:${PROXY_PASS}@127.0.0.1:${p.port}`;
const profileWith = (base: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  inferenceProvider: 'gateway',
  inferenceGatewayBaseUrl: base,
  inferenceGatewayApiKey: KEY,
  inferenceGatewayAuthScheme: 'bearer',
  inferenceModels: ['claude-sonnet-4-5'],
  ...extra,
});
const basicOf = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')}`;

const SCENARIOS: Scenario[] = [
  // --- The fake Portkey SaaS, one behaviour per status ---------------------------------------
  { name: 'healthy Portkey SaaS (fake), --live', key: 'env', base: (w) => w.saas.ok.url, live: true, expect: { 'key-validity': 'ok', 'live-message': 'ok' } },
  { name: 'Portkey rejects the key (401)', key: 'env', base: (w) => w.saas.e401.url, expect: { 'key-validity': 'fail:KEY_INVALID' } },
  { name: 'key lacks permission (403)', key: 'env', base: (w) => w.saas.e403.url, expect: { 'key-validity': 'fail:KEY_FORBIDDEN' } },
  {
    name: 'usage limit exhausted (412), key from --api-key-file',
    key: 'file',
    base: (w) => w.saas.e412.url,
    expect: { 'key-validity': 'fail:KEY_LIMIT_EXCEEDED' },
  },
  { name: 'rate limited (429), --live', key: 'env', base: (w) => w.saas.e429.url, live: true, expect: { 'key-validity': 'warn:RATE_LIMITED' } },
  { name: 'Portkey fails (500)', key: 'env', base: (w) => w.saas.e500.url, expect: { 'key-validity': 'fail:PORTKEY_ERROR' } },

  // --- A gateway that reflects the request, Authorization included ----------------------------
  {
    name: 'echo: a working gateway echoing every header (trace id, provider, model ids, SSE), --live',
    key: 'env',
    base: echoBase('ok'),
    live: true,
    reached: echoSawKey(KEY),
  },
  {
    name: 'echo: 401 quoting the Authorization header (body, WWW-Authenticate)',
    key: 'env',
    base: echoBase('e401'),
    expect: { 'key-validity': 'fail' },
    reached: echoSawKey(KEY),
  },
  {
    name: 'echo: 500 JSON quoting the request, key from --api-key-file',
    key: 'file',
    base: echoBase('e500'),
    expect: { 'key-validity': 'fail' },
    reached: echoSawKey(KEY),
  },
  {
    name: 'echo: a 502 HTML error page printing the Authorization header (and its title)',
    key: 'env',
    base: echoBase('authhtml'),
    expect: { 'key-validity': ['fail', 'error'] },
    reached: echoSawKey(KEY),
  },
  { name: 'echo: a redirect whose Location carries the key', key: 'env', base: echoBase('authredirect'), reached: echoSawKey(KEY) },
  { name: 'echo: the stream answers an SSE error event quoting the key, --live', key: 'env', base: echoBase('sseerror'), live: true, reached: echoSawKey(KEY) },

  // --- Other network faults ---------------------------------------------------------------
  { name: 'TLS failure (self-signed certificate)', key: 'env', base: (w) => `https://127.0.0.1:${w.selfSigned.port}`, expect: { tls: 'fail:TLS_SELF_SIGNED' } },
  { name: 'refused port', key: 'env', base: (w) => `http://127.0.0.1:${w.refused}`, expect: { tcp: 'fail:TCP_REFUSED' } },
  { name: 'the stream is reset mid-way, --live', key: 'env', base: (w) => w.streamReset.url, live: true, expect: { 'live-message': 'fail:HTTP_RESET' } },

  // --- A proxy that requires authentication (credentials in HTTPS_PROXY / HTTP_PROXY) ----------
  {
    name: 'authenticating proxy, right password in HTTPS_PROXY, to the fake SaaS over TLS',
    key: 'env',
    base: (w) => w.saasTls.url,
    env: (w) => ({ HTTPS_PROXY: proxyUrl(w.authProxy), ...extraCa(w) }),
    expect: { proxy: 'ok', 'key-validity': 'ok' },
    reached: (w) => w.authProxy.authorizations.includes(basicOf),
  },
  {
    name: 'authenticating proxy refuses the password in HTTPS_PROXY (407)',
    key: 'env',
    base: (w) => w.saasTls.url,
    env: (w) => ({ HTTPS_PROXY: proxyUrl(w.strictProxy), https_proxy: proxyUrl(w.strictProxy), ...extraCa(w) }),
    expect: { proxy: 'fail:PROXY_AUTH_REQUIRED' },
    reached: (w) => w.strictProxy.authorizations.includes(basicOf),
  },
  {
    name: 'authenticating proxy in HTTP_PROXY in front of the echo gateway (plain http through the tunnel)',
    key: 'env',
    base: echoBase('ok'),
    env: (w) => ({ HTTP_PROXY: proxyUrl(w.authProxy), HTTPS_PROXY: proxyUrl(w.authProxy), ALL_PROXY: proxyUrl(w.authProxy) }),
    expect: { proxy: 'ok' },
    reached: (w, id) => w.authProxy.targets.includes(`127.0.0.1:${w.echo.port}`) && echoSawKey(KEY)(w, id),
  },

  // --- Settings where the key sits in odd places (key from the profile) ------------------------
  {
    name: 'profile: the key pasted into the base URL path (echo gateway)',
    key: 'profile',
    profile: (w) => profileWith(`${w.echo.url}/ok/${KEY}`),
    reached: (w) => w.echo.requests.some((r) => r.url.includes(KEY)),
  },
  {
    name: 'profile: the key as the base URL password',
    key: 'profile',
    profile: (w) => profileWith(`http://user:${KEY}@127.0.0.1:${w.echo.port}/ok`),
    expect: { 'base-url': 'fail:BASE_URL_CREDENTIALS' },
  },
  { name: 'profile: the key is the base URL', key: 'profile', profile: () => profileWith(KEY), expect: { 'base-url': 'fail' } },
  {
    name: 'profile: the key in extra header values (HTML page echoing them in its title)',
    key: 'profile',
    profile: (w, id) =>
      profileWith(`${w.echo.url}/html/${id}`, {
        inferenceCustomHeaders: { 'x-portkey-config': KEY, Authorization: `Bearer ${KEY}`, 'x-team': `team ${KEY} end` },
      }),
    expect: { 'gateway-http': 'fail:HTTP_HTML_PAGE' },
    reached: echoSawKey(KEY),
  },
  {
    name: 'profile: the key in extra header values and as a header name (echo gateway)',
    key: 'profile',
    profile: (w, id) => profileWith(`${w.echo.url}/ok/${id}`, { inferenceCustomHeaders: { 'x-portkey-trace-id': KEY, [KEY]: 'value', 'x-api-key': KEY } }),
    reached: echoSawKey(KEY),
  },
  {
    name: 'profile: the key in x-portkey-metadata (echo gateway), --live',
    key: 'profile',
    profile: (w, id) =>
      profileWith(`${w.echo.url}/ok/${id}`, { inferenceCustomHeaders: { 'x-portkey-metadata': JSON.stringify({ team: KEY, env: 'prod', [KEY]: 'x' }) } }),
    live: true,
    reached: echoSawKey(KEY),
  },
  {
    name: 'profile: the key in invalid metadata JSON and in the models list',
    key: 'profile',
    profile: (w, id) =>
      profileWith(`${w.echo.url}/ok/${id}`, { inferenceCustomHeaders: { 'x-portkey-metadata': `{"team":"${KEY}",}` }, inferenceModels: [KEY, { name: KEY }] }),
  },
  {
    name: 'profile: "Bearer " + key, with the key pasted into the provider and auth scheme too',
    key: 'profile',
    profile: (w) => profileWith(w.saas.ok.url, { inferenceGatewayApiKey: `Bearer ${KEY}`, inferenceProvider: KEY, inferenceGatewayAuthScheme: KEY }),
  },
  {
    name: 'profile: invalid JSON holding the key, no other key given',
    key: 'none',
    base: (w) => w.saas.ok.url,
    profile: (w) => `{\n  "inferenceProvider": "gateway",\n  "inferenceGatewayApiKey": "${KEY}",\n  "inferenceGatewayBaseUrl": "${w.saas.ok.url}" oops\n}\n`,
    expect: { 'claude-settings': 'fail:SETTINGS_INVALID_JSON' },
  },
  {
    name: 'profile: the key pasted into the base URL and a header, while PORTKEY_DOCTOR_API_KEY gives another key',
    key: 'profile',
    profile: (w, id) => profileWith(`${w.echo.url}/ok/${id}/${KEY}`, { inferenceCustomHeaders: { 'x-team': KEY } }),
    env: () => ({ PORTKEY_DOCTOR_API_KEY: OTHER_KEY }),
    reached: (w, id) => w.echo.requests.some((r) => r.url.includes(`/${id}/`) && JSON.stringify(r.headers).includes(OTHER_KEY)),
  },

  // --- The key from the keychain (real Secret Service) ----------------------------------------
  { name: 'keychain: healthy Portkey SaaS (fake), --live', key: 'keychain', base: (w) => w.saas.ok.url, live: true, expect: { 'key-validity': 'ok' } },
  { name: 'keychain: echo gateway, a 502 HTML page printing the Authorization header', key: 'keychain', base: echoBase('authhtml'), reached: echoSawKey(KEY) },
  { name: 'keychain: echo gateway echoing everything, --live', key: 'keychain', base: echoBase('ok'), live: true, reached: echoSawKey(KEY) },
];

/** A current-layout Claude-3p folder with one applied profile (as test/cli/run-cli.ts writes it), inside this run's folder. */
function writeProfileIn(dir: string, text: string): string {
  const id = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
  mkdirSync(join(dir, 'configLibrary'), { recursive: true });
  writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: id, entries: [{ id, name: 'Default' }] }));
  writeFileSync(join(dir, 'configLibrary', `${id}.json`), text);
  return dir;
}

/** `status` or `status:CODE`, or a list of them; a bare status matches any code. */
function matches(actual: { status: string; code?: string } | undefined, want: string | readonly string[]): boolean {
  if (!actual) return false;
  const list = typeof want === 'string' ? [want] : want;
  return list.some((w) => {
    const [status, code] = w.split(':');
    return actual.status === status && (code === undefined || actual.code === code);
  });
}

interface Outcome {
  id: string;
  runs: Run[];
  /** The doctor, report and daemon runs, by what they are. */
  doctors: Run[];
  daemon: Run;
  keyRuns: Run[];
  syslog: string[];
  /** Why syslog delivery could not be confirmed, if it could not. */
  syslogProblem?: string;
}

/** Runs every command of a scenario and collects what they left; asserts nothing (the test does). */
async function runScenario(s: Scenario, index: number): Promise<Outcome> {
  const id = `s${index}`;
  const base = s.base?.(w, id);
  const inputs = join(w.inputs, id);
  mkdirSync(inputs);
  const env: Record<string, string> = { ...(s.env?.(w) ?? {}) };
  // Deadlines far above what any scenario needs (no check here waits for one; the slowest takes under a second): a loaded
  // machine makes a run slower, never a different finding.
  const common: string[] = ['--no-policy', '--timeout', '30', '--check-timeout', '15', '--samples', '2'];
  if (base !== undefined) common.push('--base-url', base);
  if (s.profile) {
    const profile = s.profile(w, id);
    common.push('--claude-dir', writeProfileIn(join(inputs, 'Claude-3p'), typeof profile === 'string' ? profile : JSON.stringify(profile, null, 2)));
  } else {
    // An empty settings folder: nothing of this machine's is read.
    const empty = join(inputs, 'Claude-3p');
    mkdirSync(empty);
    common.push('--claude-dir', empty);
  }
  if (s.key === 'env') env.PORTKEY_DOCTOR_API_KEY = KEY;
  if (s.key === 'file') {
    const file = join(inputs, 'portkey.key');
    writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    common.push('--api-key-file', file);
  }
  const keyRuns: Run[] = [];
  if (s.key === 'keychain') {
    Object.assign(env, { DBUS_SESSION_BUS_ADDRESS: w.secretService!.address, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: `pkd-nl-${process.pid}-${id}` });
    keyRuns.push(await runCli(`${id} key set (stdin)`, () => ['key', 'set'], env, { stdin: `${KEY}\n` }));
  }
  const live = s.live ? ['--live'] : [];

  const doctorRuns = Promise.all([
    runCli(`${id} doctor`, () => [...common, ...live], env),
    runCli(`${id} doctor -v`, () => [...common, ...live, '-v'], env),
    runCli(`${id} doctor --json`, () => [...common, ...live, '--json'], env),
    runCli(`${id} report markdown`, (out) => ['report', ...common, ...live, '--format', 'markdown', '-o', join(out, 'report.md')], env),
    runCli(`${id} report json`, (out) => ['report', ...common, ...live, '--format', 'json', '-o', join(out, 'report.json')], env),
  ]);
  const appName = `pkd-nl-${process.pid}-${id}`;
  const daemonRun = runCli(
    `${id} daemon`,
    (out) => [
      'daemon',
      ...common,
      '-v',
      '--schedule',
      '* * * * * *',
      '--splay',
      '0',
      '--max-runs',
      '2',
      '--raise-after',
      '1',
      '--clear-after',
      '1',
      '--heartbeat',
      '0.005',
      '--log-level',
      'debug',
      '--state-dir',
      join(out, 'state'),
      '--console',
      '--json-file',
      join(out, 'status.json'),
      '--app-name',
      appName,
      ...(w.rsyslog ? ['--syslog', `udp://127.0.0.1:${w.rsyslog.udpPort}`, '--syslog', `tcp://127.0.0.1:${w.rsyslog.tcpPort}`] : []),
      ...(w.rsyslog && hasLogger ? ['--syslog', `unix://${w.rsyslog.unixSocket}`] : []),
    ],
    env,
    { timeoutMs: 90_000 },
  );
  const [doctors, daemon] = await Promise.all([doctorRuns, daemonRun]);

  if (s.key === 'keychain') {
    keyRuns.push(await runCli(`${id} key status`, () => ['key', 'status'], env));
    keyRuns.push(await runCli(`${id} key status --json`, () => ['key', 'status', '--json'], env));
    keyRuns.push(await runCli(`${id} key delete`, () => ['key', 'delete'], env));
  }

  let syslog: string[] = [];
  let syslogProblem: string | undefined;
  if (w.rsyslog) {
    const mine = (lines: { input: string; raw: string }[]) => lines.filter((l) => l.raw.includes(` ${appName} `));
    const transports = ['imudp', 'imtcp', ...(hasLogger ? ['imuxsock'] : [])];
    try {
      const got = await w.rsyslog.waitFor((lines) => {
        const m = mine(lines);
        return transports.every((input) => ['started', 'stopped'].every((type) => m.some((l) => l.input === input && l.raw.includes(` ${type} `))));
      }, 30_000);
      syslog = mine(got).map((l) => `${l.input} ${l.raw}`);
    } catch (err) {
      syslog = mine(w.rsyslog.lines()).map((l) => `${l.input} ${l.raw}`);
      syslogProblem = (err as Error).message.split('\n')[0];
    }
  }
  return { id, runs: [...keyRuns, ...doctors, daemon], doctors, daemon, keyRuns, syslog, ...(syslogProblem ? { syslogProblem } : {}) };
}

const keychainReady = ssMissing === undefined;
const runnable = (s: Scenario): boolean => s.key !== 'keychain' || keychainReady;

/**
 * Every scenario starts as soon as the servers are up, all at once; the slots above bound how
 * many processes run at a time. Each test then awaits its own scenario.
 */
let outcomes: Promise<Outcome | Error>[] = [];
beforeAll(() => {
  outcomes = SCENARIOS.map((s, i) =>
    runnable(s) ? runScenario(s, i + 1).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))) : Promise.resolve(new Error('not run')),
  );
});

describe('the key and the proxy password never leak (issue 6)', () => {
  it('the hunted values are distinctive: every 8-character run has a letter no hex digest holds', () => {
    for (const secret of Object.values(HUNTED)) {
      for (let i = 0; i + 8 <= secret.length; i++) expect(secret.slice(i, i + 8).toLowerCase(), secret).toMatch(/[g-z]/);
    }
  });

  SCENARIOS.forEach((s, i) => {
    const skip = !runnable(s) && !inCi;
    it.skipIf(skip)(
      `${s.name} — doctor ×3, report ×2, daemon ×2 runs${s.key === 'keychain' ? ', key set/status/delete' : ''}`,
      async () => {
        if (!runnable(s)) throw new Error(`CI must have a Secret Service: ${ssMissing}`);
        const outcome = await outcomes[i]!;
        if (outcome instanceof Error) throw outcome;
        const { id, runs, doctors, daemon, keyRuns, syslog } = outcome;

        // 1. No leak, anywhere: streams, every file each run wrote, every syslog message of its daemon.
        const sinks = [...runs.flatMap(sinksOf), ...syslog.map((line) => ({ where: `${id} syslog`, text: line }))];
        const found = leaksOf(sinks);
        expect(found, found.join('\n')).toEqual([]);
        // The assertion of the issue, as worded: findLeak finds nothing anywhere.
        for (const sink of sinks) {
          expect(findLeak(sink.text, KEY), sink.where).toBeUndefined();
          expect(findLeak(sink.text, PROXY_PASS), sink.where).toBeUndefined();
        }

        // 2. The runs did what the scenario is about (a leak test that ran nothing proves nothing).
        for (const r of runs) expect(r.code, `${r.label} did not finish: ${r.stderr.slice(0, 300)}`).not.toBe(null);
        for (const r of doctors) expect([0, 1], `${r.label} exit ${r.code}: ${r.stderr.slice(0, 300)}`).toContain(r.code);
        const report = JSON.parse(doctors[2]!.stdout) as { checks: { id: string; status: string; code?: string }[] };
        const statuses = report.checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ''}`).join(' ');
        for (const [check, want] of Object.entries(s.expect ?? {})) {
          expect(
            matches(
              report.checks.find((c) => c.id === check),
              want,
            ),
            `${check} should be ${String(want)}; got ${statuses}`,
          ).toBe(true);
        }
        if (s.reached) expect(s.reached(w, id), `the key did not reach the server; ${statuses}`).toBe(true);
        expect(existsSync(join(doctors[3]!.out, 'report.md'))).toBe(true);
        expect(existsSync(join(doctors[4]!.out, 'report.json'))).toBe(true);
        if (s.key === 'keychain') {
          expect(keyRuns.map((r) => `${r.label}: ${r.code}`)).toEqual(['set (stdin)', 'status', 'status --json', 'delete'].map((a) => `${id} key ${a}: 0`));
          expect(report.checks.find((c) => c.id === 'key-validity')?.status, statuses).not.toBe('skip');
        }

        // 3. The daemon ran twice with every reporter, and stopped by itself.
        expect(daemon.code, daemon.stderr.slice(-1000)).toBe(0);
        expect(
          readFileSync(join(daemon.out, 'state', 'history.jsonl'), 'utf8')
            .trim()
            .split('\n'),
        ).toHaveLength(2);
        expect(existsSync(join(daemon.out, 'status.json'))).toBe(true);
        expect(readFileSync(join(daemon.out, 'status.jsonl'), 'utf8')).toMatch(/"stopped"/);
        expect(daemon.stdout).toMatch(/ stopped /);
        expect(daemon.stderr).toMatch(/"level":"debug"/);
        if (w.rsyslog) expect(outcome.syslogProblem, syslog.join('\n')).toBeUndefined();
      },
      240_000,
    );
  });
});

describe('everything rsyslog received', () => {
  it.skipIf(!hasRsyslog && !inCi)('holds neither the key nor the proxy password (every message of every daemon, over UDP, TCP and the unix socket)', () => {
    expect(w.rsyslog, RSYSLOG_MISSING).toBeDefined();
    const lines = w.rsyslog!.lines();
    expect(lines.filter((l) => l.input === 'imudp').length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.input === 'imtcp').length).toBeGreaterThan(0);
    const found = leaksOf(lines.map((l, n) => ({ where: `rsyslog line ${n + 1} (${l.input})`, text: l.raw })));
    expect(found, found.join('\n')).toEqual([]);
  });

  it.skipIf(keychainReady || inCi)(`keychain scenarios not run: ${ssMissing ?? ''}`, () => {});
});
