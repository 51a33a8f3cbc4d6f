/**
 * The registry of checks, in report order (root causes first). Adding a check: write one file
 * in this folder with `defineCheck`, then add it here. Prerequisites must come earlier.
 */
import type { Check } from '../check.js';
import apiKey from './api-key.js';
import authScheme from './auth-scheme.js';
import baseUrl from './base-url.js';
import claudeSettings from './claude-settings.js';
import extraHeaders from './extra-headers.js';
import inferenceMode from './inference-mode.js';
import metadataHeader from './metadata-header.js';
import models from './models.js';

export const CHECKS: readonly Check[] = [
  claudeSettings,
  inferenceMode,
  baseUrl,
  authScheme,
  apiKey,
  extraHeaders,
  metadataHeader,
  models,
];
