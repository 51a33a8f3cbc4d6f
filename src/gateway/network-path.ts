/**
 * The one path decision: which road the app would take to the gateway (docs/network-path.md).
 * Made once per run by the network-path check and handed to every network and gateway probe, so
 * the doctor tests the app's road, not the shell's. Pure: the check gathers the inputs (the
 * app's proxy settings, the OS settings, a PAC file's answer) and these functions decide.
 *
 * Order, as the app follows it: the app's PAC URL → the app's proxy URL → the OS (PAC, manual
 * proxy, auto-detect) → on Linux without desktop proxy settings, the environment → direct.
 */
import { appBypasses, type AppEgress } from '../app/egress-proxy.js';
import { osBypasses, type OsProxySettings } from '../app/os-proxy.js';
import type { CheckContext } from '../contract/check.js';
import { parseProxyUrl, proxyFor, type ProxyChoice, type ProxyDecision } from '../net/index.js';

/** Where the decided path comes from. */
export type PathSource = 'app-pac' | 'app-url' | 'os-pac' | 'os-manual' | 'os-autodetect' | 'environment' | 'direct';

/** One entry of a PAC answer (`PROXY host:port`, `HTTPS host:port`, `SOCKS5 host:port`, `DIRECT`). */
export type PacEntry = { kind: 'direct'; text: 'DIRECT' } | { kind: 'proxy' | 'https' | 'socks'; text: string; proxy: ProxyChoice };

/** What the network-path check hands to the probes. */
export interface NetworkPath {
  source: PathSource;
  /** The proxy every probe goes through; undefined: direct. */
  proxy?: ProxyChoice;
  /** Why the gateway goes direct although a proxy is configured (`loopback`, `*.local`, an OS bypass entry). */
  bypass?: string;
  /** The PAC answer's entries, when a PAC file decided (display form). */
  pacList?: string[];
  /** What HTTPS_PROXY/HTTP_PROXY/NO_PROXY would choose (Claude Code and other tools that follow the environment). */
  env: ProxyDecision;
  /** The proxy is the app's or the OS's: the app (Chromium) authenticates to it with the OS login (NTLM, Kerberos, Negotiate). */
  osAuthenticates: boolean;
}

/** The proxy decision the probes act on: the decided path, else (no path handed on, e.g. a plugin's context) the environment's. */
export function pathDecision(path: NetworkPath | undefined, url: URL, env: CheckContext['env']): ProxyDecision {
  if (!path) return proxyFor(url, env);
  if (path.proxy) return { proxied: true, proxy: path.proxy };
  return { proxied: false, reason: 'no-proxy-configured' };
}

/** What HTTPS_PROXY/HTTP_PROXY/NO_PROXY would choose for `url`. */
export function environmentDecision(url: URL, env: CheckContext['env']): ProxyDecision {
  return proxyFor(url, env);
}

/** How a proxy is named in reports: `http://host:port` (never credentials). */
export function describeDecision(d: ProxyDecision): string {
  if (d.proxied) return d.proxy.display;
  if (d.reason === 'no-proxy-wildcard') return `direct (${d.noProxySource}=*)`;
  if (d.reason === 'no-proxy-match') return `direct (${d.noProxySource} lists ${d.entry})`;
  return 'direct';
}

const SETTING: Partial<Record<PathSource, string>> = {
  'app-url': 'egressProxyUrl',
  'app-pac': 'the PAC file of egressProxyPacUrl',
  'os-manual': 'the OS proxy settings',
  'os-pac': 'the OS automatic configuration (PAC) file',
};

/**
 * What to do when the road's proxy fails and that proxy is the app's or the OS's (not
 * HTTPS_PROXY, whose code fixes speak of): the app does not go around it.
 */
export function proxyFailureFix(path: NetworkPath | undefined): string | undefined {
  const setting = path?.proxy ? SETTING[path.source] : undefined;
  if (!path?.proxy || !setting) return undefined;
  return `${path.proxy.display} is the app’s proxy (from ${setting}) and the app does not fall back to a direct connection: make sure that proxy runs and is reachable from this machine, or correct ${setting}.`;
}

