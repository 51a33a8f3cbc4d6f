import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { proxyConnect } from '../../src/net/proxy.js';
import { certsFromPem, chainAnchor, expiresWithin, isOutsideValidity, isPrivatelyRooted, isSelfSigned, tlsHandshake } from '../../src/net/tls.js';
import { testPki, type TestPki } from '../support/certs.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import { startHttpServer, startResetServer, startSilentServer, type TestServer } from '../support/servers.js';

let pki: TestPki;
const servers: (TestServer | TestProxy)[] = [];
const T = { timeoutMs: 5000 };

async function https(tls: { cert: string; key: string }): Promise<TestServer> {
  const s = await startHttpServer((_q, r) => r.end('ok'), { tls });
  servers.push(s);
  return s;
}

beforeAll(async () => {
  pki = await testPki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

describe('tlsHandshake', () => {
  it('trusts a leaf issued by an extra CA and reports protocol, timing and chain', async () => {
    const s = await https({ cert: pki.leaf.chain, key: pki.leaf.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', ca: [pki.root.cert] });
    expect(r.ok).toBe(true);
    expect(r.authorized).toBe(true);
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.handshakeMs).toBeGreaterThanOrEqual(0);
    expect(r.tcpMs).toBeGreaterThanOrEqual(0);
    expect(r.alpnProtocol).toBe('http/1.1');
    expect(r.chain[0]?.subjectCN).toBe('localhost');
    expect(r.chain[0]?.issuerCN).toBe('Doctor Test Root CA');
    expect(r.chain[0]?.subjectAltNames).toContain('DNS:localhost');
    expect(r.chain[0]?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // The verified path includes the root from the CA list.
    expect(r.chain.at(-1)?.selfIssued).toBe(true);
    expect(chainAnchor(r.chain)).toMatchObject({ name: 'Doctor Test Root CA', rootInChain: true, inNodeRootStore: false });
  });

  it('checks an IP address against IP SANs when no servername is given', async () => {
    const s = await https({ cert: pki.leaf.chain, key: pki.leaf.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, ca: [pki.root.cert] });
    expect(r.ok).toBe(true);
  });

  it('tls-unknown-ca (UNABLE_TO_VERIFY_LEAF_SIGNATURE) when the issuer is not trusted, still with the chain', async () => {
    const s = await https({ cert: pki.leaf.chain, key: pki.leaf.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toMatchObject({ layer: 'tls', kind: 'tls-unknown-ca', rawCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(r.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(r.chain[0]?.issuerCN).toBe('Doctor Test Root CA');
    expect(chainAnchor(r.chain)).toMatchObject({ name: 'Doctor Test Root CA', rootInChain: false, inNodeRootStore: false });
  });

  it('tls-unknown-ca (UNABLE_TO_GET_ISSUER_CERT_LOCALLY) when an intermediate is sent but its root is unknown', async () => {
    const s = await https({ cert: pki.leafViaIntermediate.chain, key: pki.leafViaIntermediate.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toMatchObject({ kind: 'tls-unknown-ca', rawCode: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    expect(r.chain.map((c) => c.subjectCN)).toEqual(['localhost', 'Doctor Test Intermediate CA']);
    const trusted = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', ca: [pki.root.cert] });
    expect(trusted.ok).toBe(true);
    expect(trusted.chain.map((c) => c.subjectCN)).toEqual(['localhost', 'Doctor Test Intermediate CA', 'Doctor Test Root CA']);
  });

  it('tls-self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); insecure reports ok with authorized false', async () => {
    const s = await https({ cert: pki.selfSigned.chain, key: pki.selfSigned.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'tls-self-signed', rawCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(isSelfSigned(r.chain)).toBe(true);
    expect(isPrivatelyRooted(r.chain)).toBe(false);
    const insecure = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', insecure: true });
    expect(insecure.ok).toBe(true);
    expect(insecure.authorized).toBe(false);
    expect(insecure.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('tls-expired (CERT_HAS_EXPIRED)', async () => {
    const s = await https({ cert: pki.expired.chain, key: pki.expired.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', ca: [pki.root.cert] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'tls-expired', rawCode: 'CERT_HAS_EXPIRED' });
    const leaf = r.chain[0];
    expect(leaf).toBeDefined();
    if (!leaf) return;
    expect(leaf.validTo.startsWith('2020-02-01')).toBe(true);
    expect(isOutsideValidity(leaf)).toBe(true);
    expect(expiresWithin(leaf, 30)).toBe(true);
  });

  it('tls-hostname-mismatch (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    const s = await https({ cert: pki.wrongHost.chain, key: pki.wrongHost.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', ca: [pki.root.cert] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'tls-hostname-mismatch', rawCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(r.chain[0]?.subjectAltNames).toEqual(['DNS:wrong.example']);
  });

  it('interception-style chain: SELF_SIGNED_CERT_IN_CHAIN, anchored at a private root', async () => {
    const s = await https({ cert: pki.intercepted.chain, key: pki.intercepted.key });
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'api.portkey.ai' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'tls-unknown-ca', rawCode: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(r.chain.map((c) => c.subjectCN)).toEqual(['api.portkey.ai', 'Corp Inspection Root']);
    expect(chainAnchor(r.chain)).toMatchObject({ name: 'Corp Inspection Root', inNodeRootStore: false });
    expect(isPrivatelyRooted(r.chain)).toBe(true);
    // With the corporate root installed as an extra CA it verifies, and is still recognisably private.
    const trusted = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'api.portkey.ai', ca: [pki.corpRoot.cert] });
    expect(trusted.ok).toBe(true);
    expect(isPrivatelyRooted(trusted.chain)).toBe(true);
  });

  it('expiresWithin / isOutsideValidity on a fresh certificate', () => {
    const [leaf] = certsFromPem(pki.leaf.cert);
    expect(leaf).toBeDefined();
    if (!leaf) return;
    expect(expiresWithin(leaf, 7)).toBe(false);
    expect(expiresWithin(leaf, 31)).toBe(true);
    expect(isOutsideValidity(leaf)).toBe(false);
    expect(expiresWithin(leaf, 7, new Date(Date.parse(leaf.validTo) - 3 * 86_400_000))).toBe(true);
  });

  it('tls-handshake-timeout against a server that accepts and never speaks', async () => {
    const s = await startSilentServer();
    servers.push(s);
    const r = await tlsHandshake('127.0.0.1', s.port, { servername: 'localhost', timeoutMs: 300 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'tls', kind: 'tls-handshake-timeout', rawCode: 'DEADLINE' });
    expect(r.tcpMs).toBeGreaterThanOrEqual(0);
  });

  it('tls-reset when the connection is reset during the handshake', async () => {
    const s = await startResetServer('data');
    servers.push(s);
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'tls', kind: 'tls-reset', rawCode: 'ECONNRESET' });
  });

  it('tls-protocol when the port speaks plain HTTP', async () => {
    const s = await startHttpServer((_q, r) => r.end('plain'));
    servers.push(s);
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('tls-protocol');
  });

  it('handshakes over a proxy tunnel (via)', async () => {
    const s = await https({ cert: pki.leaf.chain, key: pki.leaf.key });
    const proxy = await startConnectProxy();
    servers.push(proxy);
    const tunnel = await proxyConnect(proxy.url, '127.0.0.1', s.port, T);
    expect(tunnel.ok).toBe(true);
    if (!tunnel.ok) return;
    const r = await tlsHandshake('127.0.0.1', s.port, { ...T, servername: 'localhost', ca: [pki.root.cert], via: tunnel.socket });
    expect(r.ok).toBe(true);
    expect(r.tcpMs).toBeUndefined();
    expect(r.chain[0]?.subjectCN).toBe('localhost');
    expect(proxy.tunnels).toBe(1);
  });
});
