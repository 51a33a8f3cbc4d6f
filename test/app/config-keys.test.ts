/** The known-keys table and the near-miss finder. */
import { describe, expect, it } from 'vitest';
import { editDistance, isKnownKey, KEY_TABLE_STAMP, KNOWN_KEYS, knownKey, suggestKey } from '../../src/app/config-keys.js';

describe('KNOWN_KEYS', () => {
  it('holds the gateway keys, official non-gateway keys and the older spellings', () => {
    for (const k of [
      'inferenceProvider',
      'inferenceGatewayBaseUrl',
      'inferenceGatewayApiKey',
      'inferenceGatewayAuthScheme',
      'inferenceGatewayOidc',
      'inferenceCredentialHelper',
      'inferenceCredentialKind',
      'inferenceCustomHeaders',
      'inferenceGatewayHeaders',
      'inferenceModels',
      'modelDiscoveryEnabled',
      'deploymentOrganizationUuid',
      'disableDeploymentModeChooser',
      'coworkEgressAllowedHosts',
      'managedMcpServers',
      'otlpEndpoint',
      'egressProxyUrl',
      'inferenceBedrockRegion',
    ])
      expect(isKnownKey(k), k).toBe(true);
    expect(knownKey('inferenceGatewayHeaders')?.renamedTo).toBe('inferenceCustomHeaders');
    expect(knownKey('inferenceProvider')?.values).toContain('gateway');
    expect(knownKey('bootstrapUrl')?.availability).toBe('mdm');
    expect(KNOWN_KEYS.size).toBeGreaterThan(100);
    expect(KEY_TABLE_STAMP.referenceCoversAppUpTo).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is case-sensitive and knows no tool markers', () => {
    expect(isKnownKey('inferenceGatewayBaseURL')).toBe(false);
    expect(isKnownKey('ccds_managed')).toBe(false);
    expect(isKnownKey('keys')).toBe(false);
    expect(isKnownKey('$schemaVersion')).toBe(false);
  });
});

describe('suggestKey', () => {
  it.each([
    ['inferenceGatewayBaseURL', 'inferenceGatewayBaseUrl'],
    ['InferenceProvider', 'inferenceProvider'],
    ['inferenceGatewayApiKy', 'inferenceGatewayApiKey'],
    ['inferenceGatewayBaseUri', 'inferenceGatewayBaseUrl'],
    ['inferenceModel', 'inferenceModels'],
    ['inferenceProvidr', 'inferenceProvider'],
  ])('%s → %s', (typo, key) => {
    expect(suggestKey(typo)).toBe(key);
  });

  it('suggests nothing for a known key, a far name, empty or huge input', () => {
    expect(suggestKey('inferenceGatewayBaseUrl')).toBeUndefined();
    expect(suggestKey('ccds_managed')).toBeUndefined();
    expect(suggestKey('somethingElseEntirely')).toBeUndefined();
    expect(suggestKey('')).toBeUndefined();
    expect(suggestKey('x'.repeat(10_000))).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts inserts, deletes and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(2);
  });
});
