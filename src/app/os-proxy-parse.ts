/**
 * Parsers of the OS proxy settings as the OS's own tools print them, pure, so each is tested on
 * captured output on any OS (test/fixtures/os-proxy, sources in its README):
 * - macOS: `scutil --proxy` (the dynamic store's `State:/Network/Global/Proxies`, what System
 *   Settings → Network → Proxies writes);
 * - Windows: `reg query "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"` and its
 *   `Connections` subkey (`DefaultConnectionSettings`);
 * - Linux: GNOME's `gsettings list-recursively org.gnome.system.proxy`, KDE's `kioslaverc`.
 * Everything they print is untrusted: values are bounded and cleaned, a proxy URL's password
 * becomes a Secret (see {@link OsProxySettings.credentials}).
 */
import { cleanText } from '../core/clean-text.js';
import { Secret } from '../core/secret.js';
import type { RegistryQueryResult, RegistryValue } from '../config/registry.js';
import type { OsProxySettings } from './os-proxy.js';

/** The longest value kept (a host, a URL, a bypass entry). */
export const MAX_OS_VALUE = 2048;
/** The most bypass entries kept. */
export const MAX_OS_BYPASS = 256;

/** A value as it may be kept: one line, no controls, bounded. */
export function cleanOsValue(text: string): string {
  return cleanText(text).trim().slice(0, MAX_OS_VALUE);
}

function keepBypass(entries: string[]): string[] {
  return entries
    .map(cleanOsValue)
    .filter((e) => e !== '')
    .slice(0, MAX_OS_BYPASS);
}

/**
 * Removes user-info from a proxy value (`http://user:pass@host:8080` → `http://host:8080`),
 * returning the credentials with the password as a Secret.
 */
export function splitProxyCredentials(value: string): { value: string; credentials?: OsProxySettings['credentials'] } {
  const m = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^@/?#\s]*)@(.*)$/i.exec(value);
  if (!m) return { value };
  const userinfo = m[2] ?? '';
  const colon = userinfo.indexOf(':');
  const decode = (t: string) => {
    try {
      return decodeURIComponent(t);
    } catch {
      return t;
    }
  };
  const username = cleanOsValue(decode(colon < 0 ? userinfo : userinfo.slice(0, colon)));
  const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1));
  return {
    value: `${m[1] ?? ''}${m[3] ?? ''}`,
    ...(password !== '' || username !== '' ? { credentials: { username, password: new Secret(password) } } : {}),
  };
}

/** Sets `httpsProxy`/`httpProxy` from a value, moving any credentials out of it. */
function setProxy(s: OsProxySettings, field: 'httpsProxy' | 'httpProxy', raw: string): void {
  const cleaned = cleanOsValue(raw);
  if (cleaned === '') return;
  const { value, credentials } = splitProxyCredentials(cleaned);
  s[field] = value;
  if (credentials) s.credentials ??= credentials;
}

// ---------------------------------------------------------------------------------------------
// macOS: scutil --proxy

type ScutilValue = string | ScutilValue[] | { [key: string]: ScutilValue };

/**
 * Parses scutil's nested text: `<dictionary> {`, `key : value`, `key : <array> {`, `index : value`,
 * `}`. Returns the top dictionary, or undefined when the text is not scutil output.
 */
export function parseScutilTree(text: string): Record<string, ScutilValue> | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !/^<dictionary>\s*\{$/.test(lines[first]!.trim())) return undefined;
  const root: Record<string, ScutilValue> = {};
  const stack: (Record<string, ScutilValue> | ScutilValue[])[] = [root];
  for (const raw of lines.slice(first + 1)) {
    const line = raw.trim();
    if (line === '') continue;
    const top = stack.at(-1);
    if (!top) break;
    if (line === '}') {
      stack.pop();
      continue;
    }
    const m = /^(.*?) : (.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] ?? '';
    const value = m[2] ?? '';
    const nested = /^<(dictionary|array)>\s*\{$/.exec(value);
    const child: ScutilValue | undefined = nested ? (nested[1] === 'array' ? [] : {}) : undefined;
    const put = child ?? value;
    if (Array.isArray(top)) top.push(put);
    else top[key] = put;
    if (child !== undefined) {
      if (stack.length > 16) return undefined;
      stack.push(child as Record<string, ScutilValue> | ScutilValue[]);
    }
  }
  return root;
}

