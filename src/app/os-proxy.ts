/**
 * The operating system's proxy settings, as Claude Desktop (Chromium) reads them when the app has
 * no proxy settings of its own (docs/network-path.md, "The OS proxy settings"): macOS System
 * Settings (`scutil --proxy`), Windows Internet Settings (the registry), Linux desktop settings
 * (GNOME `gsettings`, KDE `kioslaverc`). The readers are in src/platform/os-proxy.ts, the parsers
 * of their outputs in ./os-proxy-parse.ts; this module holds the shape and the bypass rules, pure.
 */
import { BlockList, isIP } from 'node:net';

import { isLoopbackHost, normalHost } from '../core/host.js';
import type { Secret } from '../core/secret.js';

export interface OsProxySettings {
  source: 'macos' | 'windows' | 'linux-desktop' | 'none';
  /** `host:port` or a URL as the OS gives it, for https URLs (user-info removed: see `credentials`). */
  httpsProxy?: string;
  httpProxy?: string;
  /** The automatic configuration (PAC) URL. */
  pacUrl?: string;
  /** Automatic discovery (WPAD). `undefined`: not known (not set, or not readable). */
  autoDetect?: boolean;
  /** Exceptions as the OS writes them (each bounded and cleaned). */
  bypass: string[];
  /** `<local>` (Windows) / `ExcludeSimpleHostnames` (macOS): names without a dot go direct. */
  bypassSimpleHosts?: boolean;
  /** KDE: a bypass entry matches every name that ends with it (Chromium reads KDE's list so). */
  bypassSuffixMatching?: boolean;
  /** What could not be read, for messages (bounded, cleaned). */
  unreadable?: string;
  /**
   * Credentials an OS setting carried in a proxy URL's user-info (`http://user:pass@host:port`):
   * removed from `httpsProxy`/`httpProxy`, the password held as a Secret so it never prints.
   */
  credentials?: { username: string; password: Secret };
}

/** No OS proxy settings (or none readable: `unreadable` says why). */
export function noOsProxy(unreadable?: string): OsProxySettings {
  return { source: 'none', bypass: [], ...(unreadable !== undefined ? { unreadable } : {}) };
}

/** Chromium's rule that removes its implicit bypasses (`<-loopback>`). */
const NO_IMPLICIT = '<-loopback>';

/**
 * Chromium's implicit bypasses (`ProxyBypassRules::MatchesImplicitRules`): localhost and names
 * under `.localhost`, 127.0.0.0/8, `::1`, IPv4-mapped loopback, link-local 169.254.0.0/16 and
 * fe80::/10, and on Windows the name `loopback`.
 */
function implicitBypass(h: string, ip: number, source: OsProxySettings['source']): boolean {
  if (isLoopbackHost(h) || h.endsWith('.localhost') || h === 'localhost6' || h === 'localhost6.localdomain6') return true;
  if (ip === 4 && h.startsWith('169.254.')) return true;
  if (ip === 6 && inBlock('fe80::/10', h, 6)) return true;
  return source === 'windows' && h === 'loopback';
}

/**
 * True when the OS settings send `host` direct rather than through their proxy (manual proxy
 * settings only; a PAC file decides for itself). The rules are Chromium's, which the app uses
 * (net/proxy_resolution/proxy_bypass_rules.cc and proxy_config_service_linux.cc;
 * docs/network-path.md, "Bypass rules"):
 * - the entries are tried in order, then the implicit bypasses (loopback, link-local: see
 *   {@link implicitBypass}); `<-loopback>` turns the implicit ones off from where it stands;
 * - `<local>` and macOS's `ExcludeSimpleHostnames` (`bypassSimpleHosts`, tried first): a name
 *   without a dot that is not an IP address;
 * - an entry may carry a scheme (`https://`) and a port (`:8080`), which are ignored (the port of
 *   the request is not known here, so such an entry counts as matching);
 * - `*` is a wildcard anywhere (`*.corp.example`, `10.*`), a leading dot means `*.` (`.corp.example`);
 * - an address block in CIDR form (`10.0.0.0/8`, `fe80::/10`, and macOS's short `169.254/16`);
 * - otherwise the exact name; with `bypassSuffixMatching` (KDE) any name that ends with it.
 */
export function osBypasses(s: OsProxySettings, host: string): boolean {
  const h = normalHost(host);
  if (h === '') return false;
  const ip = isIP(h);
  const simple = ip === 0 && !h.includes('.');
  if (s.bypassSimpleHosts && simple) return true;
  for (const raw of s.bypass) {
    const lower = raw.trim().toLowerCase();
    if (lower === '') continue;
    if (lower === '<local>') {
      if (simple) return true;
      continue;
    }
    if (lower === NO_IMPLICIT) {
      if (implicitBypass(h, ip, s.source)) return false;
      continue;
    }
    if (lower.startsWith('<')) continue;
    if (matchesEntry(lower, h, ip, s.bypassSuffixMatching === true)) return true;
  }
  return implicitBypass(h, ip, s.source);
}

/** The entry without a scheme and a port: `https://*.corp.example:8443` → `*.corp.example`. */
function entryHost(entry: string): string {
  let e = entry.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  e = e.replace(/\/+$/, '');
  if (e.startsWith('[')) {
    const close = e.indexOf(']');
    return close > 0 ? e.slice(1, close) + e.slice(close + 1).replace(/^:\d+/, '') : e;
  }
  // One colon: host:port. Several: an IPv6 address (or block) without brackets.
  if ((e.match(/:/g) ?? []).length === 1) e = e.replace(/:\d*$/, '');
  return e;
}

function matchesEntry(entry: string, host: string, ip: number, suffix: boolean): boolean {
  const e = entryHost(entry);
  if (e === '') return false;
  if (e.includes('/')) return ip !== 0 && inBlock(e, host, ip);
  if (e === '*') return true;
  if (e.startsWith('.')) return glob(`*${e}`, host);
  if (e.includes('*')) return glob(e, host);
  if (ip !== 0 || isIP(e) !== 0) return normalHost(e) === host;
  // Suffix matching is Chromium's plain string suffix: `example.com` also matches `notexample.com`.
  return host === e || (suffix && host.endsWith(e));
}

function glob(pattern: string, host: string): boolean {
  if (pattern.length > 256) return false;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return re.test(host);
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `host` (an address of family `ip`) is in the block `cidr`; macOS writes IPv4 prefixes short (`169.254/16`). */
function inBlock(cidr: string, host: string, ip: number): boolean {
  const slash = cidr.lastIndexOf('/');
  let base = cidr.slice(0, slash);
  const bits = Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0) return false;
  if (/^\d+(\.\d+){0,3}$/.test(base)) {
    const parts = base.split('.');
    while (parts.length < 4) parts.push('0');
    base = parts.join('.');
  }
  const family = isIP(base);
  if (family === 0 || (family === 4 && bits > 32) || bits > 128) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  try {
    const list = new BlockList();
    list.addSubnet(base, bits, type);
    return list.check(host, ip === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
