/**
 * Synchronous, on-demand loading of CommonJS dependencies that only some runs need (the policy
 * validator, the JSON error locator, the binary plist reader): start-up is measured against bare
 * Node, so nothing is loaded before it is used. Node caches each module after its first load.
 */
import { createRequire } from 'node:module';

export const requireLazy = createRequire(import.meta.url);
