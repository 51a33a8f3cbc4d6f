import { describe, expect, it } from 'vitest';
import { compareVersions, highestVersion, msixAppVersion, parseVersion, requirementFor, SETTING_REQUIREMENTS, sameVersion } from '../../src/app/versions.js';
import { squirrelVersion } from '../../src/platform/app-locate.js';

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

  it('2.x and four-part versions compare as numbers everywhere (issue 16)', () => {
    expect(compareVersions('2.110.0', '1.52386.3')).toBe(1);
    expect(compareVersions('2.10.0', '2.9.0')).toBe(1);
    expect(compareVersions('2.2553.1', '2.110.0')).toBe(1);
    expect(compareVersions('1.11847.5.0', '1.11847.5')).toBe(0);
    expect(compareVersions('1.11847.5.1', '1.11847.5')).toBe(1);
    expect(parseVersion('1.30096.5 (6e1346), built 2026-08-14T21:58:49Z')).toEqual([1, 30096, 5]);
    expect(sameVersion('1.5354.0.0', '1.5354.0')).toBe(true);
    expect(sameVersion('2.110.0', '2.11.0')).toBe(false);
    expect(sameVersion('nightly', 'nightly')).toBe(false);
    expect(highestVersion(['2.9.0', '2.110.0', '1.52386.3', '2.10.0'])).toBe('2.110.0');
    expect(squirrelVersion('app-2.2553.1')).toBe('2.2553.1');
    expect(msixAppVersion('1.11847.5.0')).toBe('1.11847.5');
    expect(msixAppVersion(' 2.110.0.0 ')).toBe('2.110.0');
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
