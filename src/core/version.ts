import { readFileSync } from 'node:fs';

declare const __PKD_VERSION__: string | undefined;

/**
 * The tool's version: embedded by the build (scripts/build.mjs), else (unbuilt sources) read from
 * package.json two levels above src/core/.
 */
export const VERSION: string =
  typeof __PKD_VERSION__ === 'string'
    ? __PKD_VERSION__
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
