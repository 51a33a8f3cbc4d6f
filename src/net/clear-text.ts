/**
 * The rule "never send a key in clear text beyond this machine", as a pure function: the HTTP
 * layer asks it before anything is sent, and refuses the request (`insecure-key-transport`)
 * when it says no.
 *
 * Plain http is only safe if the bytes never leave this machine: the target is loopback, and no
 * proxy is in between — a proxy reads the tunnel's clear text, whatever the scheme of the proxy
 * itself — unless that proxy is loopback too. Over https the key is inside TLS end to end (a
 * proxy only tunnels it), so https is always allowed.
 */
import { isLoopbackHost } from '../core/host.js';
import type { ProxyDecision } from './proxy.js';

/** What the rule looks at. */
export interface ClearTextRequest {
  url: URL;
  /** The proxy decision for {@link url}; `undefined` when proxies are not used at all. */
  proxy: ProxyDecision | undefined;
  /**
   * Some header (or the URL) carries a key: the key field's, or any credential header — an
   * `Authorization`, `x-portkey-api-key`, … among the extra headers or `--header` flags counts
   * the same (`wireHeaders` in secret-headers.ts decides).
   */
  carriesKey: boolean;
}

/** The rule's answer: allowed, or refused with the machine that would read the key in clear. */
export type ClearTextVerdict =
  | { allowed: true }
  | {
      allowed: false;
      kind: 'insecure-key-transport';
      /** The first hop beyond this machine that would see clear text: the host, or `proxy <scheme://host:port>`. */
      hop: string;
      /** For a person; names no credential. */
      reason: string;
    };

/** Decides whether a request may be sent (see the module comment). */
export function clearTextVerdict(req: ClearTextRequest): ClearTextVerdict {
  if (!req.carriesKey || req.url.protocol !== 'http:') return { allowed: true };
  const hop = !isLoopbackHost(req.url.hostname)
    ? req.url.hostname
    : req.proxy?.proxied && !isLoopbackHost(req.proxy.proxy.host)
      ? `proxy ${req.proxy.proxy.display}`
      : undefined;
  if (hop === undefined) return { allowed: true };
  return { allowed: false, kind: 'insecure-key-transport', hop, reason: `refused to send a key over plain http to ${hop}; use https` };
}
