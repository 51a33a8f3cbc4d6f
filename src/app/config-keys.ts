/**
 * Every key Claude Desktop (third-party mode) reads from its configuration, with its type, in ONE
 * table (docs/claude-desktop.md, "Keys and their shapes"). The unknown-keys check and the type
 * findings rely on it: a new app release is one data update here.
 *
 * Derived from Anthropic's configuration reference for Claude Desktop on third-party platforms
 * ("Configuration reference", generated from the app's configuration schema). The stored page
 * carries no date of its own: it lists the keys added up to 1.32885.1 (`bootstrapHeaders`,
 * 2026-08-18) and none of those added in 1.37937.0 (2026-08-25), so it covers the app up to
 * 1.34493.1 (2026-08-21). Keys the app's release notes add after that, up to 1.46388.4
 * (2026-09-05), are listed too with `source: 'release-notes'`; older spellings the app still
 * accepts until 2026-10-07 are listed with `renamedTo`.
 */

/** The documented type of a key (the reference's "Type" column). */
export type KeyType = 'string' | 'boolean' | 'integer' | 'number' | 'enum' | 'string[]' | 'enum[]' | 'object' | 'object[]';

export interface KnownKey {
  name: string;
  type: KeyType;
  /** Allowed values of an `enum` / `enum[]` key. */
  values?: readonly string[];
  /** Where the key may be set: `mdm` (device management, local library), `bootstrap` (served). */
  availability: 'mdm+bootstrap' | 'mdm';
  /** The reference's grouping (for messages: "a Bedrock key", "a telemetry key"). */
  group: KeyGroup;
  /** `reference`: the configuration reference; `release-notes`: added by a later release. */
  source: 'reference' | 'release-notes';
  /** First app version with the key, when known. */
  since?: string;
  /** An older spelling: the key it was renamed to (accepted until the cut-off, then ignored). */
  renamedTo?: string;
  /** The reference marks the key deprecated. */
  deprecated?: boolean;
}

export type KeyGroup =
  | 'connection'
  | 'anthropic'
  | 'bedrock'
  | 'foundry'
  | 'gateway'
  | 'models'
  | 'vertex'
  | 'workspace'
  | 'connectors'
  | 'extensions'
  | 'mcp'
  | 'telemetry'
  | 'updates'
  | 'otlp'
  | 'limits'
  | 'appearance'
  | 'plugins'
  | 'bootstrap'
  | 'network';

/** The reference's stamp: which document and which app versions this table covers. */
export const KEY_TABLE_STAMP = {
  reference: 'Claude Desktop on third-party platforms: Configuration reference (undated page)',
  referenceCoversAppUpTo: '1.34493.1',
  referenceCoversDate: '2026-08-21',
  releaseNotesUpTo: '1.46388.4',
  releaseNotesDate: '2026-09-05',
} as const;

/** Until this date the renamed spellings still work; after it they fall back to their default. */
export const RENAMED_KEYS_CUTOFF = '2026-10-07';

type Row = [name: string, type: KeyType, group: KeyGroup, extra?: Partial<Omit<KnownKey, 'name' | 'type' | 'group'>>];

