/** The adapter for an OS: macOS and Windows have their own, every other OS is treated as Linux. */
import type { PlatformAdapter } from './adapter.js';
import { darwinAdapter } from './darwin.js';
import { linuxAdapter } from './linux.js';
import { win32Adapter } from './win32.js';

export type { PlatformAdapter } from './adapter.js';

export function platformAdapter(platform: NodeJS.Platform): PlatformAdapter {
  return platform === 'darwin' ? darwinAdapter : platform === 'win32' ? win32Adapter : linuxAdapter;
}
