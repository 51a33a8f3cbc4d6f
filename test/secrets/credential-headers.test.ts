/**
 * Issue 12, findings 1 and 7: credentials outside the key field.
 *
 * 1. A credential among the extra headers (`x-portkey-api-key`, `Authorization` in
 *    inferenceCustomHeaders / inferenceGatewayHeaders, or `--header`) is a secret: never printed
 *    when a gateway reflects it (console, -v, --json, report, daemon files), not sent on the
 *    unauthenticated probes, and refused in a service's command line.
 * 7. A key pasted into the wrong field (auth scheme, provider, base URL path, models, header
 *    names, metadata keys, an unknown key's name) is shown by its fingerprint, never verbatim.
 *
 * Built CLI, a reflecting gateway on 127.0.0.1 (./echo-gateway.ts), real files in temp folders.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findLeak } from '../cli/leak-check.js';
import { emptyHome, parseReport, runCli, TEST_KEY, writeProfile, type CliRun } from '../cli/run-cli.js';
import { tmp } from '../daemon/support/daemon.js';
import { startEchoGateway, type EchoGateway } from './echo-gateway.js';
import { filesUnder } from '../support/files.js';

/** Credential header values: non-hex letters in every 8-character run. */
const HEADER_KEY = 'hk-HeaderCred-Wq7Zx4Rv9Ty';
const FLAG_KEY = 'fk-FlagCred-Jm5Nq8Vx2Rz';
const LIST_KEY = 'lk-ListCred-Pz3Wy6Kq9Vt';

function leaks(texts: Record<string, string>, hunted: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [what, secret] of Object.entries(hunted)) {
      const piece = findLeak(text, secret) ?? findLeak(text.toLowerCase(), secret.toLowerCase());
      if (piece !== undefined) out.push(`${what} in ${where} ("${piece}")`);
    }
  }
  return out;
}

const outputs = (name: string, r: CliRun): Record<string, string> => ({ [`${name} stdout`]: r.stdout, [`${name} stderr`]: r.stderr });

describe('issue 12.1: a credential in an extra header is a secret', () => {
  let echo: EchoGateway;
  beforeAll(async () => {
    echo = await startEchoGateway();
  });
  afterAll(async () => {
    await echo.close();
  });

  it('reflected by the gateway, it is in no output (console, -v, --json, report, daemon files), and the unauthenticated probes do not send it', async () => {
    const base = `${echo.url}/ok/cred`;
    const dir = writeProfile({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: base,
      inferenceGatewayApiKey: TEST_KEY,
      inferenceGatewayAuthScheme: 'bearer',
      inferenceModels: ['claude-sonnet-4-5'],
      inferenceCustomHeaders: { 'x-portkey-api-key': HEADER_KEY, 'x-portkey-metadata': '{"team":"eng"}' },
      inferenceGatewayHeaders: [`Proxy-Authorization: Basic ${LIST_KEY}`],
    });
    const home = emptyHome();
    const out = tmp('pkd-credhdr-');
    const common = ['--no-policy', '--claude-dir', dir, '--header', `X-Api-Key: ${FLAG_KEY}`, '--timeout', '10'];
    const net = { network: true };
    const runs = await Promise.all([
      runCli([...common, '--live'], { HOME: home }, 60_000, net),
      runCli([...common, '--live', '-v'], { HOME: home }, 60_000, net),
      runCli([...common, '--live', '--json'], { HOME: home }, 60_000, net),
      runCli(['report', ...common, '--live', '--format', 'json', '-o', join(out, 'report.json')], { HOME: home }, 60_000, net),
      runCli(
        [
          'daemon',
          ...common,
          '--schedule',
          '* * * * * *',
          '--splay',
          '0',
          '--max-runs',
          '1',
          '--state-dir',
          join(out, 'state'),
          '--console',
          '--json-file',
          join(out, 'status.json'),
        ],
        { HOME: home },
        60_000,
        net,
      ),
    ]);
    const names = ['doctor', 'doctor -v', 'doctor --json', 'report', 'daemon'];
    const texts: Record<string, string> = {};
    runs.forEach((r, i) => Object.assign(texts, outputs(names[i]!, r)));
    for (const f of [...filesUnder(out), ...filesUnder(home)]) texts[f] = readFileSync(f, 'utf8');

    // The gateway did see them (so a leak was possible) ...
    const seen = JSON.stringify(echo.requests.filter((r) => r.url.includes('/cred/')));
    expect(seen).toContain(HEADER_KEY);
    expect(seen).toContain(FLAG_KEY);
    // ... the doctor's report is a real one ...
    const report = parseReport(runs[2]!);
    expect(report.checks.find((c) => c.id === 'extra-headers')?.code).toBe('HEADERS_CREDENTIAL');
    expect(report.checks.find((c) => c.id === 'gateway-http')?.status).toBe('ok');
    // ... and no output holds any of them.
    expect(leaks(texts, { 'x-portkey-api-key': HEADER_KEY, '--header x-api-key': FLAG_KEY, 'Proxy-Authorization': LIST_KEY })).toEqual([]);

    // The unauthenticated probes (no key) carry no credential header either.
    const unauthenticated = echo.requests.filter((r) => r.url.includes('/cred/') && r.headers.authorization === undefined);
    expect(unauthenticated.length).toBeGreaterThan(0);
    for (const r of unauthenticated) {
      expect(r.headers['x-portkey-api-key']).toBeUndefined();
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(r.headers['proxy-authorization']).toBeUndefined();
    }
  }, 120_000);

  it('agent install refuses a credential header in the service command line (and never prints it)', async () => {
    const home = emptyHome();
    for (const header of [`Authorization: Bearer ${FLAG_KEY}`, `x-portkey-api-key: ${FLAG_KEY}`]) {
      for (const form of [['--header', header], [`--header=${header}`]]) {
        const r = await runCli(['agent', 'install', '--dry-run', '--', ...form], { HOME: home });
        expect(r.code, r.stdout + r.stderr).toBe(2);
        expect(leaks(outputs('agent', r), { header: FLAG_KEY })).toEqual([]);
      }
    }
    // A header that is not a credential is still accepted.
    const ok = await runCli(['agent', 'install', '--dry-run', '--', '--header', 'x-portkey-metadata: {"team":"eng"}'], { HOME: home });
    if (process.platform === 'linux' || process.platform === 'darwin') expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });
});

