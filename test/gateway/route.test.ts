/** Where the settings route (src/gateway/route.ts): the provider header, an inline config, a config id — read within bounds. */
import { describe, expect, it } from 'vitest';

import type { ExtraHeader, Target } from '../../src/config/target.js';
import { describeRoute, settingsRoute } from '../../src/gateway/route.js';

/** A target whose extra headers are these (as settings), and these `--header` flags. */
function target(headers: Record<string, string>, flags: ExtraHeader[] = []): Target {
  return { customHeaders: { value: headers, origin: 'profile' }, flagHeaders: flags, managed: false };
}

describe('settingsRoute', () => {
  it('names the provider header, whatever its case', () => {
    expect(settingsRoute(target({ 'X-Portkey-Provider': 'anthropic' }))).toEqual({ providers: ['anthropic'], from: 'x-portkey-provider' });
  });

  it('a --header flag overrides the settings’ header', () => {
    expect(settingsRoute(target({ 'x-portkey-provider': 'openai' }, [{ name: 'x-portkey-provider', value: 'anthropic' }])).providers).toEqual(['anthropic']);
  });

  it('an inline config routes before the provider header: its providers and its nested targets’, once each, in order', () => {
    const config = {
      strategy: { mode: 'fallback' },
      targets: [
        { provider: 'anthropic', api_key: 'sk-ant-secret' },
        { strategy: { mode: 'loadbalance' }, targets: [{ provider: 'bedrock' }, { provider: 'anthropic' }, { virtual_key: 'vk-1' }] },
      ],
    };
    expect(settingsRoute(target({ 'x-portkey-provider': 'openai', 'x-portkey-config': JSON.stringify(config) }))).toEqual({
      providers: ['anthropic', 'bedrock'],
      from: 'x-portkey-config',
    });
  });

  it('a config with neither provider nor targets leaves the routing to the provider header (as the gateway does)', () => {
    expect(settingsRoute(target({ 'x-portkey-provider': 'anthropic', 'x-portkey-config': '{"cache":{"mode":"simple"}}' }))).toEqual({
      providers: ['anthropic'],
      from: 'x-portkey-provider',
    });
  });

  it('a config with targets that name no provider (virtual keys) is the route, its providers unread', () => {
    const route = settingsRoute(target({ 'x-portkey-provider': 'anthropic', 'x-portkey-config': '{"targets":[{"virtual_key":"vk-1"}]}' }));
    expect(route).toEqual({ providers: [], from: 'x-portkey-config' });
    expect(describeRoute(route)).toContain('x-portkey-config');
  });

  it('a config id names the saved config', () => {
    expect(settingsRoute(target({ 'x-portkey-config': 'pc-claude-desktop' }))).toEqual({
      providers: [],
      from: 'x-portkey-config',
      configId: 'pc-claude-desktop',
    });
  });

  it('nothing named: no route', () => {
    expect(settingsRoute(target({ 'x-portkey-custom-host': 'http://127.0.0.1:9100/v1' }))).toEqual({ providers: [] });
    expect(settingsRoute({ flagHeaders: [], managed: false })).toEqual({ providers: [] });
  });

  it('untrusted values: broken JSON, a non-object, a huge config, deep nesting, control characters — bounded, never thrown', () => {
    expect(settingsRoute(target({ 'x-portkey-config': '{"provider": ' })).providers).toEqual([]);
    expect(settingsRoute(target({ 'x-portkey-config': '{}', 'x-portkey-provider': 'anthropic' })).providers).toEqual(['anthropic']);
    expect(settingsRoute(target({ 'x-portkey-config': `{"provider":"anthropic","pad":"${'x'.repeat(20_000)}"}` })).providers).toEqual([]);
    let deep: unknown = { provider: 'too-deep' };
    for (let i = 0; i < 50; i++) deep = { targets: [deep] };
    expect(settingsRoute(target({ 'x-portkey-config': JSON.stringify(deep) })).providers).toEqual([]);
    const many = { targets: Array.from({ length: 40 }, (_, i) => ({ provider: `p${i}` })) };
    expect(settingsRoute(target({ 'x-portkey-config': JSON.stringify(many) })).providers).toHaveLength(8);
    const sneaky = settingsRoute(target({ 'x-portkey-config': JSON.stringify({ provider: `\u202eanthropic\u0007${'z'.repeat(200)}` }) }));
    expect(sneaky.providers[0]).toMatch(/^anthropicz+$/);
    expect(sneaky.providers[0]!.length).toBeLessThanOrEqual(64);
  });

  it('a header value the app cannot send (a line break) is not read', () => {
    expect(settingsRoute(target({ 'x-portkey-provider': 'anthropic\nx-evil: 1' }))).toEqual({ providers: [] });
  });
});
