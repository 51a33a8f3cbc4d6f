/**
 * The OS proxy settings parsers on captured (and format-true hand-written) outputs of scutil,
 * reg.exe, gsettings and kioslaverc (test/fixtures/os-proxy, sources in its README), and the
 * bypass rules (Chromium's) the path decision applies to them.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';

import { parseRegQuery } from '../../src/config/registry.js';
import {
  MAX_OS_BYPASS,
  MAX_OS_VALUE,
  parseGsettingsProxy,
  parseKioslaverc,
  parseScutilProxy,
  parseWinConnectionFlags,
  parseWinInternetSettings,
  parseWinProxyServer,
  WIN_CONNECTIONS,
  WIN_INTERNET_SETTINGS,
} from '../../src/app/os-proxy-parse.js';
import { noOsProxy, type OsProxySettings, osBypasses } from '../../src/app/os-proxy.js';
import { OUTPUT_SCRUB } from '../../src/core/output-scrub.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/os-proxy/${name}`, import.meta.url), 'utf8');
const reg = (name: string, key: string) => parseRegQuery(fixture(name), key);

describe('macOS: scutil --proxy', () => {
  it('manual proxies, exceptions and simple host names from the global keys, not the per-interface copies', () => {
    const s = parseScutilProxy(fixture('scutil-manual.txt'));
    expect(s).toEqual({
      source: 'macos',
      httpsProxy: 'secure-proxy.corp.example:8443',
      httpProxy: 'proxy.corp.example:3128',
      autoDetect: false,
      bypass: ['*.local', '169.254/16', '*.corp.example', '10.0.0.0/8'],
      bypassSimpleHosts: true,
    });
  });

  it('a PAC URL only (captured)', () => {
    expect(parseScutilProxy(fixture('scutil-pac.txt'))).toEqual({ source: 'macos', pacUrl: 'http://wpad.company.com/wpad.dat', bypass: [] });
  });

  it('no proxy: the default exceptions only (captured)', () => {
    expect(parseScutilProxy(fixture('scutil-none.txt'))).toEqual({ source: 'macos', bypass: ['*.local', '169.254/16'] });
  });

  it('switched-off proxies and PAC leave their old values behind: ignored; auto-discovery on', () => {
    const s = parseScutilProxy(fixture('scutil-wpad-off-pac-leftover.txt'));
    expect(s.httpsProxy).toBeUndefined();
    expect(s.httpProxy).toBeUndefined();
    expect(s.pacUrl).toBeUndefined();
    expect(s.autoDetect).toBe(true);
  });

  it('text that is not scutil output: unreadable, not a crash', () => {
    expect(parseScutilProxy('scutil: command not found').unreadable).toBeDefined();
    expect(parseScutilProxy('').unreadable).toBeDefined();
    // Unbalanced and deeply nested text ends without throwing.
    expect(() => parseScutilProxy(`<dictionary> {\n${'  a : <dictionary> {\n'.repeat(1000)}`)).not.toThrow();
  });

  it('values are cleaned and bounded', () => {
    const long = 'x'.repeat(MAX_OS_VALUE * 3);
    const s = parseScutilProxy(
      `<dictionary> {\n  ExceptionsList : <array> {\n${Array.from({ length: MAX_OS_BYPASS + 50 }, (_, i) => `    ${i} : h${i}.example\x1b[2K\n`).join('')}  }\n  HTTPSEnable : 1\n  HTTPSProxy : ${long}\n  HTTPSPort : 443\n  ProxyAutoConfigEnable : 1\n  ProxyAutoConfigURLString : http://pac.example/\x1b]0;title\x07p.pac\n}\n`,
    );
    expect(s.bypass).toHaveLength(MAX_OS_BYPASS);
    expect(s.bypass.every((e) => !e.includes('\x1b'))).toBe(true);
    expect(s.httpsProxy!.length).toBeLessThanOrEqual(MAX_OS_VALUE);
    expect(s.pacUrl).toBe('http://pac.example/p.pac');
  });
});

describe('Windows: Internet Settings', () => {
  it('one proxy for every scheme, ProxyOverride with wildcards and <local>; auto-detect off from DefaultConnectionSettings', () => {
    const s = parseWinInternetSettings(reg('reg-internet-settings-manual.txt', WIN_INTERNET_SETTINGS), reg('reg-connections-manual.txt', WIN_CONNECTIONS));
    expect(s).toEqual({
      source: 'windows',
      httpsProxy: 'proxy.corp.example:8080',
      httpProxy: 'proxy.corp.example:8080',
      bypass: ['*.corp.example', '10.*', '192.168.1.20', '<local>'],
      bypassSimpleHosts: true,
      autoDetect: false,
    });
  });

  it('per-scheme ProxyServer pairs', () => {
    const s = parseWinInternetSettings(reg('reg-internet-settings-per-scheme.txt', WIN_INTERNET_SETTINGS));
    expect(s.httpsProxy).toBe('secure-proxy.corp.example:8443');
    expect(s.httpProxy).toBe('proxy.corp.example:3128');
    expect(s.autoDetect).toBeUndefined();
  });

  it('AutoConfigURL is the PAC; a leftover ProxyServer with ProxyEnable 0 is ignored; auto-detect from the flags', () => {
    const s = parseWinInternetSettings(reg('reg-internet-settings-pac.txt', WIN_INTERNET_SETTINGS), reg('reg-connections-autodetect.txt', WIN_CONNECTIONS));
    expect(s).toEqual({ source: 'windows', pacUrl: 'http://wpad.corp.example/proxy.pac', bypass: [], autoDetect: true });
  });

  it('ProxyServer forms', () => {
    expect(parseWinProxyServer('p:1')).toEqual({ https: 'p:1', http: 'p:1' });
    expect(parseWinProxyServer('http://p:1')).toEqual({ https: 'http://p:1', http: 'http://p:1' });
    expect(parseWinProxyServer('http=a:1')).toEqual({ http: 'a:1' });
    expect(parseWinProxyServer('https=b:2;socks=s:3')).toEqual({ https: 'b:2', http: 'socks4://s:3' });
    expect(parseWinProxyServer(' ; =;http=')).toEqual({});
  });

  it('DefaultConnectionSettings flags; too short: unknown', () => {
    expect(parseWinConnectionFlags(Uint8Array.from([0x46, 0, 0, 0, 1, 0, 0, 0, 0x0b, 0, 0, 0]))).toEqual({ manual: true, script: false, autoDetect: true });
    expect(parseWinConnectionFlags(Uint8Array.from([0x46, 0, 0]))).toBeUndefined();
  });

  it('a missing key: no settings; an error: said in unreadable', () => {
    expect(parseWinInternetSettings({ status: 'missing' })).toEqual({ source: 'windows', bypass: [] });
    expect(parseWinInternetSettings({ status: 'error', message: 'reg query timed out after 5000 ms' }).unreadable).toContain('timed out');
    const s = parseWinInternetSettings(reg('reg-internet-settings-manual.txt', WIN_INTERNET_SETTINGS), {
      status: 'error',
      message: 'reg query: access is denied',
    });
    expect(s.autoDetect).toBeUndefined();
    expect(s.unreadable).toContain('auto-detect unknown');
  });
});

describe('Linux: GNOME gsettings (captured) and KDE kioslaverc', () => {
  it("mode 'none': the desktop says direct (ignore-hosts kept)", () => {
    expect(parseGsettingsProxy(fixture('gsettings-none.txt'))).toEqual({ source: 'linux-desktop', bypass: ['localhost', '127.0.0.0/8', '::1'] });
  });

  it("mode 'manual': http and https proxies, ignore-hosts", () => {
    expect(parseGsettingsProxy(fixture('gsettings-manual.txt'))).toEqual({
      source: 'linux-desktop',
      httpsProxy: 'secure-proxy.corp.example:8443',
      httpProxy: 'proxy.corp.example:3128',
      bypass: ['localhost', '127.0.0.0/8', '::1', '*.corp.example', 'intranet.example', '10.0.0.0/8'],
    });
  });

  it('use-same-proxy (the default): https URLs use the http proxy', () => {
    const s = parseGsettingsProxy(fixture('gsettings-manual-same-proxy.txt'));
    expect(s.httpsProxy).toBe('proxy.corp.example:3128');
    expect(s.httpProxy).toBe('proxy.corp.example:3128');
  });

  it("mode 'auto': the PAC URL, or WPAD when it is empty", () => {
    expect(parseGsettingsProxy(fixture('gsettings-auto-pac.txt')).pacUrl).toBe('http://wpad.corp.example/proxy.pac');
    const wpad = parseGsettingsProxy(fixture('gsettings-auto-wpad.txt'));
    expect(wpad.pacUrl).toBeUndefined();
    expect(wpad.autoDetect).toBe(true);
  });

  it('no gsettings output: source none (the environment decides)', () => {
    expect(parseGsettingsProxy('No such schema “org.gnome.system.proxy”').source).toBe('none');
  });

  it('the GNOME proxy password keys are never read', () => {
    const text = fixture('gsettings-manual.txt').replace("authentication-password ''", "authentication-password 'Gnome-Proxy-Pass-7x'");
    expect(JSON.stringify(parseGsettingsProxy(text))).not.toContain('Gnome-Proxy-Pass-7x');
  });

  it('KDE manual: host and port, the password in the URL becomes a Secret and never prints', () => {
    const s = parseKioslaverc(fixture('kioslaverc-manual'));
    expect(s.source).toBe('linux-desktop');
    expect(s.httpsProxy).toBe('http://secure-proxy.corp.example:8443');
    expect(s.httpProxy).toBe('http://proxy.corp.example:3128');
    expect(s.bypass).toEqual(['.corp.example', 'localhost', '127.0.0.1']);
    expect(s.bypassSuffixMatching).toBe(true);
    expect(s.unreadable).toBeUndefined();
    expect(s.credentials?.username).toBe('jdoe');
    expect(s.credentials?.password.reveal()).toBe('Kde-Proxy-Pass-9q8w');
    for (const text of [JSON.stringify(s), inspect(s, { depth: 5 }), String(s.credentials?.password)]) expect(text).not.toContain('Kde-Proxy-Pass-9q8w');
    // Registered: the output scrub removes it from any text that quotes it.
    expect(OUTPUT_SCRUB.text('proxy said Kde-Proxy-Pass-9q8w')).not.toContain('Kde-Proxy-Pass-9q8w');
  });

  it('KDE PAC, environment (ProxyType 4) and none', () => {
    expect(parseKioslaverc(fixture('kioslaverc-pac'))).toEqual({
      source: 'linux-desktop',
      pacUrl: 'http://wpad.corp.example/proxy.pac',
      bypass: [],
      bypassSuffixMatching: true,
    });
    expect(parseKioslaverc('[Proxy Settings]\nProxyType=4\n').source).toBe('none');
    expect(parseKioslaverc('[Proxy Settings]\nProxyType=0\n')).toEqual({ source: 'linux-desktop', bypass: [], bypassSuffixMatching: true });
    expect(parseKioslaverc('[Proxy Settings]\nProxyType=1\nReversedException=true\n').unreadable).toMatch(/reversed/);
  });
});

describe('osBypasses (Chromium rules)', () => {
  const win: OsProxySettings = parseWinInternetSettings(reg('reg-internet-settings-manual.txt', WIN_INTERNET_SETTINGS));
  const mac = parseScutilProxy(fixture('scutil-manual.txt'));
  const gnome = parseGsettingsProxy(fixture('gsettings-manual.txt'));

  it.each([
    ['api.portkey.ai', false],
    ['gw.corp.example', true],
    ['corp.example', false],
    ['10.1.2.3', true],
    ['192.168.1.20', true],
    ['192.168.1.21', false],
    ['intranet', true],
    ['localhost', true],
    ['127.0.0.1', true],
    ['[::1]', true],
    ['app.localhost', true],
  ])('Windows: %s → %s', (host, expected) => {
    expect(osBypasses(win, host)).toBe(expected);
  });

  it.each([
    ['printer.local', true],
    ['169.254.10.20', true],
    ['10.200.0.1', true],
    ['11.0.0.1', false],
    ['gw.corp.example', true],
    ['GW.Corp.Example.', true],
    ['intranet', true],
    ['api.portkey.ai', false],
  ])('macOS: %s → %s', (host, expected) => {
    expect(osBypasses(mac, host)).toBe(expected);
  });

  it.each([
    ['intranet.example', true],
    ['wiki.intranet.example', false],
    ['a.corp.example', true],
    ['intranet', false],
    ['::1', true],
    ['10.9.8.7', true],
    ['api.portkey.ai', false],
  ])('GNOME (exact names, no suffix matching): %s → %s', (host, expected) => {
    expect(osBypasses(gnome, host)).toBe(expected);
  });

  const kde = parseKioslaverc(fixture('kioslaverc-manual'));
  it.each([
    ['gw.corp.example', true],
    ['corp.example', false],
    ['mylocalhost', true],
    ['127.0.0.1', true],
    ['api.portkey.ai', false],
  ])('KDE (plain suffix matching): %s → %s', (host, expected) => {
    expect(osBypasses(kde, host)).toBe(expected);
  });

  it('schemes and ports in entries, leading dots, IPv6 blocks, <-loopback>, a lone *', () => {
    const s = (bypass: string[], source: OsProxySettings['source'] = 'windows'): OsProxySettings => ({ source, bypass });
    expect(osBypasses(s(['https://*.corp.example:8443']), 'a.corp.example')).toBe(true);
    expect(osBypasses(s(['gw.example:443']), 'gw.example')).toBe(true);
    expect(osBypasses(s(['.corp.example']), 'a.b.corp.example')).toBe(true);
    expect(osBypasses(s(['fe80::/10']), 'fe80::1')).toBe(true);
    expect(osBypasses(s(['[fd00::1]:8080']), '[fd00::1]')).toBe(true);
    expect(osBypasses(s(['<-loopback>']), 'localhost')).toBe(false);
    expect(osBypasses(s(['<-loopback>', 'localhost']), 'localhost')).toBe(false);
    expect(osBypasses(s(['localhost', '<-loopback>']), 'localhost')).toBe(true);
    expect(osBypasses(s(['<-loopback>']), 'api.portkey.ai')).toBe(false);
    expect(osBypasses(s([]), '169.254.169.254')).toBe(true);
    expect(osBypasses(s([]), '[fe80::1]')).toBe(true);
    expect(osBypasses(s([]), '::ffff:127.0.0.1')).toBe(true);
    expect(osBypasses(s([]), 'loopback')).toBe(true);
    expect(osBypasses(s([], 'macos'), 'loopback')).toBe(false);
    expect(osBypasses(s([]), 'localhost.')).toBe(true);
    expect(osBypasses(s(['*']), 'anything.example')).toBe(true);
    expect(osBypasses(s(['10.0.0.0/99', 'bad/x', '']), '10.0.0.1')).toBe(false);
    expect(osBypasses(noOsProxy(), 'intranet')).toBe(false);
    expect(osBypasses(noOsProxy(), '')).toBe(false);
  });
});
