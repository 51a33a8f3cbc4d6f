/**
 * The base-url check alone: every shape of base URL people configure, every problem of one URL
 * at once (the first as the check always reported it), and the URL it hands on.
 */
import { describe, expect, it } from 'vitest';

import baseUrl from '../../src/checks/base-url.js';
import { runCheck, testCheck, type Scenario } from './check-tester.js';

const url = (value: unknown) => ({ inferenceGatewayBaseUrl: value });
const ALLOW_SAAS = { gateway: { allowedBaseUrls: ['https://api.portkey.ai'] } };

testCheck(baseUrl, [
  {
    name: 'Portkey SaaS: handed on as such',
    settings: url('https://api.portkey.ai'),
    expect: {
      status: 'ok',
      details: { baseUrl: 'https://api.portkey.ai', origin: 'profile' },
      data: { baseUrl: 'https://api.portkey.ai', kind: 'portkey-saas', origin: 'profile' },
    },
  },
  { name: 'plain http on loopback is fine', settings: url('http://127.0.0.1:8787'), expect: { status: 'ok', data: { kind: 'loopback' } } },
  { name: 'plain http on IPv6 loopback is fine', settings: url('http://[::1]:8787'), expect: { status: 'ok', data: { kind: 'loopback' } } },
  {
    name: 'a self-hosted gateway under a path',
    settings: url('https://gw.example.com/portkey'),
    expect: { status: 'ok', data: { baseUrl: 'https://gw.example.com/portkey', kind: 'self-hosted' } },
  },
  {
    name: 'given by --base-url',
    settings: null,
    overrides: { baseUrl: 'https://api.portkey.ai' },
    expect: { status: 'ok', details: { origin: 'flag' }, data: { origin: 'flag' } },
  },
  {
    name: 'given by the environment',
    settings: {},
    env: { PORTKEY_DOCTOR_BASE_URL: 'https://gw.example.com' },
    expect: { status: 'ok', details: { origin: 'env' } },
  },
  {
    name: 'allowed by the policy (one trailing slash aside)',
    settings: url('https://api.portkey.ai'),
    policy: { gateway: { allowedBaseUrls: ['https://API.portkey.ai/'] } },
    expect: { status: 'ok' },
  },

  { name: 'missing: BASE_URL_MISSING', settings: {}, expect: { status: 'fail', code: 'BASE_URL_MISSING', data: null } },
  { name: 'empty: BASE_URL_MISSING', settings: url(''), expect: { status: 'fail', code: 'BASE_URL_MISSING' } },
  {
    name: 'misspelt: BASE_URL_MISSING with the rename as its fix',
    settings: { inferenceGatewayBaseURL: 'https://api.portkey.ai' },
    expect: { status: 'fail', code: 'BASE_URL_MISSING', data: null },
  },
  {
    name: 'settings nested under "keys": BASE_URL_NOT_TOP_LEVEL, not "not set"',
    settings: {},
    source: { keys: ['keys'], nestedKeys: { keys: ['inferenceProvider', 'inferenceGatewayBaseUrl'] } },
    expect: { status: 'skip', code: 'BASE_URL_NOT_TOP_LEVEL', data: null },
  },
  { name: 'a number: BASE_URL_WRONG_TYPE', settings: url(42), expect: { status: 'fail', code: 'BASE_URL_WRONG_TYPE' } },
  {
    name: 'plain http: BASE_URL_NOT_HTTPS',
    settings: url('http://api.portkey.ai'),
    expect: { status: 'fail', code: 'BASE_URL_NOT_HTTPS', more: [], details: { baseUrl: 'http://api.portkey.ai' } },
  },
  {
    name: 'a trailing slash: BASE_URL_TRAILING_SLASH',
    settings: url('https://api.portkey.ai/'),
    expect: { status: 'fail', code: 'BASE_URL_TRAILING_SLASH', more: [] },
  },
  {
    name: 'a trailing /v1: BASE_URL_ENDS_V1 (the path is the same problem)',
    settings: url('https://api.portkey.ai/v1'),
    expect: { status: 'fail', code: 'BASE_URL_ENDS_V1', more: [] },
  },
  {
    name: 'a trailing /v1/: BASE_URL_ENDS_V1 alone',
    settings: url('https://API.PORTKEY.AI/v1/'),
    expect: { status: 'fail', code: 'BASE_URL_ENDS_V1', more: [] },
  },
  {
    name: 'self-hosted with /v1: BASE_URL_ENDS_V1',
    settings: url('https://gw.example.com/portkey/v1'),
    expect: { status: 'fail', code: 'BASE_URL_ENDS_V1', more: [] },
  },
  {
    name: 'SaaS with a path: BASE_URL_HAS_PATH',
    settings: url('https://api.portkey.ai/gateway'),
    expect: { status: 'fail', code: 'BASE_URL_HAS_PATH', more: [] },
  },
  { name: 'the dashboard: BASE_URL_DASHBOARD', settings: url('https://app.portkey.ai'), expect: { status: 'fail', code: 'BASE_URL_DASHBOARD', more: [] } },
  {
    name: 'a leading space: BASE_URL_WHITESPACE',
    settings: url(' https://api.portkey.ai'),
    expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: [], details: { baseUrl: ' https://api.portkey.ai' } },
  },
  {
    name: 'a zero-width space: BASE_URL_INVISIBLE_CHAR',
    settings: url('https://api.portkey.ai\u200b'),
    expect: { status: 'fail', code: 'BASE_URL_INVISIBLE_CHAR', more: [] },
  },
  {
    name: 'a no-break space is invisible, and not also whitespace',
    settings: url('https://api.portkey.ai\u00a0'),
    expect: { status: 'fail', code: 'BASE_URL_INVISIBLE_CHAR', more: [] },
  },
  { name: 'no scheme: BASE_URL_INVALID', settings: url('api.portkey.ai'), expect: { status: 'fail', code: 'BASE_URL_INVALID', more: [] } },
  { name: 'ftp: BASE_URL_INVALID', settings: url('ftp://gw.example.com'), expect: { status: 'fail', code: 'BASE_URL_INVALID' } },
  {
    name: 'credentials: BASE_URL_CREDENTIALS citing the version, the URL not in details',
    settings: url('https://user:pw@api.portkey.ai'),
    expect: { status: 'fail', code: 'BASE_URL_CREDENTIALS', more: [], details: { origin: 'profile', refusedSince: '1.32352.0' } },
  },
  {
    name: 'an empty user:password@: BASE_URL_CREDENTIALS',
    settings: url('https://@api.portkey.ai'),
    expect: { status: 'fail', code: 'BASE_URL_CREDENTIALS', more: [] },
  },
  {
    name: 'credentials and a query string: both',
    settings: url('https://key@api.portkey.ai/?x=1'),
    expect: { status: 'fail', code: 'BASE_URL_CREDENTIALS', more: ['BASE_URL_EXTRA_PARTS'] },
  },
  { name: 'a query string: BASE_URL_EXTRA_PARTS', settings: url('https://api.portkey.ai?x=1'), expect: { status: 'fail', code: 'BASE_URL_EXTRA_PARTS' } },
  { name: 'a fragment: BASE_URL_EXTRA_PARTS', settings: url('https://api.portkey.ai#frag'), expect: { status: 'fail', code: 'BASE_URL_EXTRA_PARTS' } },
  {
    name: 'not allowed by the policy: BASE_URL_NOT_ALLOWED',
    settings: url('https://gw.example.com'),
    policy: ALLOW_SAAS,
    expect: { status: 'fail', code: 'BASE_URL_NOT_ALLOWED', more: [], details: { allowed: ['https://api.portkey.ai'], policy: '/fake/policy.json' } },
  },

  // Several problems at once: the first is the one reported alone before.
  {
    name: 'whitespace and /v1',
    settings: url(' https://api.portkey.ai/v1 '),
    expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: ['BASE_URL_ENDS_V1'] },
  },
  {
    name: 'a line break inside and a trailing slash',
    settings: url('https://gw.example.com\n/'),
    expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: ['BASE_URL_TRAILING_SLASH'] },
  },
  {
    name: 'an invisible character and /v1',
    settings: url('https://api.portkey.ai/v1\u200b'),
    expect: { status: 'fail', code: 'BASE_URL_INVISIBLE_CHAR', more: ['BASE_URL_ENDS_V1'] },
  },
  {
    name: 'an invisible character and whitespace',
    settings: url('\u200bhttps://api.portkey.ai '),
    expect: { status: 'fail', code: 'BASE_URL_INVISIBLE_CHAR', more: ['BASE_URL_WHITESPACE'] },
  },
  { name: 'whitespace and no scheme', settings: url(' api.portkey.ai'), expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: ['BASE_URL_INVALID'] } },
  { name: 'only whitespace: nothing more to judge', settings: url('   '), expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: [] } },
  { name: 'plain http and /v1', settings: url('http://gw.example.com/v1'), expect: { status: 'fail', code: 'BASE_URL_NOT_HTTPS', more: ['BASE_URL_ENDS_V1'] } },
  {
    name: 'plain http to the dashboard',
    settings: url('http://app.portkey.ai/v1'),
    expect: { status: 'fail', code: 'BASE_URL_NOT_HTTPS', more: ['BASE_URL_DASHBOARD'] },
  },
  {
    name: 'SaaS with a path and /v1',
    settings: url('https://api.portkey.ai/gateway/v1'),
    expect: { status: 'fail', code: 'BASE_URL_ENDS_V1', more: ['BASE_URL_HAS_PATH'] },
  },
  {
    name: 'plain http and /v1 to the allowed gateway: the fixes lead to it, so not also NOT_ALLOWED',
    settings: url('http://gw.example.com/v1'),
    policy: { gateway: { allowedBaseUrls: ['https://gw.example.com'] } },
    expect: { status: 'fail', code: 'BASE_URL_NOT_HTTPS', more: ['BASE_URL_ENDS_V1'] },
  },
  {
    name: 'a trailing slash to a gateway the policy does not allow',
    settings: url('https://gw.example.com/'),
    policy: ALLOW_SAAS,
    expect: { status: 'fail', code: 'BASE_URL_TRAILING_SLASH', more: ['BASE_URL_NOT_ALLOWED'] },
  },
  {
    name: 'a leading space before a gateway the policy does not allow',
    settings: url(' https://gw.example.com'),
    policy: ALLOW_SAAS,
    expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: ['BASE_URL_NOT_ALLOWED'] },
  },
  {
    name: 'whitespace, plain http and credentials: the credential stops the analysis',
    settings: url(' http://user:pw@gw.example.com/v1'),
    expect: { status: 'fail', code: 'BASE_URL_WHITESPACE', more: ['BASE_URL_NOT_HTTPS', 'BASE_URL_CREDENTIALS'] },
  },
]);

