import { connect } from 'node:net';

import { describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { classify, isTimeout, layerOf, NetFailureError, stripUrlCredentials, type NetPhase } from '../../src/net/errors.js';
import { closedPort } from '../support/servers.js';

const coded = (code: string, message = `${code} happened`): Error => Object.assign(new Error(message), { code });

describe('classify: real error shapes from Node', () => {
  it("fetch's TypeError('fetch failed') is unwrapped to its cause (ECONNREFUSED)", async () => {
    const port = await closedPort();
    const err = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(classify(err)).toMatchObject({ layer: 'tcp', kind: 'tcp-refused', rawCode: 'ECONNREFUSED' });
  });

  it('an AggregateError (happy-eyeballs connect, empty message) is unwrapped and given a message', async () => {
    const port = await closedPort();
    const err = await new Promise<unknown>((resolve) => {
      const s = connect({
        host: 'dual.test',
        port,
        autoSelectFamily: true,
        lookup: ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
          o.all
            ? cb(null, [
                { address: '127.0.0.1', family: 4 },
                { address: '::1', family: 6 },
              ])
            : cb(null, '127.0.0.1', 4)) as never,
      });
      s.on('error', resolve);
    });
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).message).toBe('');
    const f = classify(err);
    expect(f).toMatchObject({ layer: 'tcp', kind: 'tcp-refused', rawCode: 'ECONNREFUSED' });
    expect(f.message).toContain('ECONNREFUSED');
  });

  it('AbortSignal reasons: AbortError is aborted, TimeoutError is a timeout of the phase', () => {
    expect(classify(AbortSignal.abort().reason, { phase: 'tls' })).toMatchObject({ layer: 'tls', kind: 'aborted' });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classify(timeout, { phase: 'http' })).toMatchObject({ kind: 'http-headers-timeout' });
  });
});

describe('classify: the table (codes as Node/OpenSSL/undici report them)', () => {
  const rows: [string, NetPhase, string, string][] = [
    ['ENOTFOUND', 'dns', 'dns', 'dns-not-found'],
    ['EAI_AGAIN', 'dns', 'dns', 'dns-timeout'],
    ['ETIMEOUT', 'dns', 'dns', 'dns-timeout'],
    ['ESERVFAIL', 'dns', 'dns', 'dns-failure'],
    ['ECONNREFUSED', 'dns', 'dns', 'dns-failure'],
    ['ENOTFOUND', 'proxy', 'proxy', 'proxy-unresolvable'],
    ['ECONNREFUSED', 'tcp', 'tcp', 'tcp-refused'],
    ['ECONNREFUSED', 'proxy', 'proxy', 'proxy-refused'],
    ['ETIMEDOUT', 'tcp', 'tcp', 'tcp-timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'tcp', 'tcp', 'tcp-timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'tls', 'tls', 'tls-handshake-timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'proxy', 'proxy', 'proxy-timeout'],
    ['ECONNRESET', 'tcp', 'tcp', 'tcp-reset'],
    ['ECONNRESET', 'tls', 'tls', 'tls-reset'],
    ['ECONNRESET', 'http', 'http', 'http-reset'],
    ['EPIPE', 'http', 'http', 'http-reset'],
    ['EHOSTUNREACH', 'tcp', 'tcp', 'tcp-unreachable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'tls', 'tls-self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', 'tls', 'tls-unknown-ca'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', 'tls', 'tls-unknown-ca'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls', 'tls', 'tls-unknown-ca'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'tls', 'tls-hostname-mismatch'],
    ['CERT_HAS_EXPIRED', 'tls', 'tls', 'tls-expired'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', 'tls', 'tls-protocol'],
    ['UND_ERR_HEADERS_TIMEOUT', 'http', 'http', 'http-headers-timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'body', 'http', 'http-body-timeout'],
    ['UND_ERR_SOCKET', 'http', 'http', 'http-reset'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'body', 'http', 'http-too-large'],
    ['HPE_INVALID_CONSTANT', 'http', 'http', 'http-protocol'],
    ['UND_ERR_ABORTED', 'tcp', 'tcp', 'aborted'],
    ['DEADLINE', 'dns', 'dns', 'dns-timeout'],
    ['DEADLINE', 'http', 'http', 'http-headers-timeout'],
    ['DEADLINE', 'body', 'http', 'http-body-timeout'],
  ];
  for (const [code, phase, layer, kind] of rows) {
    it(`${code} during ${phase} → ${kind}`, () => {
      expect(classify(coded(code), { phase })).toMatchObject({ layer, kind, rawCode: code });
    });
  }

  it('unknown codes fall back to <layer>-failure and keep the raw code', () => {
    expect(classify(coded('EWHATEVER'), { phase: 'tls' })).toMatchObject({ layer: 'tls', kind: 'tls-failure', rawCode: 'EWHATEVER' });
    expect(classify(new Error('no code at all'), { phase: 'body' })).toMatchObject({ layer: 'http', kind: 'http-failure' });
    expect(classify('a string', { phase: 'dns' })).toMatchObject({ layer: 'dns', kind: 'dns-failure' });
  });

  it("undici ProxyAgent's refusal shapes carry the status", () => {
    const e407 = Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' });
    expect(classify(e407)).toMatchObject({ layer: 'proxy', kind: 'proxy-auth-required', status: 407 });
    const e403 = Object.assign(new Error('Proxy response (403) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' });
    expect(classify(e403)).toMatchObject({ layer: 'proxy', kind: 'proxy-connect-refused', status: 403 });
    const wrapped = new TypeError('fetch failed', { cause: Object.assign(new Error('Proxy Authentication Required (407)'), { code: 'UND_ERR_INVALID_ARG' }) });
    expect(classify(wrapped)).toMatchObject({ kind: 'proxy-auth-required', status: 407 });
  });

  it('a NetFailureError passes its failure through', () => {
    const failure = classify(coded('ECONNREFUSED'), { phase: 'proxy' });
    expect(classify(new NetFailureError(failure), { phase: 'http' })).toBe(failure);
  });
});

describe('messages are scrubbed', () => {
  it('of secrets and of URL credentials', () => {
    const key = new Secret('pk-live-abcdefghijklmnop');
    const f = classify(coded('ECONNRESET', `reset while sending Bearer ${key.reveal()} via http://bob:pw123@proxy:3128`), { secrets: [key] });
    expect(f.message).not.toContain(key.reveal());
    expect(f.message).not.toContain('pw123');
    expect(f.message).toContain('http://***@proxy:3128');
  });

  it('stripUrlCredentials leaves credential-free URLs alone', () => {
    expect(stripUrlCredentials('see https://api.portkey.ai/v1 and user@example.com')).toBe('see https://api.portkey.ai/v1 and user@example.com');
  });
});

describe('helpers', () => {
  it('layerOf and isTimeout', () => {
    expect(layerOf('proxy-auth-required')).toBe('proxy');
    expect(layerOf('aborted', 'body')).toBe('http');
    expect(layerOf('insecure-key-transport', 'http')).toBe('http');
    expect(isTimeout(classify(coded('UND_ERR_BODY_TIMEOUT')))).toBe(true);
    expect(isTimeout(classify(coded('ECONNREFUSED')))).toBe(false);
  });
});
