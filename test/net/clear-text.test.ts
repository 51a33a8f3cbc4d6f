import { describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { clearTextVerdict, type ClearTextVerdict } from '../../src/net/clear-text.js';
import { proxyFor, type ProxyDecision } from '../../src/net/proxy.js';
import { wireHeaders } from '../../src/net/secret-headers.js';

/** The proxy decision the client would make for `url` with this proxy variable (or none). */
function via(url: string, proxy: string | undefined): ProxyDecision | undefined {
  return proxy === undefined ? undefined : proxyFor(url, { HTTP_PROXY: proxy, HTTPS_PROXY: proxy });
}

type Row = [url: string, proxy: string | undefined, carriesKey: boolean, expected: true | string];

// expected: true = allowed; otherwise the hop that would read the key in clear.
const rows: Row[] = [
  // No key: anything goes.
  ['http://gateway.corp.test/v1/messages', undefined, false, true],
  ['http://gateway.corp.test/', 'http://proxy.corp.test:3128', false, true],
  // https: the key is inside TLS end to end, whatever proxy tunnels it.
  ['https://api.portkey.ai/v1/models', undefined, true, true],
  ['https://api.portkey.ai/', 'http://proxy.corp.test:3128', true, true],
  ['https://api.portkey.ai/', 'https://proxy.corp.test:3129', true, true],
  ['https://localhost:8787/', 'http://10.0.0.5:3128', true, true],
  // Plain http to a remote host: refused, named by its host.
  ['http://api.portkey.ai/v1/models', undefined, true, 'api.portkey.ai'],
  ['http://10.0.0.7:8787/', undefined, true, '10.0.0.7'],
  ['http://[2001:db8::1]:8787/', undefined, true, '[2001:db8::1]'],
  ['http://localhost.corp.test/', undefined, true, 'localhost.corp.test'],
  ['http://foo.localhost/', undefined, true, 'foo.localhost'],
  ['http://[::ffff:10.0.0.1]/', undefined, true, '[::ffff:a00:1]'],
  // Plain http to a remote host through a loopback proxy: still the remote host.
  ['http://api.portkey.ai/', 'http://127.0.0.1:3128', true, 'api.portkey.ai'],
  // Plain http to loopback, no proxy: every spelling of this machine.
  ['http://localhost:8787/', undefined, true, true],
  ['http://LOCALHOST:8787/', undefined, true, true],
  ['http://localhost.:8787/', undefined, true, true],
  ['http://127.0.0.1:8787/', undefined, true, true],
  ['http://127.9.8.7:8787/', undefined, true, true],
  ['http://[::1]:8787/', undefined, true, true],
  ['http://[::ffff:127.0.0.1]:8787/', undefined, true, true],
  // Plain http to loopback through a proxy: the proxy reads the clear text unless it is loopback too.
  ['http://127.0.0.1:8787/', 'http://proxy.corp.test:3128', true, 'proxy http://proxy.corp.test:3128'],
  ['http://localhost:8787/', 'https://proxy.corp.test:3129', true, 'proxy https://proxy.corp.test:3129'],
  ['http://[::1]:8787/', 'http://10.0.0.5:3128', true, 'proxy http://10.0.0.5:3128'],
  ['http://127.0.0.1:8787/', 'http://127.0.0.1:3128', true, true],
  ['http://127.0.0.1:8787/', 'https://localhost:3129', true, true],
  ['http://localhost:8787/', 'http://[::1]:3128', true, true],
  ['http://localhost:8787/', 'http://[::ffff:127.0.0.1]:3128', true, true],
  // A proxy that cannot be read as a URL is not known to be loopback.
  ['http://127.0.0.1:8787/', 'http://[not a url', true, 'proxy (unparsable proxy URL)'],
];

describe('clearTextVerdict: a key never travels in clear text beyond this machine', () => {
  it.each(rows)('%s via %s, key %s → %s', (url, proxy, carriesKey, expected) => {
    const verdict = clearTextVerdict({ url: new URL(url), proxy: via(url, proxy), carriesKey });
    const want: ClearTextVerdict =
      expected === true
        ? { allowed: true }
        : { allowed: false, kind: 'insecure-key-transport', hop: expected, reason: `refused to send a key over plain http to ${expected}; use https` };
    expect(verdict).toEqual(want);
  });

  it('a NO_PROXY match means no proxy in between', () => {
    const url = 'http://127.0.0.1:8787/';
    const proxy = proxyFor(url, { HTTP_PROXY: 'http://proxy.corp.test:3128', NO_PROXY: '127.0.0.1' });
    expect(proxy.proxied).toBe(false);
    expect(clearTextVerdict({ url: new URL(url), proxy, carriesKey: true })).toEqual({ allowed: true });
  });

  it('proxies not used at all (`proxy: none`) is the same as no proxy', () => {
    expect(clearTextVerdict({ url: new URL('http://localhost/'), proxy: undefined, carriesKey: true })).toEqual({ allowed: true });
    expect(clearTextVerdict({ url: new URL('http://gw.corp.test/'), proxy: undefined, carriesKey: true })).toMatchObject({
      allowed: false,
      hop: 'gw.corp.test',
    });
  });
});

describe('issue 12.1: a credential header counts as a key for the clear-text rule', () => {
  const url = new URL('http://127.0.0.1:8787/v1/models');
  const remoteProxy = via(url.href, 'http://proxy.corp.test:3128');

  it.each([
    ['Authorization', 'Bearer hk-Plain-Wq7Zx4Rv9Ty'],
    ['x-portkey-api-key', 'hk-Plain-Wq7Zx4Rv9Ty'],
    ['X-Api-Key', 'hk-Plain-Wq7Zx4Rv9Ty'],
    ['proxy-authorization', 'Basic aGs6UGxhaW4='],
    ['x-goog-api-key', 'hk-Plain-Wq7Zx4Rv9Ty'],
  ])('%s as plain text: carries a key, refused through a remote proxy over plain http, and listed for scrubbing', (name, value) => {
    const headers = wireHeaders({ [name]: value, 'x-portkey-metadata': '{"team":"eng"}' }, { url });
    expect(headers.carriesKey).toBe(true);
    expect(headers.secrets.map((s) => s.reveal())).toContain(value);
    expect(clearTextVerdict({ url, proxy: remoteProxy, carriesKey: headers.carriesKey })).toMatchObject({
      allowed: false,
      hop: 'proxy http://proxy.corp.test:3128',
    });
  });

  it('a credential extra header as a Secret (as the settings give it) carries a key', () => {
    const headers = wireHeaders({ 'x-portkey-api-key': new Secret('hk-Settings-Jm5Nq8Vx2Rz') }, { url });
    expect(headers.carriesKey).toBe(true);
  });

  it('ordinary extra headers carry no key', () => {
    const headers = wireHeaders({ 'x-portkey-metadata': '{"team":"eng"}', 'x-portkey-provider': 'anthropic', 'x-portkey-config': 'pc-abc' }, { url });
    expect(headers.carriesKey).toBe(false);
    expect(clearTextVerdict({ url, proxy: remoteProxy, carriesKey: headers.carriesKey })).toEqual({ allowed: true });
  });
});
