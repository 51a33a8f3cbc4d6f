/**
 * Reads the OS proxy settings with the OS's own tools (docs/network-path.md, "The OS proxy
 * settings"): `scutil --proxy` on macOS, `reg query` of Internet Settings on Windows, GNOME's
 * `gsettings` or KDE's `kioslaverc` on a Linux desktop. Each tool runs bounded in time and output
 * (a hung tool ends the read, it never hangs the run); never throws; what could not be read is
 * said in `unreadable`. The parsing is in src/app/os-proxy-parse.ts.
 */
import { runTool } from './run-tool.js';
import { isAbsolute, join } from 'node:path';

import { queryRegistryKey } from '../config/registry.js';
import { readRegularText } from '../core/safe-fs.js';
import {
  cleanOsValue,
  parseGsettingsProxy,
  parseKioslaverc,
  parseScutilProxy,
  parseWinInternetSettings,
  WIN_CONNECTIONS,
  WIN_INTERNET_SETTINGS,
} from '../app/os-proxy-parse.js';
import { noOsProxy, type OsProxySettings } from '../app/os-proxy.js';

/** How long one tool may take (scutil and gsettings answer in milliseconds). */
export const OS_PROXY_TIMEOUT_MS = 5_000;
/** The most output read from one tool. */
export const OS_PROXY_MAX_OUTPUT = 256 * 1024;

export interface OsProxyReadOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** The tools, for tests (defaults: `/usr/sbin/scutil`, `gsettings` on PATH). */
  commands?: { scutil?: string; gsettings?: string };
}

/** Which Linux desktop's settings Chromium would read (its `base::nix::GetDesktopEnvironment`). */
export function linuxDesktop(env: NodeJS.ProcessEnv): 'gnome' | 'kde' | undefined {
  const desktops = `${env['XDG_CURRENT_DESKTOP'] ?? ''}:${env['DESKTOP_SESSION'] ?? ''}`.toLowerCase();
  if (/(^|:)kde/.test(desktops) || /(^|:)plasma/.test(desktops)) return 'kde';
  if (/(^|:)(gnome|unity|x-cinnamon|cinnamon|xfce|budgie|pantheon|ubuntu|deepin|ukui|mate)/.test(desktops)) return 'gnome';
  return undefined;
}

/** The OS proxy settings of this machine (see the module comment). */
export async function readOsProxySettings(opts: OsProxyReadOptions = {}): Promise<OsProxySettings> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? OS_PROXY_TIMEOUT_MS;
  try {
    // Another OS's rules driven on this machine (tests of macOS or Windows rules on Linux) read
    // nothing: there are no such settings here, and that is no problem to report.
    if (platform === 'darwin') {
      if (platform !== process.platform && !opts.commands?.scutil) return noOsProxy();
      const out = await runTool(opts.commands?.scutil ?? '/usr/sbin/scutil', ['--proxy'], { timeoutMs, maxBuffer: OS_PROXY_MAX_OUTPUT });
      return out.ok ? parseScutilProxy(out.stdout) : { source: 'macos', bypass: [], unreadable: cleanOsValue(out.reason) };
    }
    if (platform === 'win32') {
      const [settings, connections] = await Promise.all([
        queryRegistryKey(WIN_INTERNET_SETTINGS, { platform, env, timeoutMs }),
        queryRegistryKey(WIN_CONNECTIONS, { platform, env, timeoutMs }),
      ]);
      if (settings.status === 'unsupported') return noOsProxy();
      return parseWinInternetSettings(settings, connections);
    }
    if (platform === 'linux') {
      const desktop = linuxDesktop(env);
      if (desktop === 'gnome') {
        const out = await runTool(opts.commands?.gsettings ?? 'gsettings', ['list-recursively', 'org.gnome.system.proxy'], {
          timeoutMs,
          env,
          maxBuffer: OS_PROXY_MAX_OUTPUT,
        });
        return out.ok ? parseGsettingsProxy(out.stdout) : noOsProxy(cleanOsValue(`GNOME proxy settings: ${out.reason}`));
      }
      if (desktop === 'kde') {
        const config = env['XDG_CONFIG_HOME'] || (env['HOME'] ? join(env['HOME'], '.config') : undefined);
        // Never a path relative to the working folder.
        if (!config || !isAbsolute(config)) return noOsProxy('KDE proxy settings: no absolute XDG_CONFIG_HOME or HOME');
        const file = join(config, 'kioslaverc');
        try {
          return parseKioslaverc(await readRegularText(file, 256 * 1024));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          return code === 'ENOENT' ? noOsProxy() : noOsProxy(cleanOsValue(`KDE proxy settings: cannot read kioslaverc (${code ?? 'error'})`));
        }
      }
      return noOsProxy();
    }
    return noOsProxy();
  } catch (err) {
    return noOsProxy(cleanOsValue(`OS proxy settings: ${(err as Error).message ?? 'error'}`));
  }
}
