/**
 * TLS: the gateway's certificate chain, issuer, expiry and name — and interception: a chain
 * that leads to a private (corporate inspection) root instead of a public one. Node's bundled
 * roots plus NODE_EXTRA_CA_CERTS and the policy's caFile are what the doctor trusts; Claude
 * Desktop trusts the OS store, so anything trusted only through an extra CA is pointed out.
 * When Node's bundle does not trust the chain, the OS store is read (lazily, only then) and the
 * handshake is made again with it: a chain the OS store trusts is fine for the app (Chromium
 * uses that store) and a warning for anything using Node's bundle (docs/network-path.md, "The
 * OS trust store").
 */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import type { NetFailure, NetFailureKind, PeerCert, SystemCaStore, TlsResult } from '../contract/io.js';
import { PORTKEY_SAAS_API_HOSTS } from '../core/portkey.js';
import { bareHostname, defaultPort, extraCas, gatewayUrl, probeTimeout, proxyDecision } from '../gateway/endpoint.js';
import { failureDetails, netCodeIn, netCodes, PROXY_TUNNEL_KINDS, TCP_KINDS, TLS_KINDS } from '../gateway/failure-codes.js';
import { chainAnchor, expiresWithin, isPrivatelyRooted } from '../gateway/tls-facts.js';
import dns from './dns.js';
import proxy from './proxy.js';
import networkPath from './network-path.js';

/**
 * What the tls check hands on: the OS store's certificates when the chain is trusted only with
 * them, so the HTTP probes after it trust what the app trusts (see `clientOptions`).
 */
export interface TlsData {
  osStoreCa?: string[];
}

/** Warn this many days before the certificate expires. */
export const EXPIRY_WARNING_DAYS = 14;

// A direct handshake first connects to the address (TCP kinds), then speaks TLS; through a
// proxy, the tunnel can fail first (the proxy's kinds, and an https:// proxy's TLS kinds).
const HANDSHAKE_KINDS = [...TCP_KINDS, ...TLS_KINDS] as const;

