/**
 * The app's log as it is really written (FIELD-NOTES §8, docs/claude-desktop.md "The app's log"):
 * the pure functions of src/app/app-log.ts on lines in the app's shape — entries over several
 * indented lines, two spaces after the level, and the version the running app logged at start.
 */
import { describe, expect, it } from 'vitest';

import { hostOf, knownLines, parseLogEntries, quoteLogText, startedAppVersion } from '../../src/app/app-log.js';

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

describe('entries as the app writes them', () => {
  it('an object over indented lines until a line `}` is one entry; two spaces after the level; local time, whole seconds', () => {
    const got = entries(
      [
        '2026-12-01 09:00:01 [info]  [custom-3p] ConfigHealth recomputed {',
        "  state: 'provider_error',",
        "  provider: 'gateway'",
        '}',
        '2026-12-01 09:00:02 [error] [custom-3p] helper exited code=1 (elapsed=1008ms stdoutBytes=0)',
      ].join('\n'),
    );
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ level: 'info', timeText: '2026-12-01 09:00:01', line: 0 });
    expect(got[0]?.text).toBe("[custom-3p] ConfigHealth recomputed {\nstate: 'provider_error',\nprovider: 'gateway'\n}");
    expect(got[0]?.time).toEqual(new Date(2026, 11, 1, 9, 0, 1));
    expect(got[1]).toMatchObject({ level: 'error', line: 4 });
  });

  it('a line that is neither a header nor indented continues nothing (the tail starting mid-entry, junk)', () => {
    const got = entries(["  appVersion: '1.0.0'", '}', 'junk', '2026-12-01 09:00:01 [warn] x', 'more junk', '  not continued'].join('\n'));
    expect(got.map((e) => e.text)).toEqual(['x']);
  });
});

describe('the captured third-party lines (§8)', () => {
  const lines = (text: string) => knownLines(entries(text)).map((l) => [l.kind, l.subject]);

  it('each is known: ignored value, helper run and failure, ConfigHealth, https-only, discovery, credentials, apiHost', () => {
    expect(
      lines(
        [
          '2026-12-01 09:00:01 [warn] Ignoring local configuration value "models": not a recognized configuration key',
          "2026-12-01 09:00:01 [info] [custom-3p] Credentials loaded from managed config { provider: 'gateway' }",
          "2026-12-01 09:00:01 [info] [custom-3p] running helper { helperPath: '/usr/local/bin/portkey-key', args: [] }",
          '2026-12-01 09:00:02 [error] [custom-3p] helper exited code=1 (elapsed=1008ms stdoutBytes=0)',
          "2026-12-01 09:00:02 [info] [custom-3p] ConfigHealth recomputed { state: 'provider_error', provider: 'gateway' }",
          '2026-12-01 09:00:02 [error] Invalid custom3p enterprise config: baseUrl: must use https (or http on loopback)',
          '2026-12-01 09:00:02 [info] [custom-3p] inference apiHost=http://127.0.0.1:11436',
          '2026-12-01 09:00:02 [info] [custom-3p] Model discovery: skipped (inferenceModels obviates discovery); picker = 0 (empty)',
        ].join('\n'),
      ),
    ).toEqual([
      ['config-invalid', 'baseUrl'],
      ['helper-failed', '1'],
      ['config-health', 'provider_error'],
      ['key-ignored', 'models'],
      ['model-discovery', '0'],
      ['credentials-loaded', 'gateway'],
      ['helper-running', '/usr/local/bin/portkey-key'],
      ['api-host', 'http://127.0.0.1:11436'],
    ]);
  });

  it('a recomputed line counts at its latest: the earlier state is gone, the same state again is counted', () => {
    const got = knownLines(
      entries(
        [
          "2026-12-01 09:00:02 [info] ConfigHealth recomputed { state: 'provider_error' }",
          "2026-12-01 09:00:03 [info] ConfigHealth recomputed { state: 'ready' }",
          "2026-12-01 09:00:04 [info] ConfigHealth recomputed { state: 'ready' }",
          '2026-12-01 09:00:05 [info] Model discovery: skipped (inferenceModels obviates discovery); picker = 0 (empty)',
          '2026-12-01 09:00:06 [info] Model discovery: skipped (inferenceModels obviates discovery); picker = 3',
        ].join('\n'),
      ),
    );
    expect(got.map((l) => [l.kind, l.subject, l.count])).toEqual([
      ['config-health', 'ready', 2],
      ['model-discovery', '3', 1],
    ]);
  });

  it('a state or picker size is taken only in its shape', () => {
    expect(lines("2026-12-01 09:00:02 [info] ConfigHealth recomputed { state: '$(rm -rf ~)' }")).toEqual([['config-health', undefined]]);
  });

  it('a helper’s arguments are never quoted, only their number; option values that hold keys are removed', () => {
    const [helper] = knownLines(entries("2026-12-01 09:00:01 [info] running helper { helperPath: '/bin/k --token Abc123', args: [ '--key', 'v1', 'v2' ] }"));
    expect(helper?.quote).toContain('args: [3 hidden]');
    expect(helper?.quote).not.toContain('v1');
    expect(helper?.subject).toBe('/bin/k --token [redacted]');
    expect(quoteLogText('spawn /opt/get-key --api-key "pk-abc12345678" -p 1 ENOENT')).not.toContain('pk-abc');
    expect(quoteLogText('/opt/get-key --profile work')).toBe('/opt/get-key --profile work');
    // Found by the fuzz: a second args array in the same entry, and an option's value in an array.
    const [twice] = knownLines(
      entries("2026-12-01 09:00:01 [info] running helper { args: [ '--x' ] } running helper { args: [ '--token', 'qsecretvalue77' ] }"),
    );
    expect(twice?.quote).not.toContain('qsecretvalue77');
    expect(quoteLogText("spawn ['--token', 'qsecretvalue77']")).not.toContain('qsecretvalue77');
  });

  it('apiHost only as scheme, host and port: no user, password, path or query', () => {
    expect(hostOf('https://alex:pw@gw.example.test:8443/v1?api_key=x')).toBe('https://gw.example.test:8443');
    expect(hostOf('http://127.0.0.1:11436')).toBe('http://127.0.0.1:11436');
    expect(hostOf('file:///etc/passwd')).toBeUndefined();
    expect(hostOf('not a url')).toBeUndefined();
  });
});