describe('issue 12.7: a key pasted into the wrong field is shown by its fingerprint', () => {
  const fp = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 12)}`;
  const ANTHROPIC = 'sk-ant-api03-Wq7Zx4Rv9TyPm2Kd8Ls5Hj3Nb6Vc1Xf0Ga';
  const OPENAI = 'sk-proj-Jm5Nq8Vx2RzQw4Te7Yu1Io3Pa6Sd9Fg';
  const PORTKEY_A = 'Zq9Xw7Vr4Ty2Mn8Kp3Lj6Hg5Fd1Sa0Qw';
  const PORTKEY_B = 'Rt5Yu8Io2PaSd4Fg7Hj1Kl3Zx6Cv9Bn0M';
  const PORTKEY_C = 'Qw3Er6Ty9UiOp2As5Df8Gh1Jk4Lz7Xc0V';
  const PORTKEY_D = 'pk-Mn4Bv7Cx1Za3Sd6Fg9Hj2Kl5Qw8Er';

  it('auth scheme, provider, base URL path, models, header names, metadata keys, unknown key names: no key verbatim in console or JSON', async () => {
    const dir = writeProfile({
      inferenceProvider: ANTHROPIC,
      inferenceGatewayBaseUrl: `https://api.portkey.ai/${PORTKEY_A}`,
      inferenceGatewayApiKey: TEST_KEY,
      // The configured key itself, in the wrong field.
      inferenceGatewayAuthScheme: TEST_KEY,
      inferenceModels: [OPENAI, 'claude-sonnet-4-5'],
      inferenceCustomHeaders: { [PORTKEY_B]: 'x', 'x-portkey-metadata': JSON.stringify({ [PORTKEY_C]: 'v' }) },
      [PORTKEY_D]: 'pasted as a key name',
    });
    const home = emptyHome();
    const runs = await Promise.all([
      runCli(['--no-policy', '--claude-dir', dir], { HOME: home }),
      runCli(['--no-policy', '--claude-dir', dir, '-v'], { HOME: home }),
      runCli(['--no-policy', '--claude-dir', dir, '--json'], { HOME: home }),
    ]);
    const texts: Record<string, string> = {};
    runs.forEach((r, i) => Object.assign(texts, outputs(['doctor', 'doctor -v', 'doctor --json'][i]!, r)));
    const hunted = {
      anthropic: ANTHROPIC,
      openai: OPENAI,
      'portkey A': PORTKEY_A,
      'portkey B': PORTKEY_B,
      'portkey C': PORTKEY_C,
      'portkey D': PORTKEY_D,
      key: TEST_KEY,
    };
    expect(leaks(texts, hunted)).toEqual([]);
    // The checks still judged the fields, and the fingerprint stands where the value was.
    const report = parseReport(runs[2]!);
    expect(report.checks.find((c) => c.id === 'inference-mode')?.status).toBe('fail');
    expect(report.checks.find((c) => c.id === 'auth-scheme')?.code).toBe('AUTH_SCHEME_UNKNOWN');
    expect(runs[2]!.stdout).toContain(fp(ANTHROPIC));
    expect(runs[2]!.stdout).toContain(fp(TEST_KEY));
  });
});