/** `{ fix }` when there is one, for spreading into a finding's extra. */
export function withFix(fix: string | undefined): { fix?: string } {
  return fix ? { fix } : {};
}

/** True when the environment would take another road than the app. */
export function envDiffers(path: NetworkPath): boolean {
  const envProxy = path.env.proxied ? path.env.proxy.display : undefined;
  return path.source !== 'environment' && envProxy !== path.proxy?.display;
}

/**
 * A proxy as the OS or a PAC answer names it: `host:port` (an http proxy), or a URL. `scheme` is
 * what an unschemed value means (`http:` for `PROXY`, `https:` for `HTTPS`).
 */
export function proxyFromHostPort(value: string, source: string, scheme = 'http:'): ProxyChoice {
  const v = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `${scheme}//${v}`;
  return parseProxyUrl(withScheme, source);
}

/** The longest PAC answer read, and the most entries kept. */
const MAX_PAC_ENTRIES = 16;

/**
 * Parses a PAC answer as Chromium does: entries separated by `;`, each `DIRECT` or a type and
 * `host:port`; unknown entries are skipped. `entries` empty means the answer is unusable.
 */
export function parsePacResult(text: string): { entries: PacEntry[]; skipped: string[] } {
  const entries: PacEntry[] = [];
  const skipped: string[] = [];
  for (const raw of text.split(';').slice(0, 64)) {
    const item = raw.trim().replace(/\s+/g, ' ');
    if (item === '') continue;
    const [type = '', hostPort, extra] = item.split(' ');
    const upper = type.toUpperCase();
    if (upper === 'DIRECT' && hostPort === undefined) {
      entries.push({ kind: 'direct', text: 'DIRECT' });
    } else if (hostPort !== undefined && extra === undefined && /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/i.test(hostPort)) {
      const kind = upper === 'PROXY' || upper === 'HTTP' ? 'proxy' : upper === 'HTTPS' ? 'https' : /^SOCKS[45]?$/.test(upper) ? 'socks' : undefined;
      if (!kind) {
        skipped.push(item.slice(0, 80));
        continue;
      }
      const scheme = kind === 'https' ? 'https:' : kind === 'socks' ? 'socks5:' : 'http:';
      entries.push({ kind, text: `${upper} ${hostPort}`, proxy: proxyFromHostPort(hostPort, 'PAC', scheme) });
    } else {
      skipped.push(item.slice(0, 80));
    }
    if (entries.length >= MAX_PAC_ENTRIES) break;
  }
  return { entries, skipped };
}

/** What the app's proxy URL is, by the app's rules. */
export type AppProxyVerdict =
  | { ok: true; proxy: ProxyChoice }
  | { ok: false; problem: 'not-a-string' | 'invalid-url' | 'socks' | 'unsupported-scheme' | 'credentials'; proxy?: ProxyChoice };

/** `egressProxyUrl` by the app's rules: an `http://` or `https://` URL without credentials. */
export function judgeAppProxyUrl(value: unknown): AppProxyVerdict {
  if (typeof value !== 'string') return { ok: false, problem: 'not-a-string' };
  const trimmed = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  const proxy = parseProxyUrl(trimmed, 'egressProxyUrl');
  if (scheme?.startsWith('socks')) return { ok: false, problem: 'socks', proxy };
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return { ok: false, problem: 'unsupported-scheme', proxy };
  if (proxy.credentials) return { ok: false, problem: 'credentials', proxy };
  if (proxy.problem) return { ok: false, problem: 'invalid-url', proxy };
  return { ok: true, proxy };
}

/** The first step of the decision, before any PAC file is fetched. */
export type PathPlan =
  | { kind: 'decided'; path: NetworkPath }
  | { kind: 'pac'; source: 'app-pac' | 'os-pac'; pacUrl: string; from: string }
  | { kind: 'app-proxy-invalid'; verdict: Extract<AppProxyVerdict, { ok: false }>; from: string }
  | { kind: 'app-pac-invalid'; from: string };

