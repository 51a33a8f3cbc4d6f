/** The extra-headers check alone: both setting keys, both forms, names only; every problem at once. */
import extraHeaders from '../../src/checks/extra-headers.js';
import { testCheck } from './check-tester.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const META = '{"team":"eng"}';
const custom = (value: unknown) => ({ inferenceCustomHeaders: value });
const legacy = (value: unknown) => ({ inferenceGatewayHeaders: value });
const MANAGED = { kind: 'managed-plist', managed: true } as const;

testCheck(extraHeaders, [
  {
    name: 'inferenceCustomHeaders: names, keys and origins in details',
    settings: custom({ 'x-portkey-metadata': META, 'x-portkey-trace-id': 'abc' }),
    expect: {
      status: 'ok',
      details: {
        headers: [
          { name: 'x-portkey-metadata', from: 'inferenceCustomHeaders', origin: 'profile' },
          { name: 'x-portkey-trace-id', from: 'inferenceCustomHeaders', origin: 'profile' },
        ],
      },
      data: null,
    },
  },
  { name: 'none set', settings: {}, expect: { status: 'ok', details: { headers: [] } } },
  {
    name: 'the older inferenceGatewayHeaders alone is fine',
    settings: legacy([`x-portkey-metadata: ${META}`]),
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', from: 'inferenceGatewayHeaders' }] } },
  },
  {
    name: 'managed: a JSON-encoded string is the right form',
    settings: custom(JSON.stringify({ 'x-portkey-metadata': META })),
    source: MANAGED,
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', origin: 'managed-plist' }] } },
  },
  {
    name: 'a --header flag is an extra header, a credential there is fine',
    settings: {},
    overrides: { headers: [{ name: 'x-portkey-api-key', value: KEY }] },
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-api-key', from: 'flag', origin: 'flag' }] } },
  },

  {
    name: 'managed, a native dictionary: HEADERS_NATIVE_IN_MANAGED is a warning, the headers used',
    settings: custom({ 'x-portkey-metadata': META }),
    source: MANAGED,
    expect: { status: 'warn', code: 'HEADERS_NATIVE_IN_MANAGED', more: [], details: { headers: [{ name: 'x-portkey-metadata' }] } },
  },
  {
    name: 'inferenceGatewayHeaders as an object (its documented form) is fine',
    settings: legacy({ 'x-portkey-metadata': META }),
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', from: 'inferenceGatewayHeaders' }] } },
  },
  {
    name: 'inferenceGatewayHeaders as a JSON string of an object',
    settings: legacy(JSON.stringify({ 'x-portkey-metadata': META })),
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', from: 'inferenceGatewayHeaders' }] } },
  },
  {
    name: 'inferenceGatewayHeaders as a JSON string of a list',
    settings: legacy(JSON.stringify([`x-portkey-metadata: ${META}`])),
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', from: 'inferenceGatewayHeaders' }] } },
  },
  {
    name: 'inferenceCustomHeaders as a list (an older form the app still accepts)',
    settings: custom([`x-portkey-metadata: ${META}`]),
    expect: { status: 'ok', details: { headers: [{ name: 'x-portkey-metadata', from: 'inferenceCustomHeaders' }] } },
  },
  {
    name: 'a string that is not JSON: HEADERS_INVALID_JSON at its position',
    settings: custom('{"x-portkey-metadata": '),
    expect: {
      status: 'fail',
      code: 'HEADERS_INVALID_JSON',
      more: [],
      details: { findings: [{ code: 'HEADERS_INVALID_JSON', key: 'inferenceCustomHeaders', line: 1 }] },
    },
  },
  { name: 'a number under inferenceCustomHeaders: HEADERS_WRONG_TYPE', settings: custom(3), expect: { status: 'fail', code: 'HEADERS_WRONG_TYPE' } },
  {
    name: 'a JSON string of a number under inferenceGatewayHeaders: HEADERS_WRONG_TYPE',
    settings: legacy('true'),
    expect: { status: 'fail', code: 'HEADERS_WRONG_TYPE' },
  },
  {
    name: 'a header value that is an object: HEADERS_VALUE_NOT_STRING',
    settings: custom({ 'x-portkey-metadata': { team: 'eng' } }),
    expect: { status: 'fail', code: 'HEADERS_VALUE_NOT_STRING', more: [] },
  },
  {
    name: 'a legacy entry without a colon: HEADERS_ENTRY_MALFORMED',
    settings: legacy(['x-portkey-metadata']),
    expect: { status: 'fail', code: 'HEADERS_ENTRY_MALFORMED' },
  },
  {
    name: 'a bad header name: HEADERS_BAD_NAME',
    settings: custom({ 'x portkey metadata': '{}' }),
    expect: { status: 'fail', code: 'HEADERS_BAD_NAME', more: [] },
  },
  {
    name: 'a line break in a value: HEADERS_BAD_VALUE',
    settings: custom({ 'x-portkey-metadata': '{"team":\n"eng"}' }),
    expect: { status: 'fail', code: 'HEADERS_BAD_VALUE', more: [] },
  },
  {
    name: 'a credential among the extra headers: HEADERS_CREDENTIAL warns',
    settings: custom({ 'x-portkey-metadata': META, 'x-portkey-api-key': KEY }),
    expect: { status: 'warn', code: 'HEADERS_CREDENTIAL', more: [] },
  },
  {
    name: 'both keys: HEADERS_BOTH_KEYS warns',
    settings: { ...custom({ 'x-portkey-metadata': META }), ...legacy(['x-portkey-trace-id: abc']) },
    expect: { status: 'warn', code: 'HEADERS_BOTH_KEYS', more: [] },
  },
  {
    name: 'one header twice in one key: HEADERS_DUPLICATE warns',
    settings: legacy(['x-a: 1', 'X-A: 2']),
    expect: { status: 'warn', code: 'HEADERS_DUPLICATE', more: [] },
  },

  // Several problems at once: failures before warnings, in resolution's order.
  {
    name: 'one header in both keys: a duplicate and both keys',
    settings: { ...custom({ 'x-a': '1' }), ...legacy(['x-a: 2']) },
    expect: { status: 'warn', code: 'HEADERS_DUPLICATE', more: ['HEADERS_BOTH_KEYS'] },
  },
  {
    name: 'a bad name and a credential: the failure first',
    settings: custom({ 'x-portkey-api-key': KEY, 'bad name': 'x' }),
    expect: {
      status: 'fail',
      code: 'HEADERS_BAD_NAME',
      more: ['HEADERS_CREDENTIAL'],
      details: { findings: [{ code: 'HEADERS_BAD_NAME' }, { code: 'HEADERS_CREDENTIAL' }] },
    },
  },
  {
    name: 'two bad names: each is a finding',
    settings: custom({ 'bad name': 'x', 'other bad': 'y' }),
    expect: { status: 'fail', code: 'HEADERS_BAD_NAME', more: ['HEADERS_BAD_NAME'] },
  },
  {
    name: 'a malformed legacy entry, a value that is not a string, and both keys',
    settings: { ...custom({ 'x-portkey-metadata': 3 }), ...legacy(['no colon']) },
    expect: { status: 'fail', code: 'HEADERS_VALUE_NOT_STRING', more: ['HEADERS_ENTRY_MALFORMED', 'HEADERS_BOTH_KEYS'] },
  },
  {
    name: 'managed, native and with a line break in a value: the failure first',
    settings: custom({ 'x-portkey-metadata': 'a\nb' }),
    source: MANAGED,
    expect: { status: 'fail', code: 'HEADERS_BAD_VALUE', more: ['HEADERS_NATIVE_IN_MANAGED'] },
  },
]);
