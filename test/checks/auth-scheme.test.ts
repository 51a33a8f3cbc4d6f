/** The auth-scheme check alone: what it reports, and the scheme it hands on to key-validity. */
import authScheme from '../../src/checks/auth-scheme.js';
import { testCheck } from './check-tester.js';

const BASE = { inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const scheme = (value: unknown) => ({ ...BASE, inferenceGatewayAuthScheme: value });

testCheck(authScheme, [
  {
    name: 'unset: the app uses bearer',
    settings: BASE,
    expect: { status: 'ok', details: { scheme: 'bearer', defaulted: true }, data: { scheme: 'bearer', defaulted: true } },
  },
  { name: 'empty: the app uses bearer', settings: scheme(''), expect: { status: 'ok', data: { scheme: 'bearer', defaulted: true } } },
  {
    name: 'bearer',
    settings: scheme('bearer'),
    expect: { status: 'ok', details: { scheme: 'bearer', origin: 'profile' }, data: { scheme: 'bearer', defaulted: false } },
  },
  { name: 'bearer from the environment', settings: BASE, env: { PORTKEY_DOCTOR_AUTH_SCHEME: 'bearer' }, expect: { status: 'ok', details: { origin: 'env' } } },
  {
    name: 'x-api-key: AUTH_SCHEME_X_API_KEY',
    settings: scheme('x-api-key'),
    expect: { status: 'fail', code: 'AUTH_SCHEME_X_API_KEY', details: { scheme: 'x-api-key' }, data: null },
  },
  { name: 'X-API-KEY, padded: still AUTH_SCHEME_X_API_KEY', settings: scheme(' X-API-KEY'), expect: { status: 'fail', code: 'AUTH_SCHEME_X_API_KEY' } },
  { name: 'basic: AUTH_SCHEME_UNKNOWN', settings: scheme('basic'), expect: { status: 'fail', code: 'AUTH_SCHEME_UNKNOWN', details: { scheme: 'basic' } } },
  { name: '"Bearer" is not what the app matches: AUTH_SCHEME_UNKNOWN', settings: scheme('Bearer'), expect: { status: 'fail', code: 'AUTH_SCHEME_UNKNOWN' } },
  { name: '" bearer" is not what the app matches: AUTH_SCHEME_UNKNOWN', settings: scheme(' bearer'), expect: { status: 'fail', code: 'AUTH_SCHEME_UNKNOWN' } },
  {
    name: 'sso: AUTH_SCHEME_NOT_BEARER, handed on',
    settings: scheme('sso'),
    expect: { status: 'warn', code: 'AUTH_SCHEME_NOT_BEARER', data: { scheme: 'sso', defaulted: false } },
  },
  { name: 'auto: AUTH_SCHEME_NOT_BEARER', settings: scheme('auto'), expect: { status: 'warn', code: 'AUTH_SCHEME_NOT_BEARER', data: { scheme: 'auto' } } },
  { name: 'true: AUTH_SCHEME_WRONG_TYPE', settings: scheme(true), expect: { status: 'fail', code: 'AUTH_SCHEME_WRONG_TYPE' } },
  { name: 'an array: AUTH_SCHEME_WRONG_TYPE', settings: scheme(['bearer']), expect: { status: 'fail', code: 'AUTH_SCHEME_WRONG_TYPE' } },
]);
