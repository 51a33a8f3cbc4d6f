/** The auth scheme: Portkey reads `Authorization: Bearer`; `x-api-key` is rejected with 401. */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import { AUTH_SCHEMES, DEFAULT_AUTH_SCHEME } from '../core/portkey.js';

export default defineCheck({
  id: 'auth-scheme',
  title: 'Auth scheme',
  group: 'settings',
  needs: ['claude-settings'],
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
      return ok(`not set: the app uses ${DEFAULT_AUTH_SCHEME}`, { scheme: DEFAULT_AUTH_SCHEME, defaulted: true });
    }
    const raw = field.value;
    if (typeof raw !== 'string') return fail('AUTH_SCHEME_WRONG_TYPE', `the auth scheme is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const scheme = raw.trim().toLowerCase();
    const details = { scheme: raw, origin: field.origin };
    if (scheme === 'x-api-key') return fail('AUTH_SCHEME_X_API_KEY', 'the key is sent in the x-api-key header', { details });
    if (!(AUTH_SCHEMES as readonly string[]).includes(scheme) || scheme !== raw) {
      return fail('AUTH_SCHEME_UNKNOWN', `"${raw.slice(0, 40)}" is not one of ${AUTH_SCHEMES.join(', ')}`, { details });
    }
    if (scheme !== 'bearer') return warn('AUTH_SCHEME_NOT_BEARER', `the auth scheme is ${scheme}`, { details });
    return ok('bearer (Authorization: Bearer …)', details);
  },
});
