/**
 * An executable built here for another platform (scripts/package.mjs --target): linux-arm64, run
 * under qemu's user-mode emulation with the arm64 C and C++ libraries (Debian's qemu-user,
 * libc6-arm64-cross, libstdc++6-arm64-cross; .ci/run installs them). Its blob is written the
 * same way as for darwin-x64 and win32-x64 (by the linux-x64 Node of the same version, no code
 * cache), which cannot be run here: this is the one that can show the way works. Slow (each run
 * is emulated: seconds, not milliseconds).
 */
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, VERSION } from './release.js';

const QEMU = '/usr/bin/qemu-aarch64';
const SYSROOT = '/usr/aarch64-linux-gnu';
const BUILT = join(ROOT, 'release', 'portkey-doctor-linux-arm64');
const host = `${process.platform}-${process.arch}`;
const missing =
  host !== 'linux-x64'
    ? 'cross-built executables are tested from linux-x64'
    : !existsSync(QEMU) || !existsSync(join(SYSROOT, 'lib'))
      ? 'qemu-user and the arm64 cross libraries are not installed'
      : undefined;

let dir: string;
let exe: string;
let gateway: Server;
let base: string;

describe.skipIf(missing !== undefined && process.env.CI !== 'true')('the linux-arm64 executable, built on linux-x64, under qemu', () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    const stale = !existsSync(BUILT) || statSync(BUILT).mtimeMs < statSync(join(ROOT, 'release', `portkey-doctor-linux-x64`)).mtimeMs;
    if (stale)
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--target', 'linux-arm64', '--no-tarball'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'pkd-arm64-'));
    exe = join(dir, 'portkey-doctor');
    copyFileSync(BUILT, exe);
    mkdirSync(join(dir, 'home'), { mode: 0o700 });
    // An open-source-gateway stand-in on loopback: the emulated doctor's requests come here.
    gateway = createServer((req, res) => {
      req.resume();
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/plain' }).end('AI Gateway says hey!');
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}');
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
  }, 600_000);
  afterAll(() => new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r())));

  const emulated = (args: string[]) =>
    run(
      QEMU,
      ['-L', SYSROOT, exe, ...args],
      { PATH: '', HOME: join(dir, 'home'), NO_COLOR: '1', PORTKEY_DOCTOR_API_KEY: 'pk-arm64-test-not-a-key' },
      dir,
      120_000,
    );

  it('--version', { timeout: 150_000 }, async () => {
    expect(await emulated(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('an offline --json run, the schemas embedded', { timeout: 150_000 }, async () => {
    const r = await emulated(['--offline', '--no-policy', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { tool: { version: string }; checks: { id: string; status: string; code?: string }[] };
    expect(report.tool.version).toBe(VERSION);
    expect(report.checks.find((c) => c.id === 'claude-settings')).toMatchObject({ status: 'fail', code: 'SETTINGS_NOT_FOUND' });
  });

  it('HTTP through undici and its WebAssembly parser, on arm64', { timeout: 150_000 }, async () => {
    const r = await emulated(['--json', '--no-policy', '--only', 'network', '--base-url', base, '--timeout', '60']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; details?: { kind?: string } }[] };
    expect(report.checks.find((c) => c.id === 'gateway-http')).toMatchObject({ status: 'ok', details: { kind: 'portkey-oss' } });
  });
});
