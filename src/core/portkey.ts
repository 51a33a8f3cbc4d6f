/**
 * Facts about Portkey and Claude Desktop that the checks depend on (docs/portkey.md, docs/claude-desktop.md), in one
 * place so that a fact found to be wrong is corrected once.
 */

/** Portkey SaaS API hosts: the base URL must be the bare origin, no path. */
export const PORTKEY_SAAS_API_HOSTS = ['api.portkey.ai'];
/** Hosts people paste by mistake: the dashboard and the website. */
export const PORTKEY_NON_API_HOSTS = ['app.portkey.ai', 'portkey.ai', 'www.portkey.ai', 'docs.portkey.ai'];
/** The base URL to suggest for SaaS users. */
export const PORTKEY_SAAS_BASE_URL = 'https://api.portkey.ai';

/** Auth schemes Claude Desktop offers (`inferenceGatewayAuthScheme`). */
export const AUTH_SCHEMES = ['bearer', 'x-api-key', 'sso', 'auto'] as const;
/** The default when the setting is absent. */
export const DEFAULT_AUTH_SCHEME = 'bearer';

/** `x-portkey-metadata` values: strings of at most this many characters. */
export const METADATA_MAX_VALUE_LENGTH = 128;
export const METADATA_HEADER = 'x-portkey-metadata';

/** Header names that carry credentials: never printed, and a smell when set as extra headers. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-portkey-api-key', 'proxy-authorization'];

/**
 * Loopback hosts, the only ones where the app (and the doctor) accept plain http. The same test
 * as the network layer's "never send a key in clear beyond this machine" rule (one implementation).
 */
export { isLoopbackHost } from './host.js';