export default defineCheck({
  id: 'tls',
  title: 'TLS certificate',
  group: 'network',
  needs: [dns, proxy, networkPath],
  codes: {
    ...netCodes([...HANDSHAKE_KINDS, ...PROXY_TUNNEL_KINDS]),
    TLS_INTERCEPTED: {
      title: 'TLS to the gateway is intercepted: its certificate comes from a private (corporate inspection) root, not the public chain',
      fix: 'Ask IT to exempt the gateway’s host from TLS inspection, or install the corporate root CA in the OS trust store (Claude Desktop) and NODE_EXTRA_CA_CERTS (the doctor).',
    },
    TLS_PRIVATE_CA: {
      title: 'The certificate is trusted only through an extra CA file (NODE_EXTRA_CA_CERTS or the policy’s caFile)',
      fix: 'Claude Desktop trusts the OS certificate store, not these files: make sure the same CA is installed there.',
    },
    TLS_OS_STORE_ONLY: {
      title: 'The certificate is trusted by the OS certificate store only, not by Node’s bundle',
      fix: 'Claude Desktop (Chromium) trusts the OS store, so the app accepts this certificate. Tools that use Node’s bundle (Claude Code on its own, Node scripts, this doctor) need the root CA in a PEM file named by NODE_EXTRA_CA_CERTS.',
    },
    TLS_EXPIRES_SOON: {
      title: `The gateway’s certificate expires within ${EXPIRY_WARNING_DAYS} days`,
      fix: 'Tell the gateway’s operator to renew the certificate.',
    },
    TLS_VERIFY_DISABLED: {
      title: 'Certificate verification is turned off (--insecure) and the certificate is not trusted',
      fix: 'Fix the trust problem shown in the details and run without --insecure; the app will not accept this certificate.',
    },
    TLS_CA_FILE_UNREADABLE: {
      title: 'An extra CA file cannot be read or is not PEM',
      fix: 'Fix the path in NODE_EXTRA_CA_CERTS or the policy’s gateway.caFile.',
    },
  },
  async run(ctx) {
    const url = gatewayUrl(ctx);
    if (url.protocol === 'http:') return ok('plain http on loopback: no TLS', { protocol: 'http' });
    const { pems, problems } = await extraCas(ctx);
    if (problems.length > 0) {
      const p = problems[0]!;
      return fail('TLS_CA_FILE_UNREADABLE', `${p.from}: ${p.path} (${p.code})`, { details: { problems } });
    }
    const host = bareHostname(url);
    const port = defaultPort(url);
    const timeoutMs = probeTimeout(ctx);
    const decision = proxyDecision(ctx, ctx.upstream(networkPath));
    // One handshake trusting Node's bundle plus `ca`: through the decided proxy's tunnel, or to the
    // address the DNS check chose, naming the host for SNI and verification.
    const handshake = async (ca: string[]): Promise<TlsResult | { tunnelFailure: NetFailure; via: string }> => {
      if (decision.proxied && !decision.proxy.problem) {
        const tunnel = await ctx.net.proxyConnect(decision.proxy, host, port, {
          timeoutMs,
          signal: ctx.signal,
          ca,
          ...(ctx.options.dnsServers ? { servers: ctx.options.dnsServers } : {}),
        });
        if (!tunnel.ok) return { tunnelFailure: tunnel.failure, via: decision.proxy.display };
        return ctx.net.tlsHandshake(host, port, { ca, insecure: ctx.options.insecure, timeoutMs, signal: ctx.signal, via: tunnel.socket });
      }
      const address = ctx.upstream(dns)?.chosen ?? host;
      return ctx.net.tlsHandshake(address, port, { servername: host, ca, insecure: ctx.options.insecure, timeoutMs, signal: ctx.signal });
    };
    const first = await handshake(pems);
    if ('tunnelFailure' in first) {
      return fail(netCodeIn(first.tunnelFailure, PROXY_TUNNEL_KINDS, 'proxy-failure'), `tunnel through ${first.via}: ${first.tunnelFailure.kind}`, {
        details: failureDetails(first.tunnelFailure),
      });
    }
    const result: TlsResult = first;

    // Not trusted by Node's bundle (and the extra CA files): does the OS store trust it?
    let osStore: { store: SystemCaStore; trusted: boolean } | undefined;
    if (!result.ok && UNTRUSTED_KINDS.includes(result.failure.kind)) {
      const store = await ctx.os.systemCertificates();
      let trusted = false;
      if (store.pems.length > 0) {
        const again = await handshake([...pems, ...store.pems]);
        trusted = !('tunnelFailure' in again) && again.ok && again.authorized;
      }
      osStore = { store, trusted };
    }

    const leaf = result.chain[0];
    const anchor = chainAnchor(result.chain);
    const privateRoot = isPrivatelyRooted(result.chain);
    const details: Record<string, unknown> = {
      host,
      protocol: result.protocol,
      handshakeMs: result.handshakeMs !== undefined ? Math.round(result.handshakeMs * 10) / 10 : undefined,
      authorized: result.authorized,
      ...(result.authorizationError ? { authorizationError: result.authorizationError } : {}),
      chain: result.chain.map(summarise),
      root: anchor ? { name: anchor.name, inNodeRootStore: anchor.inNodeRootStore } : undefined,
      extraCaFiles: pems.length,
      ...(ctx.options.insecure ? { insecure: true } : {}),
      ...(osStore ? { osStore: storeDetails(osStore.store, osStore.trusted) } : {}),
    };
    const publicGateway = PORTKEY_SAAS_API_HOSTS.includes(host.toLowerCase());
    const rootName = anchor?.name ?? 'an unknown root';

    if (!result.ok && osStore?.trusted) {
      const store = osStore.store.description;
      if (privateRoot && publicGateway) {
        return warn(
          'TLS_INTERCEPTED',
          `${host} is served by a certificate from "${rootName}", trusted by ${store} (the app accepts it; Node's bundle does not)`,
          { details, data: { osStoreCa: osStore.store.pems } },
        );
      }
      return warn('TLS_OS_STORE_ONLY', `trusted by ${store} only (root "${rootName}"): fine for Claude Desktop; Node-based tools need NODE_EXTRA_CA_CERTS`, {
        details,
        data: { osStoreCa: osStore.store.pems },
      });
    }
    if (!result.ok) {
      // A public gateway whose chain ends at a private root is being intercepted on the way.
      if (privateRoot && publicGateway && (result.failure.kind === 'tls-unknown-ca' || result.failure.kind === 'tls-self-signed')) {
        return fail('TLS_INTERCEPTED', `${host} is served by a certificate from "${rootName}", not a public CA`, { details });
      }
      const kind = result.failure.kind;
      const extra = kind === 'tls-unknown-ca' ? ` (root: "${rootName}")` : kind === 'tls-expired' && leaf ? ` (expired ${leaf.validTo.slice(0, 10)})` : '';
      return fail(netCodeIn(result.failure, HANDSHAKE_KINDS, 'tls-failure'), `${host}: ${kind.replace(/-/g, ' ')}${extra}`, {
        details: { ...details, ...failureDetails(result.failure) },
      });
    }
    if (!result.authorized) {
      return warn('TLS_VERIFY_DISABLED', `not trusted (${result.authorizationError ?? 'unknown reason'}), accepted because of --insecure`, { details });
    }
    if (privateRoot) {
      if (publicGateway) return warn('TLS_INTERCEPTED', `${host} is served by a certificate from "${rootName}" (trusted via an extra CA file)`, { details });
      return warn('TLS_PRIVATE_CA', `trusted through an extra CA file (root "${rootName}")`, { details });
    }
    if (leaf && expiresWithin(leaf, EXPIRY_WARNING_DAYS, ctx.os.now())) {
      return warn('TLS_EXPIRES_SOON', `the certificate expires on ${leaf.validTo.slice(0, 10)}`, { details });
    }
    return ok(`${result.protocol ?? 'TLS'}, issued by "${leaf?.issuerCN ?? leaf?.issuerO ?? '?'}", valid until ${leaf?.validTo.slice(0, 10) ?? '?'}`, details);
  },
});

/** The failures that mean "no trusted root for this chain": the ones the OS store may answer. */
const UNTRUSTED_KINDS: readonly NetFailureKind[] = ['tls-unknown-ca', 'tls-self-signed'];

function storeDetails(store: SystemCaStore, trusted: boolean) {
  return {
    store: store.description,
    certificates: store.pems.length,
    trusted,
    ...(store.unreadable ? { unreadable: store.unreadable } : {}),
  };
}

function summarise(cert: PeerCert) {
  return { subject: cert.subjectCN ?? cert.subjectO, issuer: cert.issuerCN ?? cert.issuerO, validTo: cert.validTo, fingerprint256: cert.fingerprint256 };
}
