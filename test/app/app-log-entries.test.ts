/**
 * The app's log as it is really written (FIELD-NOTES §8, docs/claude-desktop.md "The app's log"):
 * the pure functions of src/app/app-log.ts on lines in the app's shape — entries over several
 * indented lines, two spaces after the level, and the version the running app logged at start.
 */
import { describe, expect, it } from 'vitest';

import { parseLogEntries, startedAppVersion } from '../../src/app/app-log.js';

const entries = (text: string) => parseLogEntries(text.split('\n'));

describe('startedAppVersion: the version the running app logged at its latest start', () => {
  it('one line: the version and the start time (local)', () => {
    const got = startedAppVersion(entries("2026-12-01 09:00:00 [info] Starting app { appVersion: '0.12.16', isPackaged: true }"));
    expect(got).toEqual({ version: '0.12.16', at: new Date(2026, 11, 1, 9, 0, 0) });
  });

  it('the object over several indented lines, two spaces after the level', () => {
    const log = ['2026-12-01 09:00:00 [info]  Starting app {', '  isPackaged: true,', "  appVersion: '2.2553.1',", "  platform: 'darwin'", '}'].join('\n');
    expect(startedAppVersion(entries(log))?.version).toBe('2.2553.1');
  });

  it('the latest start wins: the app was updated and relaunched', () => {
    const log = [
      "2026-11-30 08:00:00 [info] Starting app { appVersion: '1.52386.3' }",
      "2026-11-30 08:00:01 [info] [custom-3p] 3P mode active { provider: 'gateway' }",
      "2026-12-01 09:00:00 [info] Starting app { appVersion: '2.110.0' }",
    ].join('\n');
    expect(startedAppVersion(entries(log))).toEqual({ version: '2.110.0', at: new Date(2026, 11, 1, 9, 0, 0) });
  });

  it('a second copy that quit at once (perhaps the newer binary on disk) is not the running app', () => {
    const log = [
      "2026-12-01 09:00:00 [info] Starting app { appVersion: '1.52386.6' }",
      "2026-12-01 09:30:05 [info] Starting app {\n  appVersion: '2.110.0',\n}",
      '2026-12-01 09:30:05 [info] Not main instance, returning early from app ready',
    ].join('\n');
    expect(startedAppVersion(entries(log))).toEqual({ version: '1.52386.6', at: new Date(2026, 11, 1, 9, 0, 0) });
  });

  it('four-part and unquoted versions are read', () => {
    expect(startedAppVersion(entries('2026-12-01 09:00:00 [info] Starting app { appVersion: 1.11847.5.0 }'))?.version).toBe('1.11847.5.0');
  });

  it('no start in the lines, or a latest start without a version: undefined (an older start is not the running app)', () => {
    expect(startedAppVersion(entries("2026-12-01 09:00:01 [info] [custom-3p] 3P mode active { provider: 'gateway' }"))).toBeUndefined();
    expect(startedAppVersion([])).toBeUndefined();
    const log = ["2026-11-30 08:00:00 [info] Starting app { appVersion: '1.52386.3' }", '2026-12-01 09:00:00 [info] Starting app { isPackaged: true }'].join(
      '\n',
    );
    expect(startedAppVersion(entries(log))).toBeUndefined();
  });

  it('only a version shape is taken from the untrusted line: a key or junk in appVersion is no version', () => {
    for (const v of ["'sk-ant-api03-Xq7LmN2pQ9rS4tU6'", "'1.2.3-evil'", "'1.2.3.4.5'", "'12345678.1'"]) {
      expect(startedAppVersion(entries(`2026-12-01 09:00:00 [info] Starting app { appVersion: ${v} }`)), v).toBeUndefined();
    }
    // A terminal escape is removed whole when the line is cleaned: what is left is a plain version.
    expect(startedAppVersion(entries("2026-12-01 09:00:00 [info] Starting app { appVersion: '\u001b[2J1.2.3' }"))?.version).toBe('1.2.3');
  });
});
