/**
 * The single executable (release/portkey-doctor-<platform>-<arch>, scripts/package.mjs) copied
 * into an empty folder and run with an empty PATH, so no Node.js can be reached: everything it
 * needs (the bundle, the schemas, the service templates, the keychain addon) is inside it.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretServiceMissing, startSecretService, type SecretService } from '../platform/secret-service.js';
import { ensureExecutable, ROOT, run, VERSION } from './release.js';

const KEY = 'pk-ExecutableTestKey-Qz8Wv';
let dir: string;
let exe: string;
let home: string;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: '',
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_CACHE_HOME: join(home, '.cache'),
  NO_COLOR: '1',
  ...extra,
});

beforeAll(() => {
  const built = ensureExecutable();
  dir = mkdtempSync(join(tmpdir(), 'pkd-exe-'));
  exe = join(dir, 'portkey-doctor');
  copyFileSync(built, exe);
  home = join(dir, 'home');
  mkdirSync(home, { mode: 0o700 });
  expect(readdirSync(dir).sort()).toEqual(['home', 'portkey-doctor']);
}, 300_000);

describe.skipIf(process.platform === 'win32')('the single executable, alone in an empty folder, PATH empty', () => {
  it('--version', async () => {
    expect(await run(exe, ['--version'], env(), dir)).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('an offline --json run', async () => {
    const r = await run(exe, ['--offline', '--no-policy', '--json'], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { tool: { version: string }; checks: { id: string; status: string; code?: string }[] };
    expect(report.tool.version).toBe(VERSION);
    expect(report.checks.find((c) => c.id === 'claude-settings')).toMatchObject({ status: 'fail', code: 'SETTINGS_NOT_FOUND' });
  });

  it('a policy validated against the embedded schema', async () => {
    const policy = join(home, 'policy.json');
    writeFileSync(policy, '{"latency":{"warnMs":"soon"}}');
    const bad = await run(exe, ['--offline', '--policy', policy], env(), dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/latency/warnMs');
    writeFileSync(policy, '{"latency":{"warnMs":1500}}');
    expect((await run(exe, ['--offline', '--policy', policy, '--json'], env(), dir)).code).toBe(1);
  });

  it('report writes its file, mode 0600', async () => {
    const cwd = mkdtempSync(join(dir, 'report-'));
    const r = await run(exe, ['report', '--offline', '--no-policy'], env(), cwd);
    expect(r.code).toBe(1);
    const files = readdirSync(cwd).filter((f) => /^portkey-doctor-report-.*\.md$/.test(f));
    expect(files).toHaveLength(1);
    expect(statSync(join(cwd, files[0]!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(cwd, files[0]!), 'utf8')).toContain('SETTINGS_NOT_FOUND');
  });

  it('agent install --dry-run points the service at the executable itself', async () => {
    const r = await run(exe, ['agent', 'install', '--dry-run', '--', '--raise-after', '3'], env(), dir);
    expect(r.code).toBe(0);
    if (process.platform === 'linux') {
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('ExecStart='));
      expect(lines).toEqual([`ExecStart=${exe} daemon --raise-after 3`]);
    } else {
      expect(r.stdout).toContain(`<string>${exe}</string>\n    <string>daemon</string>`);
    }
    expect(r.stdout).not.toMatch(/cli\.js|\bnode\b\//);
  });

  it('a PAC file (egressProxyPacUrl) is evaluated with the QuickJS WebAssembly carried inside', async () => {
    const claude = join(home, 'claude-pac');
    mkdirSync(join(claude, 'configLibrary'), { recursive: true });
    const pac = join(home, 'proxy.pac');
    // A proxy on a port nothing listens on: the gateway's name is never resolved, nothing leaves loopback.
    writeFileSync(pac, 'function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:9"; }');
    const id = '00000000-0000-4000-8000-00000000a11c';
    writeFileSync(join(claude, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: id, entries: [{ id, name: 'Default' }] }));
    writeFileSync(join(claude, 'configLibrary', `${id}.json`), JSON.stringify({ inferenceProvider: 'gateway', egressProxyPacUrl: `file://${pac}` }));
    const args = ['--json', '--no-policy', '--claude-dir', claude, '--base-url', 'https://gateway.pac-exe.invalid', '--only', 'network', '--timeout', '10'];
    const r = await run(exe, args, env(), dir);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; details?: Record<string, unknown> }[] };
    expect(report.checks.find((c) => c.id === 'network-path')?.details).toMatchObject({ source: 'app-pac', proxy: 'http://127.0.0.1:9' });
  });

  it("a --plugin check (an ES module file, through Node's own loader) runs, and nothing is printed on stderr", async () => {
    const plugin = join(home, 'org-check.mjs');
    writeFileSync(
      plugin,
      "export default { id: 'org-check', title: 'Org check', group: 'settings', needs: [], codes: {}, async run() { return { status: 'ok', summary: 'fine' }; } };\n",
    );
    const r = await run(exe, ['--offline', '--no-policy', '--json', '--plugin', plugin], env(), dir);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string }[] };
    expect(report.checks.find((c) => c.id === 'org-check')).toMatchObject({ status: 'ok' });
  });

  it('its main script, when the doctor inside cannot be read (a damaged file), says so in one line and exits 2', async () => {
    // Outside an executable node:sea has no assets: the same path a damaged blob takes.
    const r = await run(process.execPath, [join(ROOT, 'build', 'sea', 'main.cjs'), '--offline'], env({ PATH: process.env.PATH ?? '' }), dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('portkey-doctor: internal error: this executable is damaged (the doctor inside it cannot be read). Download it again.\n');
    expect(r.stdout).toBe('');
  });

  it('without a D-Bus session bus, key status says the keychain is unavailable (exit 2), no crash', async () => {
    const r = await run(exe, ['key', 'status'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^portkey-doctor: the keychain is unavailable/);
  });
});

const missing = process.platform === 'linux' ? secretServiceMissing() : 'the Secret Service is Linux only';
describe.skipIf(process.platform !== 'linux' || (missing !== undefined && process.env.CI !== 'true'))('the executable and the real Secret Service', () => {
  let service: SecretService;
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    service = await startSecretService({ reuse: false });
  }, 60_000);
  afterAll(async () => service?.stop());

  it('key set, then key status shows the fingerprint; the addon sits in a private per-version folder', async () => {
    const bus = { DBUS_SESSION_BUS_ADDRESS: service.address, DISPLAY: '' };
    const service_ = ['--keychain-service', `pkd-exe-test-${process.pid}`];
    expect((await run(exe, ['key', 'status', ...service_], env(bus), dir)).code).toBe(1);
    const set = await run(exe, ['key', 'set', '--from-env', 'PKD_TEST_KEY', ...service_], env({ ...bus, PKD_TEST_KEY: KEY }), dir);
    expect(set.code).toBe(0);
    const status = await run(exe, ['key', 'status', '--json', ...service_], env(bus), dir);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'found', length: KEY.length });
    for (const out of [set, status]) expect(out.stdout + out.stderr).not.toContain(KEY);
    const cache = join(home, '.cache', 'portkey-doctor', VERSION);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    const addons = readdirSync(cache);
    expect(addons).toHaveLength(1);
    expect(addons[0]).toMatch(/^keyring-[0-9a-f]{16}\.node$/);
    expect((await run(exe, ['key', 'delete', ...service_], env(bus), dir)).code).toBe(0);
  });

  it('refuses an addon folder open to other users', async () => {
    const other = join(dir, 'other-home');
    mkdirSync(join(other, '.cache', 'portkey-doctor', VERSION), { recursive: true, mode: 0o777 });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(other, '.cache', 'portkey-doctor', VERSION), 0o777);
    const r = await run(
      exe,
      ['key', 'status'],
      { ...env({ DBUS_SESSION_BUS_ADDRESS: service.address }), HOME: other, XDG_CACHE_HOME: join(other, '.cache') },
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('open to other users');
    expect(existsSync(join(other, '.cache', 'portkey-doctor', VERSION))).toBe(true);
    expect(readdirSync(join(other, '.cache', 'portkey-doctor', VERSION))).toEqual([]);
  });
});
