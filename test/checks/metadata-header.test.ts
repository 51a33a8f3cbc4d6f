/** The metadata-header check alone: strict JSON, the policy's keys and values; every finding at once. */
import metadataHeader from '../../src/checks/metadata-header.js';
import { describe, expect, it } from 'vitest';
import { runCheck, testCheck } from './check-tester.js';

const metadata = (text: string) => ({ inferenceCustomHeaders: { 'x-portkey-metadata': text } });
const GOOD = metadata('{"tenant":"acme","team":"engineering","env":"prod"}');
const REQUIRE = (...requiredKeys: string[]) => ({ metadata: { requiredKeys } });

testCheck(metadataHeader, [
  {
    name: 'a valid object: its keys, never its values',
    settings: GOOD,
    expect: { status: 'ok', details: { from: 'inferenceCustomHeaders', keys: ['tenant', 'team', 'env'] }, data: null },
  },
  {
    name: 'with every key the policy requires',
    settings: GOOD,
    policy: REQUIRE('tenant', 'team'),
    expect: { status: 'ok', details: { requiredKeys: ['tenant', 'team'] } },
  },
  {
    name: 'from the older inferenceGatewayHeaders',
    settings: { inferenceGatewayHeaders: ['x-portkey-metadata: {"team":"eng"}'] },
    expect: { status: 'ok', details: { from: 'inferenceGatewayHeaders', keys: ['team'] } },
  },
  {
    name: 'the header name in another case',
    settings: { inferenceCustomHeaders: { 'X-Portkey-Metadata': '{"team":"eng"}' } },
    expect: { status: 'ok', details: { keys: ['team'] } },
  },
  {
    name: 'a line break that breaks the header is still valid JSON',
    settings: metadata('{"team":\n"eng"}'),
    expect: { status: 'ok', details: { keys: ['team'] } },
  },
  {
    name: 'both header keys set still lets the metadata be read',
    settings: { ...GOOD, inferenceGatewayHeaders: ['x-portkey-trace-id: abc'] },
    expect: { status: 'ok' },
  },
  { name: 'not set, nothing required', settings: {}, expect: { status: 'ok' } },
  {
    name: 'not set, the policy requires keys: METADATA_REQUIRED_NOT_SET',
    settings: {},
    policy: REQUIRE('team'),
    expect: { status: 'fail', code: 'METADATA_REQUIRED_NOT_SET', details: { requiredKeys: ['team'], policy: '/fake/policy.json' } },
  },
  {
    name: 'the headers cannot be read: METADATA_HEADERS_UNREADABLE',
    settings: { inferenceCustomHeaders: '{"x-portkey-metadata": ' },
    expect: { status: 'skip', code: 'METADATA_HEADERS_UNREADABLE' },
  },
  {
    name: 'headers only warned about (a native managed dictionary), no metadata header: not set, not unreadable',
    settings: { inferenceCustomHeaders: { 'x-portkey-trace-id': 'abc' } },
    source: { kind: 'managed-plist', managed: true },
    expect: { status: 'ok' },
  },
  {
    name: 'metadata in a native managed dictionary is analysed',
    settings: { inferenceCustomHeaders: { 'x-portkey-metadata': '{"team":"eng",}' } },
    source: { kind: 'managed-plist', managed: true },
    expect: { status: 'fail', code: 'METADATA_INVALID_JSON' },
  },
  {
    name: 'a trailing comma: METADATA_INVALID_JSON',
    settings: metadata('{"team":"eng",}'),
    expect: { status: 'fail', code: 'METADATA_INVALID_JSON', more: [] },
  },
  {
    name: 'a trailing comma, at its exact line and column',
    settings: metadata('{\n  "team": "eng",\n  "env": "prod",\n}'),
    expect: { status: 'fail', code: 'METADATA_INVALID_JSON', details: { line: 4, column: 1 } },
  },
  { name: 'single quotes: METADATA_INVALID_JSON', settings: metadata("{'team':'eng'}"), expect: { status: 'fail', code: 'METADATA_INVALID_JSON' } },
  { name: 'typographic quotes: METADATA_INVALID_JSON', settings: metadata('{“team”:“eng”}'), expect: { status: 'fail', code: 'METADATA_INVALID_JSON' } },
  { name: 'an array: METADATA_NOT_OBJECT', settings: metadata('["team"]'), expect: { status: 'fail', code: 'METADATA_NOT_OBJECT' } },
  {
    name: 'a number value: METADATA_VALUE_NOT_STRING',
    settings: metadata('{"count":3}'),
    expect: { status: 'fail', code: 'METADATA_VALUE_NOT_STRING', more: [], details: { keys: ['count'], findings: [{ code: 'METADATA_VALUE_NOT_STRING' }] } },
  },
  {
    name: 'a value too long: METADATA_VALUE_TOO_LONG',
    settings: metadata(JSON.stringify({ note: 'x'.repeat(129) })),
    expect: { status: 'fail', code: 'METADATA_VALUE_TOO_LONG' },
  },
  {
    name: 'a key in another case than the policy’s: METADATA_KEY_CASE',
    settings: metadata('{"Tenant":"acme"}'),
    policy: REQUIRE('tenant'),
    expect: { status: 'fail', code: 'METADATA_KEY_CASE', more: [] },
  },
  {
    name: 'a required key missing: METADATA_REQUIRED_MISSING',
    settings: metadata('{"tenant":"acme"}'),
    policy: REQUIRE('tenant', 'team'),
    expect: { status: 'fail', code: 'METADATA_REQUIRED_MISSING' },
  },
  {
    name: 'a value the policy does not allow: METADATA_VALUE_NOT_ALLOWED, with the allowed values',
    settings: metadata('{"env":"staging"}'),
    policy: { metadata: { allowedValues: { env: ['prod', 'dev'], team: ['eng'] } } },
    expect: { status: 'fail', code: 'METADATA_VALUE_NOT_ALLOWED', details: { allowedValues: { env: ['prod', 'dev'] } } },
  },

  // Several findings at once, all failures: the first is primary and carries the details.
  {
    name: 'a number value and a value too long',
    settings: metadata(JSON.stringify({ count: 3, note: 'x'.repeat(129) })),
    expect: {
      status: 'fail',
      code: 'METADATA_VALUE_NOT_STRING',
      more: ['METADATA_VALUE_TOO_LONG'],
      details: { findings: [{ code: 'METADATA_VALUE_NOT_STRING' }, { code: 'METADATA_VALUE_TOO_LONG' }] },
    },
  },
  {
    name: 'a key in another case, a missing key and a value not allowed',
    settings: metadata('{"Tenant":"acme","env":"staging"}'),
    policy: { metadata: { requiredKeys: ['tenant', 'team'], allowedValues: { env: ['prod'] } } },
    expect: { status: 'fail', code: 'METADATA_KEY_CASE', more: ['METADATA_REQUIRED_MISSING', 'METADATA_VALUE_NOT_ALLOWED'] },
  },
]);

