import { describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { bearer, wireHeaders, type HeaderValue } from '../../src/net/secret-headers.js';

const key = new Secret('pk-live-0123456789abcdef');
const url = new URL('http://gw.corp.test/v1/messages');

type Row = [what: string, headers: Record<string, HeaderValue>, opts: { secretHeaders?: string[]; known?: Secret[]; url?: string }, carriesKey: boolean];

const rows: Row[] = [
  ['plain headers', { 'content-type': 'application/json' }, {}, false],
  ['a Secret value', { 'x-api-key': key }, {}, true],
  ['a SecretHeader with a prefix', { authorization: bearer(key) }, {}, true],
  ['a header marked secret (any case)', { 'X-Portkey-Api-Key': 'pk-plain' }, { secretHeaders: ['x-portkey-api-key'] }, true],
  ['a known secret in an unmarked header', { 'x-custom': `token ${key.reveal()}` }, { known: [key] }, true],
  ['a known secret in the URL', {}, { known: [key], url: `http://gw.corp.test/?k=${key.reveal()}` }, true],
  ['a known secret that appears nowhere', { 'x-custom': 'nothing here' }, { known: [key] }, false],
  ['an empty known secret (matches everything, so counts for nothing)', { 'x-custom': 'value' }, { known: [new Secret('')] }, false],
];

describe('wireHeaders', () => {
  it.each(rows)('%s → carriesKey %s', (_what, headers, opts, carriesKey) => {
    const r = wireHeaders(headers, {
      url: opts.url ? new URL(opts.url) : url,
      ...(opts.secretHeaders ? { secretHeaders: opts.secretHeaders } : {}),
      ...(opts.known ? { known: opts.known } : {}),
    });
    expect(r.carriesKey).toBe(carriesKey);
  });

  it('reveals keys only in the wire headers and lists them for scrubbing', () => {
    const r = wireHeaders({ authorization: bearer(key), 'x-api-key': key, accept: 'text/event-stream' }, { url });
    expect(r.wire).toEqual({ authorization: `Bearer ${key.reveal()}`, 'x-api-key': key.reveal(), accept: 'text/event-stream' });
    expect(r.secrets).toEqual([key, key]);
  });
});
