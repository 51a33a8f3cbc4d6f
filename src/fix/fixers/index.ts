/**
 * The registry of fixers, in the order their changes are shown and applied (the checks' order).
 * Adding one: a file in this folder named after the check whose codes it cures, exporting a
 * {@link Fixer}, added here; its tests in test/fix/fixers/.
 */
import type { Fixer } from '../fixer.js';
import { apiKeyFixer } from './api-key.js';
import { authSchemeFixer } from './auth-scheme.js';
import { baseUrlFixer } from './base-url.js';
import { claudeSettingsFixer } from './claude-settings.js';
import { developerModeFixer } from './developer-mode.js';
import { extraHeadersFixer } from './extra-headers.js';
import { inferenceModeFixer } from './inference-mode.js';
import { metadataHeaderFixer } from './metadata-header.js';
import { unknowableFixer } from './unknowable.js';
import { unknownKeysFixer } from './unknown-keys.js';

/**
 * Value repairs come before key renames: every fixer sees the document as read, and a rename
 * applied first would leave a later edit at the old path creating the old key again.
 */
export const FIXERS: readonly Fixer[] = [
  claudeSettingsFixer,
  baseUrlFixer,
  apiKeyFixer,
  authSchemeFixer,
  metadataHeaderFixer,
  extraHeadersFixer,
  unknownKeysFixer,
  inferenceModeFixer,
  developerModeFixer,
  unknowableFixer,
];
