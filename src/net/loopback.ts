/**
 * What counts as "this machine" for the key-transport safety rule and for test servers.
 */
import { isIP } from 'node:net';

/** Strips the brackets of an IPv6 URL host (`[::1]` → `::1`) and a trailing root dot. */
export function bareHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.') && isIP(h.slice(0, -1)) === 0) h = h.slice(0, -1);
  return h;
}

/**
 * True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x (`::ffff:127.0.0.1`).
 * Names under `.localhost` are not included: whether they resolve to loopback depends on the
 * resolver, and a key must not travel in clear on a maybe.
 */
export function isLoopbackHost(host: string): boolean {
  const h = bareHost(host);
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return h.startsWith('127.');
  if (family === 6) {
    // The WHATWG URL parser gives one canonical spelling: `[::1]`, and `[::ffff:7f00:1]`
    // for the IPv4-mapped 127.0.0.1 (which is what `new URL('http://[::ffff:127.0.0.1]')` yields).
    const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
    if (canonical === '::1') return true;
    return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
  }
  return false;
}