const str = (v: ScutilValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const on = (v: ScutilValue | undefined): boolean => str(v)?.trim() === '1';

function hostPort(host: string | undefined, port: string | undefined): string | undefined {
  const h = host?.trim();
  if (!h) return undefined;
  const p = port?.trim();
  const bracketed = h.includes(':') && !h.startsWith('[') && !h.includes('://') ? `[${h}]` : h;
  return p && /^\d{1,5}$/.test(p) ? `${bracketed}:${p}` : bracketed;
}

/**
 * `scutil --proxy` → settings. Only the global (top-level) keys count: `__SCOPED__` holds the
 * per-interface copies the global ones are made from.
 */
export function parseScutilProxy(text: string): OsProxySettings {
  const tree = parseScutilTree(text);
  if (!tree) return { source: 'macos', bypass: [], unreadable: 'scutil --proxy printed no dictionary' };
  const s: OsProxySettings = { source: 'macos', bypass: [] };
  if (on(tree['HTTPSEnable'])) {
    const p = hostPort(str(tree['HTTPSProxy']), str(tree['HTTPSPort']));
    if (p) setProxy(s, 'httpsProxy', p);
  }
  if (on(tree['HTTPEnable'])) {
    const p = hostPort(str(tree['HTTPProxy']), str(tree['HTTPPort']));
    if (p) setProxy(s, 'httpProxy', p);
  }
  if (on(tree['ProxyAutoConfigEnable'])) {
    const url = cleanOsValue(str(tree['ProxyAutoConfigURLString']) ?? '');
    if (url !== '') s.pacUrl = url;
  }
  if (tree['ProxyAutoDiscoveryEnable'] !== undefined) s.autoDetect = on(tree['ProxyAutoDiscoveryEnable']);
  const exceptions = tree['ExceptionsList'];
  if (Array.isArray(exceptions)) s.bypass = keepBypass(exceptions.filter((e): e is string => typeof e === 'string'));
  if (tree['ExcludeSimpleHostnames'] !== undefined) s.bypassSimpleHosts = on(tree['ExcludeSimpleHostnames']);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Windows: Internet Settings

/** The key Windows keeps the user's proxy settings under (the one WinINet and Chromium read). */
export const WIN_INTERNET_SETTINGS = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
export const WIN_CONNECTIONS = `${WIN_INTERNET_SETTINGS}\\Connections`;

/**
 * `ProxyServer` → the proxies for https and http URLs. Either one `host:port` (or URL) for every
 * scheme, or `scheme=host:port` pairs separated by `;` (`http=p:80;https=p:443;socks=s:1080`).
 * With pairs, a scheme without its own entry uses `socks=` when present (as a SOCKS proxy,
 * Chromium's reading), else goes direct.
 */
export function parseWinProxyServer(value: string): { https?: string; http?: string } {
  const v = value.trim();
  if (v === '') return {};
  if (!v.includes('=')) return { https: v, http: v };
  const pairs = new Map<string, string>();
  for (const part of v.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const scheme = part.slice(0, eq).trim().toLowerCase();
    const proxy = part.slice(eq + 1).trim();
    if (proxy !== '' && !pairs.has(scheme)) pairs.set(scheme, proxy);
  }
  const socks = pairs.get('socks');
  const fallback = socks ? (socks.includes('://') ? socks : `socks4://${socks}`) : undefined;
  const https = pairs.get('https') ?? fallback;
  const http = pairs.get('http') ?? fallback;
  return { ...(https ? { https } : {}), ...(http ? { http } : {}) };
}

/**
 * The flags of `Connections\DefaultConnectionSettings` (REG_BINARY): bytes 0–3 a version, 4–7 a
 * change counter, byte 8 the flags — 0x01 direct, 0x02 manual proxy, 0x04 automatic
 * configuration script, 0x08 automatically detect settings (WPAD). `undefined` when too short.
 */
export function parseWinConnectionFlags(data: Uint8Array): { manual: boolean; script: boolean; autoDetect: boolean } | undefined {
  if (data.length < 12) return undefined;
  const flags = data[8] ?? 0;
  return { manual: (flags & 0x02) !== 0, script: (flags & 0x04) !== 0, autoDetect: (flags & 0x08) !== 0 };
}

function regValue(result: RegistryQueryResult, name: string): RegistryValue['data'] | undefined {
  if (result.status !== 'found') return undefined;
  return result.values.find((v) => v.name.toLowerCase() === name.toLowerCase())?.data;
}

/**
 * The two `reg query` results → settings. `ProxyEnable` (DWORD) turns `ProxyServer` on;
 * `ProxyOverride` is `;`-separated and `<local>` means "names without a dot"; `AutoConfigURL` is
 * the PAC URL (removed by Windows when the box is unticked); auto-detect is known only from the
 * `DefaultConnectionSettings` flags (the UI keeps no plain value for it).
 */
export function parseWinInternetSettings(settings: RegistryQueryResult, connections?: RegistryQueryResult): OsProxySettings {
  if (settings.status === 'error') return { source: 'windows', bypass: [], unreadable: cleanOsValue(`Internet Settings: ${settings.message}`) };
  if (settings.status !== 'found') return { source: 'windows', bypass: [] };
  const s: OsProxySettings = { source: 'windows', bypass: [] };
  const enable = regValue(settings, 'ProxyEnable');
  const server = regValue(settings, 'ProxyServer');
  if (enable === 1 && typeof server === 'string') {
    const { https, http } = parseWinProxyServer(cleanOsValue(server));
    if (https) setProxy(s, 'httpsProxy', https);
    if (http) setProxy(s, 'httpProxy', http);
  }
  const override = regValue(settings, 'ProxyOverride');
  if (typeof override === 'string') {
    const entries = override.split(';').map((e) => e.trim());
    s.bypassSimpleHosts = entries.some((e) => e.toLowerCase() === '<local>');
    s.bypass = keepBypass(entries);
  }
  const pac = regValue(settings, 'AutoConfigURL');
  if (typeof pac === 'string' && cleanOsValue(pac) !== '') s.pacUrl = cleanOsValue(pac);
  const flags = connections ? regValue(connections, 'DefaultConnectionSettings') : undefined;
  const parsed = flags instanceof Uint8Array ? parseWinConnectionFlags(flags) : undefined;
  if (parsed) s.autoDetect = parsed.autoDetect;
  else if (connections?.status === 'error') s.unreadable = cleanOsValue(`auto-detect unknown (Connections: ${connections.message})`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Linux: GNOME gsettings, KDE kioslaverc

/** The strings of a GVariant text (`'a'`, `['a', 'b']`, `@as []`), unescaped. */
export function gvariantStrings(text: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

/**
 * `gsettings list-recursively org.gnome.system.proxy` (lines `schema key value`) → settings.
 * `mode`: `'none'` (direct: the environment is not consulted), `'manual'` (hosts and ports per
 * scheme; `use-same-proxy` gives https the http proxy), `'auto'` (`autoconfig-url`, or WPAD when
 * it is empty); `ignore-hosts` is the bypass list.
 */
export function parseGsettingsProxy(text: string): OsProxySettings {
  const values = new Map<string, string>();
  for (const line of text.split(/\r\n|\n|\r/)) {
    const m = /^(org\.gnome\.system\.proxy(?:\.[a-z]+)?)\s+([a-z-]+)\s+(.*)$/.exec(line.trim());
    if (m) values.set(`${m[1]} ${m[2]}`, m[3] ?? '');
  }
  if (values.size === 0) return { source: 'none', bypass: [], unreadable: 'gsettings printed no proxy settings' };
  const get = (schema: string, key: string) => values.get(`org.gnome.system.proxy${schema} ${key}`);
  const text1 = (schema: string, key: string) => gvariantStrings(get(schema, key) ?? '')[0] ?? '';
  const mode = text1('', 'mode');
  const s: OsProxySettings = { source: 'linux-desktop', bypass: keepBypass(gvariantStrings(get('', 'ignore-hosts') ?? '')) };
  if (mode === 'manual') {
    const proxyOf = (schema: string) => {
      const host = text1(schema, 'host');
      const port = /(\d{1,5})\s*$/.exec(get(schema, 'port') ?? '')?.[1];
      return host !== '' && port !== undefined && port !== '0' ? hostPort(host, port) : undefined;
    };
    const http = proxyOf('.http');
    const same = (get('', 'use-same-proxy') ?? '').trim() === 'true';
    const https = same && http ? http : proxyOf('.https');
    const socks = proxyOf('.socks');
    const fallback = socks ? `socks5://${socks}` : undefined;
    if (https ?? fallback) setProxy(s, 'httpsProxy', (https ?? fallback)!);
    if (http ?? fallback) setProxy(s, 'httpProxy', (http ?? fallback)!);
  } else if (mode === 'auto') {
    const url = cleanOsValue(text1('', 'autoconfig-url'));
    if (url !== '') s.pacUrl = url;
    else s.autoDetect = true;
  }
  return s;
}

/**
 * KDE's `kioslaverc` (`[Proxy Settings]`): `ProxyType` 0 none, 1 manual (`httpsProxy`,
 * `httpProxy` as `host port` or `scheme://host port`), 2 a PAC (`Proxy Config Script`), 3 WPAD,
 * 4 the environment (then `source: 'none'`: the environment decides); `NoProxyFor` is
 * comma-separated and matched by suffix (`bypassSuffixMatching`). `ReversedException` (the list
 * names the hosts that DO use the proxy) is not supported: such a list is read as exceptions.
 */
export function parseKioslaverc(text: string): OsProxySettings {
  const values = new Map<string, string>();
  let inProxy = false;
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inProxy = line === '[Proxy Settings]';
      continue;
    }
    const eq = line.indexOf('=');
    if (!inProxy || eq < 0) continue;
    values.set(
      line
        .slice(0, eq)
        .trim()
        .replace(/\[\$[a-z]+\]$/i, ''),
      line.slice(eq + 1).trim(),
    );
  }
  const type = values.get('ProxyType') ?? '0';
  if (type === '4') return { source: 'none', bypass: [] };
  const s: OsProxySettings = {
    source: 'linux-desktop',
    bypass: keepBypass((values.get('NoProxyFor') ?? '').split(',')),
    bypassSuffixMatching: true,
  };
  const kdeProxy = (v: string | undefined) => {
    const t = v?.trim();
    if (!t) return undefined;
    const m = /^(.*\S)\s+(\d{1,5})$/.exec(t);
    return m ? `${m[1]}:${m[2]}` : t;
  };
  if ((values.get('ReversedException') ?? '').toLowerCase() === 'true') {
    s.unreadable = 'KDE’s reversed exception list (only the listed hosts use the proxy) is not supported: read as exceptions';
  }
  if (type === '1') {
    const https = kdeProxy(values.get('httpsProxy'));
    const http = kdeProxy(values.get('httpProxy'));
    if (https) setProxy(s, 'httpsProxy', https);
    if (http) setProxy(s, 'httpProxy', http);
  } else if (type === '2') {
    const url = cleanOsValue(values.get('Proxy Config Script') ?? '');
    if (url !== '') s.pacUrl = url;
  } else if (type === '3') {
    s.autoDetect = true;
  }
  return s;
}
