/** The auth scheme: Portkey reads `Authorization: Bearer`; `x-api-key` is rejected with 401. */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import { AUTH_SCHEMES, DEFAULT_AUTH_SCHEME } from '../core/portkey.js';
import claudeSettings from './claude-settings.js';
import { showSetting } from '../core/key-shape.js';

/** A scheme the app knows. */
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

/** What the auth-scheme check hands on (it passes for every known scheme but x-api-key). */
export interface AuthSchemeData {
  /** How the app sends the key: `bearer`, or `sso`/`auto` (a warning). */
  scheme: Exclude<AuthScheme, 'x-api-key'>;
  /** True when the setting is absent and the app uses its default. */
  defaulted: boolean;
}

export default defineCheck({
  id: 'auth-scheme',
  title: 'Auth scheme',
  group: 'settings',
  needs: [claudeSettings],
  codes: {
    AUTH_SCHEME_X_API_KEY: {
      title: 'The key is sent in x-api-key, which Portkey rejects (401 "Invalid API Key. Error Code: 03")',
      fix: 'Set the gateway auth scheme to "bearer".',
    },
    AUTH_SCHEME_UNKNOWN: { title: 'The auth scheme is not one the app knows', fix: 'Set the gateway auth scheme to "bearer".' },
    AUTH_SCHEME_WRONG_TYPE: { title: 'The auth scheme is not a string', fix: 'Set inferenceGatewayAuthScheme to the string "bearer".' },
    AUTH_SCHEME_NOT_BEARER: {
      title: 'The auth scheme is sso or auto; a Portkey API key needs bearer',
      fix: 'Set the gateway auth scheme to "bearer" unless your gateway is set up for single sign-on.',
    },
  },
  run({ target }) {
    const field = target.authScheme;
    if (!field || field.value === undefined || field.value === '') {
      return ok<AuthSchemeData>(
        `not set: the app uses ${DEFAULT_AUTH_SCHEME}`,
        { scheme: DEFAULT_AUTH_SCHEME, defaulted: true },
        { scheme: DEFAULT_AUTH_SCHEME, defaulted: true },
      );
    }
    const raw = field.value;
    if (typeof raw !== 'string') return fail('AUTH_SCHEME_WRONG_TYPE', `the auth scheme is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const details = { scheme: raw, origin: field.origin };
    // The app matches the value exactly: " bearer" or "Bearer" is not bearer to it.
    const scheme = AUTH_SCHEMES.find((s) => s === raw);
    if (raw.trim().toLowerCase() === 'x-api-key') return fail('AUTH_SCHEME_X_API_KEY', 'the key is sent in the x-api-key header', { details });
    if (scheme === undefined || scheme === 'x-api-key') {
      return fail('AUTH_SCHEME_UNKNOWN', `"${showSetting(raw, 40)}" is not one of ${AUTH_SCHEMES.join(', ')}`, { details });
    }
    const data: AuthSchemeData = { scheme, defaulted: false };
    if (scheme !== 'bearer') return warn('AUTH_SCHEME_NOT_BEARER', `the auth scheme is ${scheme}`, { details, data });
    return ok('bearer (Authorization: Bearer …)', details, data);
  },
});
