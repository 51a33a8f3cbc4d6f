/**
 * Reading the OS certificate store: Node's API where the running Node has it (feature-detected;
 * played here, since this machine's Node 20 has not), the real Linux distro bundle, SSL_CERT_FILE,
 * the macOS keychains through a stand-in `security`, Windows' PowerShell export format, bounds.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';

import { LINUX_CA_BUNDLES, MAX_STORE_CERTS, pemBlocks, readSystemCertificates } from '../../src/platform/trust-store.js';
import { realOs } from '../../src/io/real.js';

const dir = mkdtempSync(join(tmpdir(), 'pkd-trust-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROOT = rootCertificates[0]!;

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('readSystemCertificates', () => {
  it('Node’s tls.getCACertificates("system") when the running Node has it', async () => {
    const asked: string[] = [];
    const store = await readSystemCertificates({
      env: {},
      nodeSystemCa: (type) => {
        asked.push(type);
        return [ROOT];
      },
    });
    expect(asked).toEqual(['system']);
    expect(store).toMatchObject({ source: 'node', pems: [ROOT] });
  });

  it.skipIf(process.platform !== 'linux')('Linux without that API: the distro bundle, for real', async () => {
    const store = await readSystemCertificates({ platform: 'linux', env: {}, nodeSystemCa: null });
    const path = LINUX_CA_BUNDLES.find((p) => store.description.includes(p));
    expect(store.source, store.unreadable).toBe('file');
    expect(path).toBeDefined();
    expect(store.pems.length).toBeGreaterThan(50);
  });

  it('Linux: SSL_CERT_FILE names the store (before Node’s API, as OpenSSL and --use-system-ca read it)', async () => {
    const file = join(dir, 'bundle.pem');
    writeFileSync(file, `garbage\n${ROOT}\nmore garbage\n`);
    const store = await readSystemCertificates({ platform: 'linux', env: { SSL_CERT_FILE: file }, nodeSystemCa: () => [] });
    expect(store.source).toBe('file');
    expect(store.pems).toHaveLength(1);
    const missing = await readSystemCertificates({ platform: 'linux', env: { SSL_CERT_FILE: join(dir, 'nope.pem') }, nodeSystemCa: null });
    expect(missing).toMatchObject({ source: 'none', pems: [] });
    expect(missing.unreadable).toMatch(/ENOENT/);
  });

  it('macOS: security find-certificate -a -p on the system keychains (a stand-in prints PEM)', async () => {
    const pemFile = join(dir, 'mac.pem');
    writeFileSync(pemFile, `${rootCertificates[1]}\n${rootCertificates[2]}`);
    const security = script('security', `[ "$1 $2 $3" = "find-certificate -a -p" ] && cat '${pemFile}'`);
    const store = await readSystemCertificates({ platform: 'darwin', nodeSystemCa: null, commands: { security } });
    expect(store).toMatchObject({ source: 'macos-keychain', pems: [rootCertificates[1], rootCertificates[2]] });
  });

  it('a hung tool ends within the bound, said in unreadable', async () => {
    const security = script('security-hung', 'exec sleep 30');
    const started = Date.now();
    const store = await readSystemCertificates({ platform: 'darwin', nodeSystemCa: null, timeoutMs: 300, commands: { security } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(store).toMatchObject({ source: 'none', pems: [] });
    expect(store.unreadable).toMatch(/did not answer/);
  });

  it('Windows PowerShell export format (CRLF, base64 lines) is read; other OSes: none', async () => {
    const body = ROOT.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    const lines = body.match(/.{1,76}/g)!.join('\r\n');
    const out = `-----BEGIN CERTIFICATE-----\r\n${lines}\r\n-----END CERTIFICATE-----\r\n`;
    expect(pemBlocks(out)).toHaveLength(1);
    expect(pemBlocks(out)[0]).not.toContain('\r');
    if (process.platform !== 'win32') {
      expect((await readSystemCertificates({ platform: 'win32', nodeSystemCa: null })).source).toBe('none');
    }
    expect((await readSystemCertificates({ platform: 'freebsd', nodeSystemCa: null })).source).toBe('none');
  });

  it('bounded in count', () => {
    expect(pemBlocks(ROOT.repeat(MAX_STORE_CERTS + 10))).toHaveLength(MAX_STORE_CERTS);
  });

  it('ctx.os.systemCertificates reads once per run, only when asked', async () => {
    const os = realOs('linux', { SSL_CERT_FILE: join(dir, 'bundle.pem') });
    const first = os.systemCertificates();
    expect(os.systemCertificates()).toBe(first);
    expect((await first).pems).toHaveLength(1);
  });
});
