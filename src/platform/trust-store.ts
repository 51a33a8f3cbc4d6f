/**
 * The OS certificate store, read the supported way on each OS (docs/network-path.md, "The OS
 * trust store"), only when the TLS check needs it (a chain Node's bundle does not trust):
 * - Node's own `tls.getCACertificates('system')` where the running Node has it (22.15+, 23.8+;
 *   feature-detected: this project's floor, Node 20, has not);
 * - else the OS's tools: Linux, the distro's CA bundle (`SSL_CERT_FILE` first, as OpenSSL and
 *   Node's `--use-system-ca` honour it); macOS, `security find-certificate -a -p` on the system
 *   keychains; Windows, a PowerShell export of `Cert:\LocalMachine\Root` and `Cert:\CurrentUser\Root`.
 * Bounded in time, output and count; never throws (`unreadable` says what failed).
 */
import * as tls from 'node:tls';

import { cleanText } from '../core/clean-text.js';
import { readRegularText } from '../core/safe-fs.js';
import { runTool } from './run-tool.js';
import { runPowerShell } from './powershell.js';

/** What the OS store holds, as PEM certificates. */
export interface SystemCaStore {
  /** How it was read: Node's API, a bundle file, the macOS keychains, the Windows store. */
  source: 'node' | 'file' | 'macos-keychain' | 'windows-store' | 'none';
  /** For messages: "the system CA bundle /etc/ssl/certs/ca-certificates.crt", "the macOS keychains", … */
  description: string;
  pems: string[];
  /** What could not be read (bounded, cleaned). */
  unreadable?: string;
}

/** How long one reading may take (PowerShell's start-up alone can take seconds). */
export const TRUST_STORE_TIMEOUT_MS = 15_000;
/** The most certificates kept (stores hold a few hundred). */
export const MAX_STORE_CERTS = 5_000;
/** The largest bundle or tool output read. */
export const MAX_STORE_BYTES = 32 * 1024 * 1024;

/** The distro CA bundles, in the order Go's crypto/x509 looks for them (root_linux.go). */
export const LINUX_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7
  '/etc/ssl/cert.pem', // Alpine
];

/** The macOS keychains an administrator's roots are in, and Apple's own roots. */
export const MACOS_KEYCHAINS = ['/Library/Keychains/System.keychain', '/System/Library/Keychains/SystemRootCertificates.keychain'];

/** Exports both Root stores as PEM (base64 of each certificate's DER). */
export const WINDOWS_ROOTS_SCRIPT =
  "$ErrorActionPreference='SilentlyContinue'; foreach ($s in 'Cert:\\LocalMachine\\Root','Cert:\\CurrentUser\\Root') { Get-ChildItem -Path $s | ForEach-Object { '-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String($_.RawData, 'InsertLineBreaks'); '-----END CERTIFICATE-----' } }";

/** The PEM certificate blocks of a text, bounded in number. */
export function pemBlocks(text: string): string[] {
  const out: string[] = [];
  const re = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
  for (const m of text.matchAll(re)) {
    out.push(m[0].replace(/\r\n?/g, '\n'));
    if (out.length >= MAX_STORE_CERTS) break;
  }
  return out;
}

type GetCaCertificates = (type: 'system') => string[];

export interface TrustStoreOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** For tests: pretend the running Node has (a function) or has not (`null`) `tls.getCACertificates`. */
  nodeSystemCa?: GetCaCertificates | null;
  /** For tests: the tools (default `/usr/bin/security`). */
  commands?: { security?: string };
}

const fromList = (source: SystemCaStore['source'], description: string, pems: string[]): SystemCaStore => ({ source, description, pems });
const none = (description: string, unreadable: string): SystemCaStore => ({
  source: 'none',
  description,
  pems: [],
  unreadable: cleanText(unreadable).slice(0, 300),
});

/** Reads the OS certificate store (see the module comment). */
export async function readSystemCertificates(opts: TrustStoreOptions = {}): Promise<SystemCaStore> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? TRUST_STORE_TIMEOUT_MS;
  const sameOs = platform === process.platform;
  try {
    // An explicit SSL_CERT_FILE names the store on Linux (OpenSSL's and Node's rule): read it as named.
    const certFile = platform === 'linux' ? env['SSL_CERT_FILE'] : undefined;
    if (certFile) return await readBundle(certFile, `the system CA bundle named by SSL_CERT_FILE (${certFile})`);
    const nodeApi = opts.nodeSystemCa === undefined ? (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates : opts.nodeSystemCa;
    if (sameOs && typeof nodeApi === 'function') {
      const pems = nodeApi('system').slice(0, MAX_STORE_CERTS);
      return fromList('node', 'the OS certificate store (as Node reads it)', pems);
    }
    if (platform === 'linux') {
      for (const path of LINUX_CA_BUNDLES) {
        const store = await readBundle(path, `the system CA bundle ${path}`);
        if (!store.unreadable || !/ENOENT/.test(store.unreadable)) return store;
      }
      return none('the system CA bundle', `no CA bundle at ${LINUX_CA_BUNDLES.join(', ')}`);
    }
    if (platform === 'darwin') {
      if (!sameOs && !opts.commands?.security) return none('the macOS keychains', 'the keychains are only read on macOS');
      const out = await runTool(opts.commands?.security ?? '/usr/bin/security', ['find-certificate', '-a', '-p', ...MACOS_KEYCHAINS], {
        timeoutMs,
        maxBuffer: MAX_STORE_BYTES,
      });
      return out.ok ? fromList('macos-keychain', 'the macOS system keychains', pemBlocks(out.stdout)) : none('the macOS system keychains', out.reason);
    }
    if (platform === 'win32') {
      const out = await runPowerShell(WINDOWS_ROOTS_SCRIPT, { env, timeoutMs });
      return out.ok
        ? fromList('windows-store', 'the Windows certificate store (Root)', pemBlocks(out.stdout))
        : none('the Windows certificate store', out.reason);
    }
    return none('the OS certificate store', `no known store on ${platform}`);
  } catch (err) {
    return none('the OS certificate store', (err as Error).message ?? 'error');
  }
}

async function readBundle(path: string, description: string): Promise<SystemCaStore> {
  try {
    const pems = pemBlocks(await readRegularText(path, MAX_STORE_BYTES));
    return fromList('file', description, pems);
  } catch (err) {
    return none(description, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