export interface PlanInputs {
  url: URL;
  app: AppEgress;
  os: OsProxySettings;
  env: CheckContext['env'];
  platform: NodeJS.Platform;
}

/**
 * Decides the path for `url`, or says that a PAC file must be asked first. The app's bypass
 * (loopback, `*.local`) applies to its own settings; the OS bypass list to the OS's manual proxy.
 */
export function planPath(inputs: PlanInputs): PathPlan {
  const { url, app, os, env, platform } = inputs;
  const envDecision = proxyFor(url, env);
  const host = url.hostname;
  const base = { env: envDecision };
  const direct = (source: PathSource, extra: Partial<NetworkPath> = {}): PathPlan => ({
    kind: 'decided',
    path: { ...base, source, osAuthenticates: false, ...extra },
  });

  // 1. The app's own settings (PAC wins over the URL); loopback and *.local bypass them.
  if (app.pacUrl !== undefined || app.proxyUrl !== undefined) {
    const bypass = appBypasses(host);
    const source: PathSource = app.pacUrl !== undefined ? 'app-pac' : 'app-url';
    if (bypass) return direct(source, { bypass });
    if (app.pacUrl !== undefined) {
      if (typeof app.pacUrl.value !== 'string') return { kind: 'app-pac-invalid', from: app.pacUrl.from };
      return { kind: 'pac', source: 'app-pac', pacUrl: app.pacUrl.value.trim(), from: app.pacUrl.from };
    }
    const proxyUrl = app.proxyUrl!;
    const verdict = judgeAppProxyUrl(proxyUrl.value);
    if (!verdict.ok) return { kind: 'app-proxy-invalid', verdict, from: proxyUrl.from };
    return { kind: 'decided', path: { ...base, source: 'app-url', proxy: verdict.proxy, osAuthenticates: true } };
  }

  // 2. The operating system's settings (Chromium's order: PAC, manual proxy; auto-detect the doctor cannot follow).
  if (os.source !== 'none') {
    if (os.pacUrl) return { kind: 'pac', source: 'os-pac', pacUrl: os.pacUrl, from: `${os.source} proxy settings` };
    const manual = url.protocol === 'https:' ? (os.httpsProxy ?? undefined) : os.httpProxy;
    if (manual) {
      if (osBypasses(os, host)) return direct('os-manual', { bypass: 'the OS bypass list' });
      return {
        kind: 'decided',
        path: { ...base, source: 'os-manual', proxy: proxyFromHostPort(manual, `${os.source} proxy settings`), osAuthenticates: true },
      };
    }
    if (os.autoDetect) return direct('os-autodetect');
    // Linux desktop settings that set no proxy: Chromium uses them (direct), not the environment.
    if (os.source === 'linux-desktop') return direct('direct');
  }

  // 3. Linux without desktop proxy settings: the environment, as Chromium reads it there.
  if (platform === 'linux' && envDecision.proxied) {
    return { kind: 'decided', path: { ...base, source: 'environment', proxy: envDecision.proxy, osAuthenticates: false } };
  }
  if (platform === 'linux' && !envDecision.proxied && envDecision.reason !== 'no-proxy-configured') {
    return direct('environment', { bypass: describeDecision(envDecision) });
  }
  return direct('direct');
}

/** The path a PAC answer gives for the gateway, once its entries are known (the first that answers is chosen by the caller). */
export function pacPath(source: 'app-pac' | 'os-pac', chosen: PacEntry, list: PacEntry[], env: ProxyDecision): NetworkPath {
  return {
    source,
    env,
    pacList: list.map((e) => e.text),
    ...(chosen.kind === 'direct' ? {} : { proxy: chosen.proxy }),
    osAuthenticates: chosen.kind !== 'direct',
  };
}
