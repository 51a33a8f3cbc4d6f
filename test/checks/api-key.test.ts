/**
 * The api-key check alone: the key's shape, every problem of a pasted key at once (the first
 * as the check always reported it), the key handed on to key-validity — and never the key in
 * what is reported.
 */
import { afterAll, describe, expect, it } from 'vitest';

import apiKey from '../../src/checks/api-key.js';
import { Secret } from '../../src/core/secret.js';
import { forgetDroppedSecrets } from '../cli/leak-check.js';
import { runCheck, testCheck } from './check-tester.js';

// The short keys made here (`ok`, `gateway`) must not linger for other files sharing this process.
afterAll(forgetDroppedSecrets);

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const ANTHROPIC = 'sk-ant-api03-Qm9vQm9vQm9vQm9vQm9vQm9vQm9v';
const OPENAI = 'sk-proj-Qm9vQm9vQm9vQm9vQm9vQm9vQm9v';
const SAAS = 'https://api.portkey.ai';
const SELF_HOSTED = 'https://gw.example.com';
const key = (value: unknown, baseUrl = SAAS) => ({ inferenceGatewayBaseUrl: baseUrl, inferenceGatewayApiKey: value });
const fingerprint = new Secret(KEY).fingerprint;

testCheck(apiKey, [
  {
    name: 'a Portkey key: its fingerprint and length, never the key; the key handed on',
    settings: key(KEY),
    expect: { status: 'ok', details: { fingerprint, length: KEY.length, origin: 'profile' }, data: { key: expect.any(Secret), origin: 'profile' } },
  },
  {
    name: 'a key from a flag',
    settings: { inferenceGatewayBaseUrl: SAAS },
    overrides: { apiKey: KEY },
    expect: { status: 'ok', details: { origin: 'flag' }, data: { origin: 'flag' } },
  },
  {
    name: 'a key from PORTKEY_DOCTOR_API_KEY',
    settings: { inferenceGatewayBaseUrl: SAAS },
    env: { PORTKEY_DOCTOR_API_KEY: KEY },
    expect: { status: 'ok', details: { origin: 'env', fingerprint } },
  },
  { name: '"Bearer" alone is not a prefix (but too short for a key)', settings: key('Bearer'), expect: { status: 'fail', code: 'API_KEY_TOO_SHORT' } },
  // Issue 12 #5: a key shorter than the scrub's minimum cannot be real (and outputs could not hide it inside text).
  ...['e', 'ok', 'status', 'gateway'].map((value) => ({
    name: `a ${value.length}-character key (${JSON.stringify(value)}): API_KEY_TOO_SHORT`,
    settings: key(value),
    expect: { status: 'fail' as const, code: 'API_KEY_TOO_SHORT' },
  })),
  { name: 'an 8-character key is long enough', settings: key('pk-Qm9vX'), expect: { status: 'ok' } },
  {
    name: 'absent, none given: API_KEY_NOT_IN_SETTINGS, nothing handed on',
    settings: { inferenceGatewayBaseUrl: SAAS },
    expect: { status: 'warn', code: 'API_KEY_NOT_IN_SETTINGS', data: null },
  },
  {
    name: 'absent from the settings, the doctor’s keychain key: judged and handed on',
    settings: { inferenceGatewayBaseUrl: SAAS },
    overrides: { apiKey: KEY, apiKeyOrigin: 'keychain' },
    expect: { status: 'ok', details: { origin: 'keychain' }, data: { origin: 'keychain' } },
  },
  {
    name: 'a credential helper is the source and the doctor was given no key: API_KEY_NOT_USED',
    settings: { inferenceGatewayBaseUrl: SAAS, inferenceCredentialHelper: '/usr/local/bin/get-key' },
    expect: { status: 'skip', code: 'API_KEY_NOT_USED', data: null },
  },
  {
    name: 'the static key beside a helper is not judged (the app ignores it): API_KEY_NOT_USED',
    settings: { ...key(`"${KEY}"`), inferenceCredentialHelper: '/usr/local/bin/get-key' },
    expect: { status: 'skip', code: 'API_KEY_NOT_USED' },
  },
  {
    name: 'the static key when the kind is interactive is not judged: API_KEY_NOT_USED',
    settings: { ...key(KEY), inferenceCredentialKind: 'interactive' },
    expect: { status: 'skip', code: 'API_KEY_NOT_USED' },
  },
  {
    name: 'the key the credential helper printed (--use-credential-helper): judged and handed on',
    settings: { inferenceGatewayBaseUrl: SAAS, inferenceGatewayApiKey: 'ignored-static-key', inferenceCredentialHelper: '/usr/local/bin/get-key' },
    overrides: { apiKey: KEY, apiKeyOrigin: 'credential-helper' },
    expect: { status: 'ok', details: { origin: 'credential-helper', fingerprint }, data: { origin: 'credential-helper' } },
  },
  {
    name: 'single sign-on, a key given to the doctor: judged and handed on',
    settings: { inferenceGatewayBaseUrl: SAAS, inferenceCredentialKind: 'interactive' },
    overrides: { apiKey: KEY },
    expect: { status: 'ok', data: { origin: 'flag' } },
  },
  { name: 'empty: API_KEY_EMPTY', settings: key(''), expect: { status: 'fail', code: 'API_KEY_EMPTY', more: [], details: { length: 0 } } },
  { name: 'only whitespace: API_KEY_EMPTY, not also whitespace', settings: key('  \n'), expect: { status: 'fail', code: 'API_KEY_EMPTY', more: [] } },
  { name: 'a number: API_KEY_WRONG_TYPE', settings: key(12345), expect: { status: 'fail', code: 'API_KEY_WRONG_TYPE', details: { origin: 'profile' } } },
  { name: 'null: API_KEY_WRONG_TYPE', settings: key(null), expect: { status: 'fail', code: 'API_KEY_WRONG_TYPE' } },
  {
    name: 'a "Bearer " prefix: API_KEY_BEARER_PREFIX (its space is not whitespace in the key)',
    settings: key(`Bearer ${KEY}`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: [], details: { fingerprint: new Secret(`Bearer ${KEY}`).fingerprint } },
  },
  {
    name: 'a "bearer" prefix in lower case: API_KEY_BEARER_PREFIX',
    settings: key(`bearer\t${KEY}`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: [] },
  },
  { name: 'in double quotes: API_KEY_QUOTED', settings: key(`"${KEY}"`), expect: { status: 'fail', code: 'API_KEY_QUOTED', more: [] } },
  { name: 'in typographic quotes: API_KEY_QUOTED', settings: key(`“${KEY}”`), expect: { status: 'fail', code: 'API_KEY_QUOTED', more: [] } },
  { name: 'a trailing line break: API_KEY_WHITESPACE', settings: key(`${KEY}\n`), expect: { status: 'fail', code: 'API_KEY_WHITESPACE', more: [] } },
  {
    name: 'a space inside: API_KEY_WHITESPACE',
    settings: key(`${KEY.slice(0, 10)} ${KEY.slice(10)}`),
    expect: { status: 'fail', code: 'API_KEY_WHITESPACE', more: [] },
  },
  {
    name: 'a no-break space is whitespace, and not also an invisible character',
    settings: key(`${KEY}\u00a0`),
    expect: { status: 'fail', code: 'API_KEY_WHITESPACE', more: [] },
  },
  { name: 'a zero-width space: API_KEY_INVISIBLE_CHAR', settings: key(`${KEY}\u200b`), expect: { status: 'fail', code: 'API_KEY_INVISIBLE_CHAR', more: [] } },
  {
    name: 'an Anthropic key on Portkey SaaS: API_KEY_ANTHROPIC fails',
    settings: key(ANTHROPIC),
    expect: { status: 'fail', code: 'API_KEY_ANTHROPIC', data: null },
  },
  {
    name: 'an Anthropic key on a self-hosted gateway: API_KEY_ANTHROPIC warns, the key is handed on',
    settings: key(ANTHROPIC, SELF_HOSTED),
    expect: { status: 'warn', code: 'API_KEY_ANTHROPIC', data: { key: expect.any(Secret) } },
  },
  { name: 'an OpenAI key on Portkey SaaS: API_KEY_OPENAI', settings: key(OPENAI), expect: { status: 'fail', code: 'API_KEY_OPENAI' } },
  {
    name: 'an OpenAI key with an unparsable base URL is judged as for SaaS',
    settings: key(OPENAI, 'not a url'),
    expect: { status: 'fail', code: 'API_KEY_OPENAI' },
  },
  { name: 'an OpenAI key on a self-hosted gateway warns', settings: key(OPENAI, SELF_HOSTED), expect: { status: 'warn', code: 'API_KEY_OPENAI' } },
  { name: 'a short "sk-" string is not an OpenAI key', settings: key('sk-short'), expect: { status: 'ok' } },

  // Several problems at once: the first is the one reported alone before.
  {
    name: 'a "Bearer " prefix and a line break',
    settings: key(`Bearer ${KEY}\n`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: ['API_KEY_WHITESPACE'] },
  },
  {
    name: 'a "Bearer " prefix and quotes',
    settings: key(`Bearer "${KEY}"`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: ['API_KEY_QUOTED'] },
  },
  {
    name: 'quotes around "Bearer …": the prefix shows once the quotes are off',
    settings: key(`"Bearer ${KEY}"`),
    expect: { status: 'fail', code: 'API_KEY_QUOTED', more: ['API_KEY_BEARER_PREFIX'] },
  },
  {
    name: 'a prefix, quotes, whitespace and an invisible character',
    settings: key(` Bearer “${KEY.slice(0, 10)}\u200b${KEY.slice(10)}”\r\n`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: ['API_KEY_QUOTED', 'API_KEY_WHITESPACE', 'API_KEY_INVISIBLE_CHAR'] },
  },
  {
    name: 'whitespace and an invisible character',
    settings: key(`${KEY}\u200b `),
    expect: { status: 'fail', code: 'API_KEY_WHITESPACE', more: ['API_KEY_INVISIBLE_CHAR'] },
  },
  {
    name: 'a "Bearer " prefix on an Anthropic key',
    settings: key(`Bearer ${ANTHROPIC}`),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: ['API_KEY_ANTHROPIC'] },
  },
  {
    name: 'an OpenAI key with a trailing line break',
    settings: key(`${OPENAI}\n`),
    expect: { status: 'fail', code: 'API_KEY_WHITESPACE', more: ['API_KEY_OPENAI'] },
  },
  {
    name: 'on a self-hosted gateway, a provider key is a warning behind the failing prefix',
    settings: key(`Bearer ${ANTHROPIC}`, SELF_HOSTED),
    expect: { status: 'fail', code: 'API_KEY_BEARER_PREFIX', more: ['API_KEY_ANTHROPIC'], data: null },
  },
]);

describe('api-key: the key is never reported', () => {
  it.each([`Bearer "${KEY}"\n`, `${KEY.slice(0, 10)}\u200b${KEY.slice(10)} `, ` ${ANTHROPIC}`, `'${OPENAI}'`])('%j', async (value) => {
    const { result } = await runCheck(apiKey, { name: value, settings: key(value), expect: { status: 'fail' } });
    expect(result.moreFindings?.length).toBeGreaterThan(0);
    const text = JSON.stringify(result);
    for (const secret of [KEY, ANTHROPIC, OPENAI]) expect(text).not.toContain(secret.slice(8));
  });
});