const ROWS: readonly Row[] = [
  // Connection
  ['inferenceProvider', 'enum', 'connection', { values: ['gateway', 'anthropic', 'bedrock', 'mantle', 'vertex', 'foundry'] }],
  [
    'inferenceCredentialKind',
    'enum',
    'connection',
    { values: ['static', 'helper-script', 'interactive', 'vendor-profile', 'oauth', 'workforce'], since: '1.8555.0' },
  ],
  ['inferenceCustomHeaders', 'object', 'connection', { since: '1.8089.0' }],
  ['inferenceSessionLifetimeSec', 'integer', 'connection'],
  ['inferenceCredentialHelper', 'string', 'connection'],
  ['inferenceCredentialHelperTtlSec', 'integer', 'connection'],
  ['inferenceCredentialHelperTimeoutSec', 'integer', 'connection'],
  ['inferenceCredentialHelperSilentRefreshEnabled', 'boolean', 'connection'],
  ['userContentRendererUrl', 'string', 'connection'],
  // Anthropic
  ['inferenceAnthropicApiKey', 'string', 'anthropic'],
  // Bedrock
  ['inferenceBedrockRegion', 'string', 'bedrock'],
  ['inferenceBedrockBaseUrl', 'string', 'bedrock'],
  ['inferenceBedrockServiceTier', 'enum', 'bedrock', { values: ['flex', 'priority'] }],
  ['inferenceBedrockBearerToken', 'string', 'bedrock'],
  ['inferenceBedrockSsoStartUrl', 'string', 'bedrock'],
  ['inferenceBedrockSsoRegion', 'string', 'bedrock'],
  ['inferenceBedrockSsoAccountId', 'string', 'bedrock'],
  ['inferenceBedrockSsoRoleName', 'string', 'bedrock'],
  ['inferenceBedrockProfile', 'string', 'bedrock'],
  ['inferenceBedrockAwsDir', 'string', 'bedrock'],
  ['inferenceBedrockAwsCliPath', 'string', 'bedrock'],
  // Foundry
  ['inferenceFoundryResource', 'string', 'foundry'],
  ['inferenceFoundryApiKey', 'string', 'foundry'],
  ['inferenceFoundryTenantId', 'string', 'foundry'],
  ['inferenceFoundryClientId', 'string', 'foundry'],
  ['inferenceFoundryAuthFlow', 'enum', 'foundry', { values: ['device-code', 'browser', 'broker'] }],
  // Gateway
  ['inferenceGatewayBaseUrl', 'string', 'gateway'],
  ['inferenceGatewayApiKey', 'string', 'gateway'],
  ['inferenceGatewayAuthScheme', 'enum', 'gateway', { values: ['bearer', 'x-api-key'], since: '1.3036.0' }],
  ['inferenceGatewayOidcAuthFlow', 'enum', 'gateway', { values: ['browser', 'broker'] }],
  ['inferenceGatewayOidc', 'object', 'gateway'],
  // Models
  ['modelDiscoveryEnabled', 'boolean', 'models', { since: '1.8089.0' }],
  ['modelPrefer1mContext', 'boolean', 'models', { since: '1.28929.0' }],
  ['inferenceModels', 'object[]', 'models'],
  // Vertex
  ['inferenceVertexProjectId', 'string', 'vertex'],
  ['inferenceVertexRegion', 'string', 'vertex'],
  ['inferenceVertexBaseUrl', 'string', 'vertex'],
  ['inferenceVertexOAuthClientId', 'string', 'vertex'],
  ['inferenceVertexOAuthClientSecret', 'string', 'vertex'],
  ['inferenceVertexOAuthScopes', 'string', 'vertex'],
  ['inferenceVertexOAuthLoginHint', 'string', 'vertex'],
  ['inferenceVertexWorkforceAudience', 'string', 'vertex'],
  ['inferenceVertexWorkforceUserProject', 'string', 'vertex'],
  ['inferenceVertexWorkforceAuthFlow', 'enum', 'vertex', { values: ['browser', 'broker'] }],
  ['inferenceVertexWorkforceOidc', 'object', 'vertex'],
  ['inferenceVertexCredentialsFile', 'string', 'vertex'],
  // Workspace
  ['disableDeploymentModeChooser', 'boolean', 'workspace', { since: '1.3834.0' }],
  ['disableDeepLinkRegistration', 'boolean', 'workspace'],
  ['chatTabEnabled', 'boolean', 'workspace'],
  ['chatAdvancedFileAnalysisEnabled', 'boolean', 'workspace'],
  ['isClaudeCodeForDesktopEnabled', 'boolean', 'workspace'],
  ['coworkTabEnabled', 'boolean', 'workspace'],
  ['disabledBuiltinTools', 'string[]', 'workspace'],
  ['disableBundledSkills', 'boolean', 'workspace'],
  ['skillCreationEnabled', 'boolean', 'workspace'],
  ['builtinToolPolicy', 'object', 'workspace'],
  ['autoModeEnabled', 'boolean', 'workspace'],
  ['toolSearchEnabled', 'boolean', 'workspace'],
  ['allowedWorkspaceFolders', 'object[]', 'workspace'],
  ['coworkEgressAllowedHosts', 'string[]', 'workspace'],
  ['requireCoworkFullVmSandbox', 'boolean', 'workspace', { deprecated: true }],
  // Connectors
  ['claudeAiImport', 'object', 'connectors'],
  ['microsoftAuthBroker', 'enum', 'connectors', { values: ['auto', 'disabled'] }],
  // Extensions
  ['isDesktopExtensionEnabled', 'boolean', 'extensions'],
  ['isDesktopExtensionSignatureRequired', 'boolean', 'extensions'],
  // MCP
  ['managedMcpServers', 'object[]', 'mcp'],
  ['mcpPersistentAlwaysAllowEnabled', 'boolean', 'mcp'],
  ['isLocalDevMcpEnabled', 'boolean', 'mcp'],
  // Telemetry
  ['deploymentOrganizationUuid', 'string', 'telemetry'],
  ['disableEssentialTelemetry', 'boolean', 'telemetry'],
  ['disableNonessentialTelemetry', 'boolean', 'telemetry'],
  ['disableNonessentialServices', 'boolean', 'telemetry'],
  // Auto update
  ['disableAutoUpdates', 'boolean', 'updates'],
  ['autoUpdaterEnforcementHours', 'integer', 'updates'],
  ['updateViaUpdatesHost', 'boolean', 'updates', { since: '1.26832.0' }],
  // OTLP
  ['otlpEndpoint', 'string', 'otlp'],
  ['otlpProtocol', 'enum', 'otlp', { values: ['http/protobuf', 'http/json', 'grpc'] }],
  ['otlpHeaders', 'object', 'otlp'],
  ['otlpAuthMode', 'enum', 'otlp', { values: ['none', 'inference-credential'], since: '1.30096.1' }],
  ['otlpHeadersHelper', 'string', 'otlp', { since: '1.30096.1' }],
  ['otlpResourceAttributes', 'object', 'otlp'],
  ['otlpDesktopLogLevel', 'enum', 'otlp', { values: ['off', 'error', 'warn', 'info', 'debug'] }],
  ['otlpContentCapture', 'enum[]', 'otlp', { values: ['userPrompts', 'assistantResponses', 'toolDetails', 'toolContent', 'rawApiBodies'] }],
  ['otlpTracesEnabled', 'boolean', 'otlp'],
  // Limits
  ['inferenceMaxTokensPerWindow', 'integer', 'limits'],
  ['inferenceTokenWindowHours', 'integer', 'limits'],
  // Appearance
  ['endUserAttribution', 'boolean', 'appearance'],
  ['deploymentDisplayName', 'string', 'appearance'],
  ['deploymentDisplaySubtitle', 'string', 'appearance'],
  ['banner', 'object', 'appearance'],
  ['disableFeatureDiscovery', 'boolean', 'appearance'],
  // Plugins
  ['orgPluginSettings', 'object[]', 'plugins'],
  ['allowedPluginMarketplaces', 'object[]', 'plugins'],
  // Bootstrap (device management only)
  ['bootstrapEnabled', 'boolean', 'bootstrap', { availability: 'mdm' }],
  ['bootstrapUrl', 'string', 'bootstrap', { availability: 'mdm' }],
  ['bootstrapOidc', 'object', 'bootstrap', { availability: 'mdm' }],
  ['bootstrapHeaders', 'object', 'bootstrap', { availability: 'mdm', since: '1.32885.1' }],
  ['bootstrapHeadersHelper', 'string', 'bootstrap', { availability: 'mdm', since: '1.32885.1' }],
  ['trustBootstrapDelivery', 'boolean', 'bootstrap', { availability: 'mdm' }],

  // Older spellings, still accepted until RENAMED_KEYS_CUTOFF (release notes 1.40609.0).
  ['inferenceGatewayHeaders', 'object', 'connection', { renamedTo: 'inferenceCustomHeaders' }],
  ['isDxtEnabled', 'boolean', 'extensions', { renamedTo: 'isDesktopExtensionEnabled' }],
  ['isDxtSignatureRequired', 'boolean', 'extensions', { renamedTo: 'isDesktopExtensionSignatureRequired' }],
  ['trustBootstrapLocalExec', 'boolean', 'bootstrap', { availability: 'mdm', renamedTo: 'trustBootstrapDelivery' }],
  ['enduserAttribution', 'boolean', 'appearance', { renamedTo: 'endUserAttribution' }],

  // Added by releases after the reference (release notes).
  ['mcpToolTimeoutSec', 'integer', 'mcp', { source: 'release-notes', since: '1.37937.0' }],
  ['organizationInstructions', 'string', 'workspace', { source: 'release-notes', since: '1.37937.0' }],
  ['skipWebFetchPreflight', 'boolean', 'workspace', { source: 'release-notes', since: '1.37937.0' }],
  ['userPluginMarketplacesEnabled', 'boolean', 'plugins', { source: 'release-notes', since: '1.37937.0' }],
  ['userPluginUploadsEnabled', 'boolean', 'plugins', { source: 'release-notes', since: '1.37937.0' }],
  ['inferenceModelPricingEnabled', 'boolean', 'limits', { source: 'release-notes', since: '1.37937.0' }],
  ['inferenceModelPricing', 'object', 'limits', { source: 'release-notes', since: '1.37937.0' }],
  ['inferenceModelPricingMultiplier', 'number', 'limits', { source: 'release-notes', since: '1.37937.0' }],
  ['relaunchEnforcementHours', 'integer', 'updates', { source: 'release-notes', since: '1.40609.0' }],
  ['sshHostAllowlist', 'string[]', 'workspace', { source: 'release-notes', since: '1.40609.0' }],
  ['disableConfigDeprecationWarnings', 'boolean', 'appearance', { source: 'release-notes', since: '1.40609.0' }],
  ['egressProxyUrl', 'string', 'network', { source: 'release-notes', since: '1.44121.1' }],
  ['egressProxyPacUrl', 'string', 'network', { source: 'release-notes', since: '1.44121.1' }],
  ['inferenceStreamIdleTimeoutSec', 'integer', 'connection', { source: 'release-notes', since: '1.44121.1' }],
  ['blockReadsOutsideWorkingDirectories', 'boolean', 'workspace', { source: 'release-notes', since: '1.46388.1' }],
  ['configRecheckIntervalMinutes', 'integer', 'updates', { source: 'release-notes', since: '1.46388.1' }],
  ['disableBypassPermissionsMode', 'boolean', 'workspace', { source: 'release-notes', since: '1.46388.1' }],
  ['sshClientPath', 'string', 'workspace', { source: 'release-notes', since: '1.46388.1' }],
];

