/** The app's proxy keys as discovery reads them: picked from any source, passwords registered as Secrets at once. */
import { describe, expect, it } from 'vitest';

import { appBypasses, appEgress } from '../../src/app/egress-proxy.js';
import { pickEgressValues } from '../../src/config/discover.js';
import type { SettingsSource } from '../../src/config/settings.js';
import { OUTPUT_SCRUB } from '../../src/core/output-scrub.js';

describe('pickEgressValues', () => {
  it('picks egressProxyUrl and egressProxyPacUrl, nothing else', () => {
    expect(pickEgressValues({ egressProxyUrl: 'http://p:3128', egressProxyPacUrl: 'http://pac/p.pac', inferenceProvider: 'gateway' })).toMatchObject({
      egressProxyUrl: 'http://p:3128',
      egressProxyPacUrl: 'http://pac/p.pac',
    });
    expect(pickEgressValues({ inferenceProvider: 'gateway' })).toBeUndefined();
  });

  it('registry value names are case-insensitive', () => {
    expect(pickEgressValues({ EGRESSPROXYURL: 'http://p:3128' }, true)).toMatchObject({ egressProxyUrl: 'http://p:3128' });
  });

  it('a URL password is a Secret from the moment it is read: every output scrubs it', () => {
    const picked = pickEgressValues({ egressProxyUrl: 'http://corp-user:Egr%65ss-Pw-Zq7Xk3Vm@p:3128' });
    expect(picked?.secrets?.length).toBe(2); // as written and decoded
    expect(OUTPUT_SCRUB.text('proxy said Egress-Pw-Zq7Xk3Vm')).not.toContain('Egress-Pw-Zq7Xk3Vm');
  });
});

describe('appEgress', () => {
  const source = (over: Partial<SettingsSource>): SettingsSource => ({ kind: 'profile', location: '/p.json', managed: false, bom: false, files: [], ...over });

  it('a managed source’s keys win over the local profile in force', () => {
    const local = source({ egress: { egressProxyUrl: 'http://local:1' } });
    const managed = source({ kind: 'managed-file', location: '/etc/m.json', managed: true, egress: { egressProxyUrl: 'http://managed:1' } });
    expect(appEgress({ sources: [managed, local], inForce: local }).proxyUrl).toMatchObject({ value: 'http://managed:1', from: 'managed-file: /etc/m.json' });
  });

  it('an ignored or broken managed source does not count; empty strings are unset', () => {
    const local = source({ egress: { egressProxyUrl: 'http://local:1', egressProxyPacUrl: '  ' } });
    const ignored = source({ kind: 'managed-registry', location: 'HKCU', managed: true, ignoredBy: 'HKLM', egress: { egressProxyUrl: 'http://hkcu:1' } });
    const egress = appEgress({ sources: [ignored, local], inForce: local });
    expect(egress.proxyUrl?.value).toBe('http://local:1');
    expect(egress.pacUrl).toBeUndefined();
  });
});

describe('appBypasses', () => {
  it.each([
    ['localhost', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['[::1]', 'loopback'],
    ['gw.localhost', 'loopback'],
    ['gateway.local', '*.local'],
    ['api.portkey.ai', undefined],
    ['localhost.example.com', undefined],
  ])('%s → %s', (host, expected) => {
    expect(appBypasses(host)).toBe(expected);
  });
});
