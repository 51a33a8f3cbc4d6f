/**
 * Host names as URLs spell them and as sockets, DNS and the loopback rule need them. One
 * implementation each, so that "is this host on this machine?" has one answer everywhere: the
 * base-url check, the key-transport safety rule and the test servers.
 */
import { isIP } from 'node:net';

/**
 * Strips the brackets of an IPv6 URL host: `[::1]` → `::1`. Anything else is returned as given
 * (no case folding, no trimming), so it can replace a bracket-stripping regex without changing
 * what a caller reports.
 */
export function bareHost(host: string): string {
  return host.length >= 2 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The host as the network layer compares, resolves and names it (DNS, SNI, connection keys):
 * trimmed, lower case, without IPv6 brackets and without a name's trailing root dot
 * (`API.Example.com.` → `api.example.com`). An IP address keeps any dot (it is then not an address).
 */
export function normalHost(host: string): string {
  const h = bareHost(host.trim().toLowerCase());
  return h.endsWith('.') && isIP(h.slice(0, -1)) === 0 ? h.slice(0, -1) : h;
}

/**
 * True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x (`::ffff:127.0.0.1`), in any
 * spelling a URL or a user gives (brackets, case, a trailing root dot, the expanded IPv6 form).
 * Names under `.localhost` are not included: whether they resolve to loopback depends on the
 * resolver, and a key must not travel in clear on a maybe.
 */
export function isLoopbackHost(host: string): boolean {
  const h = normalHost(host);
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return h.startsWith('127.');
  if (family === 6) {
    // The WHATWG URL parser gives one canonical spelling: `[::1]`, and `[::ffff:7f00:1]`
    // for the IPv4-mapped 127.0.0.1 (which is what `new URL('http://[::ffff:127.0.0.1]')` yields).
    // A zone index (`fe80::1%eth0`) is valid for sockets but not in a URL: not loopback either way.
    if (h.includes('%')) return false;
    const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
    if (canonical === '::1') return true;
    return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
  }
  return false;
}
