/** Where the settings route (src/gateway/route.ts): the provider header, an inline config, a config id — read within bounds. */
import fc from 'fast-check';
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

  it('a config value that is neither JSON nor a plain id is not echoed', () => {
    expect(settingsRoute(target({ 'x-portkey-config': 'not a config id: {oops' }))).toEqual({ providers: [], from: 'x-portkey-config' });
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

describe('settingsRoute on generated configs', () => {
  const SECRET = 'sk-ant-api03-NeverShownQwzrtyplkjhgfd';
  /** A config-like tree: providers, targets, secrets, and anything else, nested. */
  const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue(),
      fc.record(
        {
          provider: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue()),
          api_key: fc.constant(SECRET),
          targets: fc.array(tie('node'), { maxLength: 5 }),
        },
        { requiredKeys: [] },
      ),
    ),
  })).node;

  it('never throws; at most 8 names of at most 64 characters, no control characters, no secret', () => {
    fc.assert(
      fc.property(node, fc.option(fc.string()), (config, provider) => {
        const headers: Record<string, string> = { 'x-portkey-config': JSON.stringify(config) ?? '' };
        if (provider !== null) headers['x-portkey-provider'] = provider;
        const route = settingsRoute(target(headers));
        expect(route.providers.length).toBeLessThanOrEqual(8);
        for (const name of [...route.providers, route.configId ?? '']) {
          expect(name.length).toBeLessThanOrEqual(64);
          expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
        expect(JSON.stringify(route) + describeRoute(route)).not.toContain(SECRET);
      }),
      { numRuns: 300 },
    );
  });
});