/** The table, by key name. */
export const KNOWN_KEYS: ReadonlyMap<string, KnownKey> = new Map(
  ROWS.map(([name, type, group, extra]): [string, KnownKey] => [name, { name, type, group, availability: 'mdm+bootstrap', source: 'reference', ...extra }]),
);

/** True when `name` is a key the app reads (exact spelling; keys are case-sensitive). */
export function isKnownKey(name: string): boolean {
  return KNOWN_KEYS.has(name);
}

/** The table row for `name`, if it is a known key. */
export function knownKey(name: string): KnownKey | undefined {
  return KNOWN_KEYS.get(name);
}

/** Longest name worth comparing: real keys are under 50 characters; longer input is not a near miss. */
const MAX_SUGGEST_LENGTH = 80;
/** A near miss is at most this many single-character edits away. */
const MAX_EDITS = 2;

/**
 * The known key `name` was probably meant to be, or undefined. A near miss is the same name in
 * another case (`inferenceGatewayBaseURL`), else a key one or two edits away (insert, delete,
 * substitute: `inferenceGatewayApiKy`). The closest wins; among equals the first in table order.
 * A known key suggests nothing.
 */
export function suggestKey(name: string): string | undefined {
  if (KNOWN_KEYS.has(name) || name.length === 0 || name.length > MAX_SUGGEST_LENGTH) return undefined;
  const lower = name.toLowerCase();
  for (const key of KNOWN_KEYS.keys()) if (key.toLowerCase() === lower) return key;
  let best: string | undefined;
  let bestDistance = MAX_EDITS + 1;
  for (const key of KNOWN_KEYS.keys()) {
    if (Math.abs(key.length - name.length) > MAX_EDITS) continue;
    const d = editDistance(lower, key.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Levenshtein distance between `a` and `b`, stopping early once it is certain to reach `limit`
 * (then returns `limit`). Two rows of integers; the strings are short (bounded by the caller).
 * Written here rather than taken from a package: fifteen lines, no dependency to keep.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length] ?? 0, limit);
}
