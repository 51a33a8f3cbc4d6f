/**
 * The registry of checks, in report order (root causes first). Adding a check: write one file
 * in this folder with `defineCheck`, then add it here.
 */
import type { Check } from '../check.js';

export const CHECKS: readonly Check[] = [];
