/**
 * The npm package: what `npm pack` puts in the tarball (the bundle and nothing else: no sources,
 * tests, benchmarks or source maps), and the tarball installed into a temporary global prefix,
 * run as a user would (`portkey-doctor` on PATH).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, VERSION } from './release.js';

const npm = (args: string[], cwd = ROOT): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('the npm package', () => {
  it('holds the bundle, package.json, README and LICENSE only', { timeout: 240_000 }, () => {
    // --ignore-scripts: dist/ is already built (pretest); a rebuild here would race other test files.
    const out = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as { files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/cli.cjs');
    expect(files).toContain('package.json');
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/cli\.c?js|dist\/chunks\/[A-Za-z0-9_-]+\.js)$/.test(f));
    expect(unexpected).toEqual([]);
  });

  it('points nobody at a source map, and the bin is the bundle', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; type: string };
    // The bin is a CommonJS launcher that answers --version and otherwise loads dist/cli.js.
    expect(pkg.bin).toEqual({ 'portkey-doctor': 'dist/cli.cjs' });
    expect(readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')).toContain("import('./cli.js')");
    const files = ['dist/cli.js', 'dist/cli.cjs', ...readdirSync(join(ROOT, 'dist', 'chunks')).map((f) => `dist/chunks/${f}`)];
    for (const f of files) {
      expect(f).toMatch(/\.c?js$/);
      expect(readFileSync(join(ROOT, f), 'utf8')).not.toMatch(/sourceMappingURL/);
    }
    expect(readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it("is ASCII, and loads neither undici's HTTP/2 client nor Node's http2 (issue 15: start-up cost)", () => {
    const files = ['dist/cli.js', 'dist/cli.cjs', ...readdirSync(join(ROOT, 'dist', 'chunks')).map((f) => `dist/chunks/${f}`)];
    const text = files.map((f) => readFileSync(join(ROOT, f), 'latin1')).join('\n');
    expect(text.search(/[^\x00-\x7f]/)).toBe(-1);
    expect(text).not.toMatch(/["']node:http2["']|["']http2["']/);
    expect(text).not.toContain('node_modules/undici/lib/dispatcher/client-h2.js');
  });

  it('installed from its tarball into a temporary global prefix, runs', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-pack-'));
    const out = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir]);
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    expect(info!.filename).toBe(`portkey-doctor-${VERSION}.tgz`);
    const prefix = join(dir, 'prefix');
    npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, info!.filename)], dir);
    const bin = join(prefix, 'bin', 'portkey-doctor');
    const home = mkdtempSync(join(tmpdir(), 'pkd-home-'));
    // Only the node that runs this test and the prefix's bin on PATH, as after `npm install -g`.
    const env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1' };
    const version = await run(bin, ['--version'], env, home);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const doctor = await run(bin, ['--offline', '--no-policy', '--json'], env, home);
    expect(doctor.code).toBe(1);
    const report = JSON.parse(doctor.stdout) as { tool: { version: string }; checks: { id: string; status: string; code?: string }[] };
    expect(report.tool.version).toBe(VERSION);
    expect(report.checks.find((c) => c.id === 'claude-settings')).toMatchObject({ status: 'fail', code: 'SETTINGS_NOT_FOUND' });
    // A policy (validated against the schema the bundle embeds): a bad one is exit 2.
    const policy = join(home, 'policy.json');
    execFileSync('sh', ['-c', `printf '{"latency":{"warnMs":"soon"}}' > '${policy}'`]);
    const bad = await run(bin, ['--offline', '--policy', policy], env, home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/latency/warnMs');
  });
});
