/** The adapter for an OS: macOS, Windows and Linux have their own; other Unix-likes have no build of the app. */
import type { PlatformAdapter } from './adapter.js';
import { darwinAdapter } from './darwin.js';
import { linuxAdapter, otherUnixAdapter } from './linux.js';
import { win32Adapter } from './win32.js';

export type { PlatformAdapter } from './adapter.js';

export function platformAdapter(platform: NodeJS.Platform): PlatformAdapter {
  return platform === 'darwin' ? darwinAdapter : platform === 'win32' ? win32Adapter : platform === 'linux' ? linuxAdapter : otherUnixAdapter;
}
