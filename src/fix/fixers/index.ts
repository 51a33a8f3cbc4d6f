/**
 * The registry of fixers, in the order their changes are shown and applied (the checks' order).
 * Adding one: a file in this folder named after the check whose codes it cures, exporting a
 * {@link Fixer}, added here; its tests in test/fix/fixers/.
 */
import type { Fixer } from '../fixer.js';
import { baseUrlFixer } from './base-url.js';

export const FIXERS: readonly Fixer[] = [baseUrlFixer];
