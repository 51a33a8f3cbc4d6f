/**
 * Facts about a certificate chain the TLS check judges by: which root it leads to, whether that
 * root is one Node ships (public) or a private one (corporate inspection, a private CA), and
 * whether the leaf expires soon. Pure functions of the chain, kept with the TLS probe in the
 * net layer (which indexes Node's root store); re-exported here so a check reaches them
 * without importing src/net/.
 */
export { chainAnchor, expiresWithin, isPrivatelyRooted } from '../net/tls.js';
