/**
 * The app's own proxy settings, `egressProxyUrl` and `egressProxyPacUrl` (from 1.44121.1), and
 * the rules the app applies to them (docs/network-path.md, "The app's own proxy settings"):
 * the PAC URL wins when both are set; loopback and `*.local` hosts bypass the proxy; only
 * `http://` and `https://` proxies; no credentials in the URL; no fallback to a direct
 * connection when the proxy does not answer. Pure: the values come from settings discovery.
 */
import { isLoopbackHost, normalHost } from '../core/host.js';
import type { Discovery, EgressValues, SettingsSource } from '../config/settings.js';

/** One of the app's proxy settings as read, with the source it came from. */
export interface EgressSetting {
  value: unknown;
  /** `managed-plist: /Library/…`, `profile: …/configLibrary/….json`: where it was read. */
  from: string;
}

/** The app's proxy settings in force. */
export interface AppEgress {
  proxyUrl?: EgressSetting;
  pacUrl?: EgressSetting;
}

/**
 * Where the app's proxy keys come from: app-behaviour keys of a managed source apply even when
 * that source holds no inference key and the local library is in force (docs/claude-desktop.md,
 * "Managed sources"), so the first managed source the app reads that sets one wins; else the
 * source in force.
 */
export function appEgress(discovery: Pick<Discovery, 'sources' | 'inForce'>): AppEgress {
  const usable = (s: SettingsSource): boolean => s.managed && s.ignoredBy === undefined && s.problem === undefined && s.egress !== undefined;
  const source = discovery.sources.find(usable) ?? (discovery.inForce?.egress ? discovery.inForce : undefined);
  const egress: EgressValues | undefined = source?.egress;
  if (!source || !egress) return {};
  const from = `${source.kind}: ${source.location}`;
  const set = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  return {
    ...(set(egress.egressProxyUrl) ? { proxyUrl: { value: egress.egressProxyUrl, from } } : {}),
    ...(set(egress.egressProxyPacUrl) ? { pacUrl: { value: egress.egressProxyPacUrl, from } } : {}),
  };
}

/** The app sends these hosts direct whatever its proxy settings say: loopback and `*.local`. */
export function appBypasses(host: string): 'loopback' | '*.local' | undefined {
  const h = normalHost(host);
  if (isLoopbackHost(h) || h.endsWith('.localhost')) return 'loopback';
  if (h === 'local' || h.endsWith('.local')) return '*.local';
  return undefined;
}
