/**
 * The real I/O services: thin delegations to src/net, src/platform and the keychain. The run
 * module builds one set per run; nothing in a check imports these layers directly.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';

import type { OsProxySettings } from '../app/os-proxy.js';
import type { ProcessListing } from '../app/process-info.js';
import type { CheckIO, NetIO, OsIO } from '../contract/io.js';
import { readRegularFile, readRegularText } from '../core/safe-fs.js';
import { createHttpClient, evaluatePac, httpRequest, proxyConnect, resolveHost, tcpConnect, tlsHandshake } from '../net/index.js';
import { inspectAppPath } from '../platform/app-locate.js';
import { platformAdapter, type PlatformAdapter } from '../platform/index.js';
import { readOsProxySettings } from '../platform/os-proxy.js';
import { readSystemCertificates, type SystemCaStore } from '../platform/trust-store.js';
import { keychainStoreName, readCredential } from '../platform/keychain.js';
import { realAppLog } from './app-log.js';

/**
 * The OS's adapter with its process listing taken at most once per run: on Linux app-installed
 * finds the app by its running process and app-running lists processes too, and each listing is
 * two `ps` runs plus a readlink per process (measured: ~35 ms per check on an idle 2-core
 * machine, the two side by side; the listing itself ~20 ms). Per run, so the daemon's next run
 * sees the processes then.
 */
function listingOncePerRun(adapter: PlatformAdapter, env: NodeJS.ProcessEnv): PlatformAdapter {
  let listing: Promise<ProcessListing> | undefined;
  const listProcesses = (e: NodeJS.ProcessEnv): Promise<ProcessListing> => {
    listing ??= adapter.listProcesses(e);
    // A failed listing is not kept: the next check asks again, as it did before.
    listing.catch(() => {
      listing = undefined;
    });
    return listing;
  };
  return {
    ...adapter,
    listProcesses,
    locateApp: (ctx, hints) => adapter.locateApp(ctx, { ...hints, listProcesses: () => listProcesses(env) }),
  };
}

export const realNet: NetIO = { resolveHost, tcpConnect, proxyConnect, tlsHandshake, httpRequest, createHttpClient, evaluatePac };

export function realOs(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): OsIO {
  // Read at most once per run, and only when a check asks.
  let proxySettings: Promise<OsProxySettings> | undefined;
  let systemCertificates: Promise<SystemCaStore> | undefined;
  return {
    platform,
    now: () => new Date(),
    // Regular files only, bounded: a FIFO or a device where a file should be never blocks a check.
    readFile: (path) => readRegularText(path),
    readBytes: (path) => readRegularFile(path),
    async stat(path) {
      const s = await stat(path);
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777 };
    },
    adapter: listingOncePerRun(platformAdapter(platform), env),
    inspectAppPath: (path) => inspectAppPath(path, platform),
    proxySettings: () => {
      proxySettings ??= readOsProxySettings({ platform, env });
      return proxySettings;
    },
    systemCertificates: () => {
      systemCertificates ??= readSystemCertificates({ platform, env });
      return systemCertificates;
    },
    self: { pid: process.pid, ...(typeof process.getuid === 'function' ? { uid: process.getuid() } : {}) },
  };
}

/** Every real service, for a run on this machine (`platform` may be overridden by tests of OS rules). */
export function realIO(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): CheckIO {
  return {
    net: realNet,
    os: realOs(platform, env),
    // The keychain is always this machine's, whatever platform the OS rules pretend.
    keychain: { storeName: keychainStoreName(), read: (ref, opts) => readCredential(ref, opts) },
    appLog: realAppLog(platform, env, env['HOME'] ?? homedir()),
  };
}
