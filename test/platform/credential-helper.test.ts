/**
 * The credential helper runner against real helper scripts written to a temporary folder:
 * success (bare token and JSON), timeout (with a child process holding stdout open), non-zero
 * exit, empty output, huge output, and paths the app would not run. The token never appears in
 * anything but the Secret.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HELPER_DEFAULT_TIMEOUT_S, helperTimeoutMs, runCredentialHelper } from '../../src/platform/credential-helper.js';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'pkd-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'pk-helper-token-0123456789abcdef';

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe.runIf(posix)('runCredentialHelper (real scripts)', () => {
  it('a bare token: ok, wrapped as a Secret, CLAUDE_HELPER_CONTEXT set', async () => {
    const file = script('ok.sh', `[ "$CLAUDE_HELPER_CONTEXT" = setup-test ] || exit 3\necho "  ${TOKEN}  "\necho noise >&2`);
    const run = await runCredentialHelper(file, { timeoutMs: 10_000 });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.key.reveal()).toBe(TOKEN);
    expect(run.format).toBe('token');
    expect(JSON.stringify(run)).not.toContain(TOKEN);
    expect(inspect(run)).not.toContain(TOKEN);
  });

  it('the JSON form: token and header names', async () => {
    const file = script('json.sh', `printf '%s' '{"token":"${TOKEN}","headers":{"x-portkey-config":"pc-secret-1"}}'`);
    const run = await runCredentialHelper(file, { timeoutMs: 10_000 });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.key.reveal()).toBe(TOKEN);
    expect(run.format).toBe('json');
    expect(run.headers.map((h) => h.name)).toEqual(['x-portkey-config']);
    expect(JSON.stringify(run)).not.toContain('pc-secret-1');
  });

  it('a helper that does not finish (and whose child holds stdout): timeout, promptly', async () => {
    const file = script('slow.sh', 'sleep 30 &\nsleep 30');
    const t0 = Date.now();
    const run = await runCredentialHelper(file, { timeoutMs: 300 });
    expect(run).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a non-zero exit: exit, with the code, nothing of its output', async () => {
    const file = script('fail.sh', `echo ${TOKEN}\nexit 7`);
    const run = await runCredentialHelper(file, { timeoutMs: 10_000 });
    expect(run).toMatchObject({ ok: false, reason: 'exit', exitCode: 7 });
    expect(JSON.stringify(run)).not.toContain(TOKEN);
  });

  it('empty output: empty', async () => {
    const run = await runCredentialHelper(script('empty.sh', 'printf "  \\n"'), { timeoutMs: 10_000 });
    expect(run).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('huge output: too-large, stopped', async () => {
    const file = script('huge.sh', 'yes pk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    const t0 = Date.now();
    const run = await runCredentialHelper(file, { timeoutMs: 10_000 });
    expect(run).toMatchObject({ ok: false, reason: 'too-large' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('banners around the token or broken JSON: bad-output', async () => {
    expect(await runCredentialHelper(script('banner.sh', `echo Welcome\necho ${TOKEN}`), { timeoutMs: 10_000 })).toMatchObject({
      ok: false,
      reason: 'bad-output',
    });
    expect(await runCredentialHelper(script('badjson.sh', `echo '{"token": '`), { timeoutMs: 10_000 })).toMatchObject({
      ok: false,
      reason: 'bad-output',
    });
    expect(await runCredentialHelper(script('notoken.sh', `echo '{"headers": {}}'`), { timeoutMs: 10_000 })).toMatchObject({
      ok: false,
      reason: 'bad-output',
    });
  });

  it('paths the app would not run: not-absolute, not-found, not-executable', async () => {
    expect(await runCredentialHelper('helper.sh', { timeoutMs: 1_000 })).toMatchObject({ ok: false, reason: 'not-absolute' });
    expect(await runCredentialHelper(join(dir, 'missing.sh'), { timeoutMs: 1_000 })).toMatchObject({ ok: false, reason: 'not-found' });
    const plain = join(dir, 'plain.sh');
    writeFileSync(plain, `#!/bin/sh\necho ${TOKEN}\n`);
    chmodSync(plain, 0o644);
    expect(await runCredentialHelper(plain, { timeoutMs: 1_000 })).toMatchObject({ ok: false, reason: 'not-executable' });
    // A shell command line is not a path: no shell runs it.
    expect(await runCredentialHelper(`${script('x.sh', `echo ${TOKEN}`)} --flag`, { timeoutMs: 1_000 })).toMatchObject({ ok: false, reason: 'not-found' });
  });
});

describe('helperTimeoutMs', () => {
  it('takes the setting within 1–600 s (number or decimal string), else the app default', () => {
    expect(helperTimeoutMs(5)).toBe(5_000);
    expect(helperTimeoutMs('120')).toBe(120_000);
    expect(helperTimeoutMs(undefined)).toBe(HELPER_DEFAULT_TIMEOUT_S * 1000);
    expect(helperTimeoutMs(0)).toBe(HELPER_DEFAULT_TIMEOUT_S * 1000);
    expect(helperTimeoutMs(601)).toBe(HELPER_DEFAULT_TIMEOUT_S * 1000);
    expect(helperTimeoutMs('1e3')).toBe(HELPER_DEFAULT_TIMEOUT_S * 1000);
    expect(helperTimeoutMs(2.5)).toBe(HELPER_DEFAULT_TIMEOUT_S * 1000);
  });
});