describe('an invalid metadata value, said once and inside the header (issue 13, point 4)', () => {
  it('a key pasted as the metadata value, or as an unquoted key, is never shown', async () => {
    const key = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
    for (const text of [key, `{${key}: "x"}`, `{"team": ${key}}`]) {
      const { result } = await runCheck(metadataHeader, { name: text, settings: metadata(text), expect: { status: 'fail', code: 'METADATA_INVALID_JSON' } });
      const shown = JSON.stringify(result);
      for (let i = 0; i + 8 <= key.length; i++) expect(shown).not.toContain(key.slice(i, i + 8));
    }
  });

  it('the place is a character of the header value; the hint’s example key is the metadata’s own; the spot is shown', async () => {
    const { result } = await runCheck(metadataHeader, {
      name: 'unquoted key',
      settings: metadata('{team: "eng"}'),
      expect: { status: 'fail', code: 'METADATA_INVALID_JSON', details: { character: 2 } },
    });
    // One position, not the parser's and the check's both.
    expect(result.summary.match(/\d+/g)).toEqual(['2', '0074']);
    expect(result.summary).not.toMatch(/line|column/);
    expect(result.summary).toContain('⟨t⟩');
    // The spot, never the values: "eng" is masked.
    expect(result.summary).not.toContain('eng');
    expect(result.fix).toContain('"team"');
    expect(result.fix).not.toContain('inferenceProvider');
  });
});
