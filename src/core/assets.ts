/**
 * Files the commands read at run time (the JSON schemas, the launchd/systemd templates). A build
 * (scripts/build.mjs) embeds them as `__PKD_ASSETS__`, so the bundle and the single executable
 * read nothing relative to where they run from; unbuilt sources (tests run src/ directly) read
 * them from the package root, two levels above src/core/.
 */
import { readFileSync } from 'node:fs';

/** Path relative to the package root (`schema/policy.schema.json`) → the file's text. */
declare const __PKD_ASSETS__: Record<string, string> | undefined;

const EMBEDDED: Record<string, string> | undefined = typeof __PKD_ASSETS__ === 'undefined' ? undefined : __PKD_ASSETS__;

/** The text of a file shipped with the package, by its path from the package root (or from `root`). */
export function readAsset(relative: string, root?: URL): string {
  if (root === undefined) {
    const embedded = EMBEDDED?.[relative];
    if (embedded !== undefined) return embedded;
  }
  return readFileSync(new URL(relative, root ?? new URL('../../', import.meta.url)), 'utf8');
}