describe('base-url: facts beyond codes', () => {
  it('a misspelt key: the fix names the rename', async () => {
    const { result } = await runCheck(baseUrl, { name: 'typo', settings: { inferenceGatewayBaseURL: 'https://x.example' }, expect: { status: 'fail' } });
    expect(result.fix).toContain('Rename "inferenceGatewayBaseURL" to "inferenceGatewayBaseUrl"');
  });

  const run = (value: string, extra: Partial<Scenario> = {}) => runCheck(baseUrl, { name: value, settings: url(value), expect: { status: 'fail' }, ...extra });

  it('never puts a URL with credentials in the details', async () => {
    const { result } = await run('https://user:pw@api.portkey.ai');
    expect(result.details).toEqual({ origin: 'profile', refusedSince: '1.32352.0' });
  });

  it('a later finding never repeats a URL that holds a credential', async () => {
    const { result } = await run(' http://user:pw@gw.example.com');
    expect(JSON.stringify(result.moreFindings)).not.toContain('pw@');
  });

  it('each fix builds on the ones before: following them all gives a URL that passes', async () => {
    const { result } = await run('http://gw.example.com/portkey/v1/');
    expect(result.fix).toBe('Use https://gw.example.com/portkey/v1/.');
    expect(result.moreFindings?.map((f) => f.fix)).toEqual(['Set the base URL to https://gw.example.com/portkey.']);
    expect((await run('https://gw.example.com/portkey', { expect: { status: 'ok' } })).result.status).toBe('ok');
  });

  it('the first finding keeps the fix the check always gave', async () => {
    expect((await run('https://api.portkey.ai/v1')).result.fix).toBe('Set the base URL to https://api.portkey.ai.');
    expect((await run('https://gw.example.com/')).result.fix).toBe('Set the base URL to https://gw.example.com.');
    expect((await run('api.portkey.ai')).result.fix).toBe('Add the scheme: https://api.portkey.ai');
  });
});

describe('issue 12 #3: the base URL is rendered without user-info or query', () => {
  it.each([
    ' http://alice:UrlPw-Jq8Zx4Vm@gw.example.com/?token=QueryTok-Wz5Rn8',
    'http://alice:UrlPw-Jq8Zx4Vm@gw.example.com/?token=QueryTok-Wz5Rn8',
    'htp://alice:UrlPw-Jq8Zx4Vm@gw.example.com/?token=QueryTok-Wz5Rn8',
  ])('%j: no password or query token in anything reported', async (url) => {
    const { result } = await runCheck(baseUrl, { name: url, settings: { inferenceGatewayBaseUrl: url }, expect: { status: 'fail' } });
    const text = JSON.stringify(result);
    expect(text).not.toContain('UrlPw');
    expect(text).not.toContain('QueryTok');
  });
});
