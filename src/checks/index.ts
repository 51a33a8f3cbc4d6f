/**
 * The registry of checks, in report order (root causes first). Adding a check: write one file
 * in this folder with `defineCheck`, then add it here. Prerequisites must come earlier.
 */
import type { AnyCheck } from '../contract/check.js';
import apiKey from './api-key.js';
import authScheme from './auth-scheme.js';
import baseUrl from './base-url.js';
import claudeSettings from './claude-settings.js';
import credentials from './credentials.js';
import extraHeaders from './extra-headers.js';
import inferenceMode from './inference-mode.js';
import metadataHeader from './metadata-header.js';
import models from './models.js';
import unknownKeys from './unknown-keys.js';
import appInstalled from './app-installed.js';
import appVersion from './app-version.js';
import developerMode from './developer-mode.js';
import appRunning from './app-running.js';
import relaunchNeeded from './relaunch-needed.js';
import keychain from './keychain.js';
import appLog from './app-log.js';
import networkPath from './network-path.js';
import dns from './dns.js';
import tcp from './tcp.js';
import proxy from './proxy.js';
import tls from './tls.js';
import gatewayHttp from './gateway-http.js';
import keyValidity from './key-validity.js';
import workspaceScope from './workspace-scope.js';
import routing from './routing.js';
import liveMessage from './live-message.js';
import latency from './latency.js';

export const CHECKS: readonly AnyCheck[] = [
  claudeSettings,
  unknownKeys,
  inferenceMode,
  baseUrl,
  authScheme,
  credentials,
  apiKey,
  extraHeaders,
  metadataHeader,
  models,
  // Claude Desktop itself on this machine.
  appInstalled,
  appRunning,
  // After app-running: the running app's version (from its log) is preferred over the one on disk.
  appVersion,
  developerMode,
  relaunchNeeded,
  keychain,
  appLog,
  // Network path, first failing layer wins: the app's road (decided once) → DNS → TCP → proxy → TLS → HTTP.
  networkPath,
  dns,
  tcp,
  proxy,
  tls,
  gatewayHttp,
  // The gateway itself, with the key.
  keyValidity,
  workspaceScope,
  routing,
  liveMessage,
  latency,
];
