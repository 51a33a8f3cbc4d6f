/**
 * Where the settings route a request, read from the extra headers the app sends (never from an
 * answer): the provider in `x-portkey-provider`, or the providers of the config in
 * `x-portkey-config`. A config, when given, is what routes; the gateway falls back on the
 * provider header only when the config names no provider and no targets (the open-source
 * gateway's own header handling; docs/decisions.md, "Real gateways"). Header values are
 * untrusted input: parsed within bounds, names cleaned and cut short, nothing else (a config's
 * `api_key`, hosts) is ever read out of them.
 */
import type { Target } from '../config/target.js';
import { resolveHeaders } from '../inference/headers.js';

/** The route the settings name. */
export interface SettingsRoute {
  /** Providers named, as written (a provider id such as `anthropic`, or an integration slug). */
  providers: string[];
  /** The header they were read from; undefined when the settings name no provider. */
  from?: 'x-portkey-config' | 'x-portkey-provider';
  /** A saved config's id (`pc-…`): its targets are stored in Portkey, not in the settings. */
  configId?: string;
}

/** A config longer than this is not parsed (a real one is a few hundred bytes). */
const MAX_CONFIG_CHARS = 16 * 1024;
/** Nested targets deeper than this are not followed. */
const MAX_DEPTH = 8;
/** At most this many providers are named. */
const MAX_PROVIDERS = 8;
/** A name longer than this is cut. */
const MAX_NAME = 64;
/** What a saved config's id looks like (`pc-…`): plain, short. */
const CONFIG_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Control characters and bidi overrides, removed from a name before it is shown. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function clean(value: string): string {
  return value.replace(UNSAFE, '').trim().slice(0, MAX_NAME);
}

/** The route named by the target's extra headers (settings and `--header` flags, as the app would send them). */
export function settingsRoute(target: Target): SettingsRoute {
  const sent = new Map<string, string>();
  for (const h of resolveHeaders(target).headers) if (!h.invalid && typeof h.value === 'string') sent.set(h.name.toLowerCase(), h.value);
  const config = sent.get('x-portkey-config')?.trim();
  if (config) {
    // A saved config's id (`pc-…`) is named; any other text is not echoed.
    if (!config.startsWith('{'))
      return CONFIG_ID.test(config) ? { providers: [], from: 'x-portkey-config', configId: config } : { providers: [], from: 'x-portkey-config' };
    const read = readConfig(config);
    if (read === undefined) return { providers: [], from: 'x-portkey-config' };
    if (read.routes) return { providers: read.providers, from: 'x-portkey-config' };
  }
  const provider = clean(sent.get('x-portkey-provider') ?? '');
  return provider ? { providers: [provider], from: 'x-portkey-provider' } : { providers: [] };
}

/**
 * An inline config: whether it routes by itself (it has a provider or targets; otherwise the
 * provider header routes), and the providers it names (its own and its targets', depth first).
 * Undefined when it cannot be read.
 */
function readConfig(text: string): { routes: boolean; providers: string[] } | undefined {
  if (text.length > MAX_CONFIG_CHARS) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const found = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > MAX_DEPTH || found.size >= MAX_PROVIDERS) return;
    const { provider, targets } = node as { provider?: unknown; targets?: unknown };
    if (typeof provider === 'string' && clean(provider)) found.add(clean(provider));
    if (Array.isArray(targets)) for (const t of targets.slice(0, 32)) visit(t, depth + 1);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  visit(json, 0);
  const { provider, targets } = json as { provider?: unknown; targets?: unknown };
  return { routes: provider !== undefined || targets !== undefined, providers: [...found].slice(0, MAX_PROVIDERS) };
}

/** One phrase for a route: "anthropic (x-portkey-provider)", "config pc-abc (stored in Portkey)". */
export function describeRoute(route: SettingsRoute): string {
  if (route.configId) return `config ${route.configId} (x-portkey-config; its targets are stored in Portkey)`;
  if (route.providers.length > 0) return `${route.providers.join(', ')} (${route.from})`;
  if (route.from) return `a config that names no provider the doctor can read (${route.from})`;
  return 'no provider named in the settings';
}
