/**
 * Where syslog messages go and how they are labelled, as flags and the policy give them:
 * `udp://HOST[:PORT]`, `tcp://HOST[:PORT]`, `unix:///PATH`, a facility name and an APP-NAME.
 * Configuration, so the policy loader and the daemon's flags check them with the same rules;
 * the syslog reporter (src/reporters/syslog*.ts) formats and sends.
 */
import { bareHost } from '../core/host.js';

/** Facility names and codes (RFC 5424 §6.2.1), as `logger -p` knows them. */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;
export const DEFAULT_FACILITY: Facility = 'user';
export const DEFAULT_APP_NAME = 'portkey-doctor';

export function isFacility(value: unknown): value is Facility {
  return typeof value === 'string' && Object.hasOwn(FACILITIES, value);
}

/** APP-NAME is 1–48 printable US-ASCII characters (RFC 5424 §6.2.5). */
export function appNameProblem(name: string): string | undefined {
  if (!/^[\x21-\x7e]{1,48}$/.test(name)) return 'must be 1 to 48 printable ASCII characters without spaces';
  return undefined;
}

/** A syslog destination. */
export interface SyslogTarget {
  transport: 'udp' | 'tcp' | 'unix';
  host?: string;
  port?: number;
  path?: string;
  /** As given, for logs. */
  url: string;
}

export const DEFAULT_SYSLOG_PORT = 514;

/** `udp://host[:port]`, `tcp://host[:port]` (default port 514), `unix:///dev/log`. Throws with a reason. */
export function parseSyslogUrl(raw: string): SyslogTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expected udp://HOST[:PORT], tcp://HOST[:PORT] or unix:///PATH');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'unix') {
    const path = decodeURIComponent(url.pathname);
    if (url.host !== '' || !path.startsWith('/') || path === '/') throw new Error('expected unix:///ABSOLUTE/PATH, e.g. unix:///dev/log');
    return { transport: 'unix', path, url: raw };
  }
  if (scheme !== 'udp' && scheme !== 'tcp') throw new Error(`unknown scheme "${scheme}"; use udp://, tcp:// or unix://`);
  if (url.hostname === '') throw new Error('the host is missing');
  if (url.pathname !== '' && url.pathname !== '/') throw new Error('a syslog URL takes no path');
  if (url.username || url.password || url.search || url.hash) throw new Error('a syslog URL takes no credentials, query or fragment');
  const host = bareHost(url.hostname);
  const port = url.port === '' ? DEFAULT_SYSLOG_PORT : Number(url.port);
  return { transport: scheme, host, port, url: raw };
}
