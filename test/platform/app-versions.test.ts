import { describe, expect, it } from 'vitest';
import { compareVersions, highestVersion, parseVersion, requirementFor, SETTING_REQUIREMENTS } from '../../src/app/versions.js';

describe('app versions', () => {
  it('compares dotted versions numerically, not as text', () => {
    expect(compareVersions('1.8089.0', '1.3036.0')).toBe(1);
    expect(compareVersions('1.999.0', '1.3036.0')).toBe(-1);
    expect(compareVersions('1.8089.0.0', '1.8089.0')).toBe(0);
    expect(compareVersions('v1.8089.1', '1.8089.0')).toBe(1);
    expect(compareVersions('0.14.10', '0.9.3')).toBe(1);
  });

  it('parses versions with build suffixes and rejects non-versions', () => {
    expect(parseVersion('1.8089.0')).toEqual([1, 8089, 0]);
    expect(parseVersion('1.8089.0-beta.2')).toEqual([1, 8089, 0]);
    expect(parseVersion('1.0.0+claude0.9.3')).toEqual([1, 0, 0]);
    expect(parseVersion('unknown')).toBeUndefined();
    expect(parseVersion('')).toBeUndefined();
    expect(() => compareVersions('x', '1.0')).toThrow();
  });

  it('picks the highest version and ignores junk', () => {
    expect(highestVersion(['1.3036.0', '1.8089.0', 'nope', '1.10000.0'])).toBe('1.10000.0');
    expect(highestVersion([])).toBeUndefined();
  });

  it('holds the two known minimums, and says "unknown" for the rest', () => {
    expect(requirementFor('inferenceGatewayAuthScheme')?.minVersion).toBe('1.3036.0');
    expect(requirementFor('inferenceCustomHeaders')?.minVersion).toBe('1.8089.0');
    expect(requirementFor('inferenceProvider')?.minVersion).toBeUndefined();
    const settings = SETTING_REQUIREMENTS.map((r) => r.setting);
    expect(new Set(settings).size).toBe(settings.length);
  });
});
