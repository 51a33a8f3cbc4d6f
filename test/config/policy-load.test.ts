import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy, policySchema, resolvePolicyPath, type PolicyError } from '../../src/config/policy-load.js';
import type { Policy } from '../../src/config/policy.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/policy/${name}`, import.meta.url));

async function error(file: string): Promise<PolicyError> {
  const r = await loadPolicy(file, { required: true });
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
}

describe('loadPolicy', () => {
  it('a valid policy: $schema dropped, source set, relative caFile resolved against the policy folder', async () => {
    const file = fixture('ok.json');
    const r = await loadPolicy(file, { required: true });
    expect(r).toEqual({
      policy: {
        source: file,
        gateway: {
          allowedBaseUrls: ['https://api.portkey.ai', 'https://portkey.internal.example.com'],
          caFile: join(dirname(file), 'certs', 'corp-root.pem'),
        },
        metadata: { requiredKeys: ['tenant', 'team', 'env'], allowedValues: { env: ['prod', 'staging'] } },
        routing: { expectedProviders: ['anthropic', 'bedrock'], expectedModels: ['claude-sonnet-4-5'] },
        latency: { warnMs: 1500, failMs: 5000, samples: 5 },
      } satisfies Policy,
    });
  });

  it('an absolute caFile is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-policy-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ gateway: { caFile: '/etc/ssl/corp.pem' } }));
    const r = await loadPolicy(file, { required: true });
    expect('policy' in r && r.policy?.gateway?.caFile).toBe('/etc/ssl/corp.pem');
  });

  it('unknown key: pointer to it, its line and column', async () => {
    const e = await error(fixture('unknown-key.json'));
    expect(e).toMatchObject({ file: fixture('unknown-key.json'), pointer: '/gateway/allowedBaseURL', line: 4, column: 5 });
    // The message names what is allowed (asserted on the key names, not the wording).
    expect(e.message).toContain('allowedBaseUrls');
    expect(e.message).toContain('caFile');
  });

  it('unknown top-level key', async () => {
    const e = await error(fixture('unknown-top.json'));
    expect(e).toMatchObject({ pointer: '/gatway', line: 3, column: 3 });
  });

  it('wrong type: pointer to the array item', async () => {
    const e = await error(fixture('wrong-type.json'));
    expect(e).toMatchObject({ pointer: '/metadata/requiredKeys/1', line: 3, column: 32 });
  });

  it('bad JSON: line and column of the brace after the trailing comma, no pointer', async () => {
    const e = await error(fixture('bad-json.json'));
    expect(e).toMatchObject({ line: 5, column: 3 });
    expect(e.pointer).toBeUndefined();
  });

  it('failMs below warnMs', async () => {
    const e = await error(fixture('latency-order.json'));
    expect(e).toMatchObject({ pointer: '/latency/failMs', line: 4, column: 15 });
  });

  it.each([
    ['{"latency": {"samples": 0}}', '/latency/samples'],
    ['{"latency": {"samples": 2.5}}', '/latency/samples'],
    ['{"latency": {"warnMs": -1}}', '/latency/warnMs'],
    ['{"gateway": {"allowedBaseUrls": []}}', '/gateway/allowedBaseUrls'],
    ['{"metadata": {"allowedValues": {"env": "prod"}}}', '/metadata/allowedValues/env'],
    ['{"routing": {"expectedModels": "claude"}}', '/routing/expectedModels'],
    ['{"source": "/x"}', '/source'],
    ['[]', ''],
  ])('%s is rejected at %j', async (text, pointer) => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-policy-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, text);
    const e = await error(file);
    expect(e.pointer).toBe(pointer);
  });

  it('a missing default policy is no policy; a missing explicit one is an error', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'pd-policy-')), 'none.json');
    expect(await loadPolicy(missing, { required: false })).toEqual({ policy: undefined });
    expect(await error(missing)).toMatchObject({ file: missing });
  });

  it('an empty policy file is an error even when not required', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-policy-'));
    writeFileSync(join(dir, 'p.json'), '');
    const r = await loadPolicy(join(dir, 'p.json'), { required: false });
    expect('error' in r).toBe(true);
  });

  it('a policy with a BOM is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-policy-'));
    writeFileSync(join(dir, 'p.json'), '\uFEFF{"latency": {"samples": 3}}');
    const r = await loadPolicy(join(dir, 'p.json'), { required: true });
    expect('policy' in r && r.policy?.latency).toEqual({ samples: 3 });
  });
});

describe('the schema', () => {
  it('forbids unknown keys in every object (except the allowedValues map)', () => {
    const walk = (node: unknown, at: string): string[] => {
      if (typeof node !== 'object' || node === null) return [];
      const n = node as Record<string, unknown>;
      const out: string[] = [];
      if (n['type'] === 'object' && n['additionalProperties'] !== false && !at.endsWith('/allowedValues')) out.push(at);
      for (const [k, v] of Object.entries((n['properties'] as Record<string, unknown>) ?? {})) out.push(...walk(v, `${at}/${k}`));
      return out;
    };
    expect(walk(policySchema(), '')).toEqual([]);
  });

  it('has a property for every Policy field', () => {
    const props = policySchema()['properties'] as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(props).sort()).toEqual(['$schema', 'daemon', 'gateway', 'latency', 'metadata', 'routing']);
    expect(Object.keys(props['gateway']?.properties ?? {})).toEqual(['allowedBaseUrls', 'caFile']);
    expect(Object.keys(props['metadata']?.properties ?? {})).toEqual(['requiredKeys', 'allowedValues']);
    expect(Object.keys(props['routing']?.properties ?? {})).toEqual(['expectedProviders', 'expectedModels']);
    expect(Object.keys(props['latency']?.properties ?? {})).toEqual(['warnMs', 'failMs', 'samples']);
  });

  it('is the file shipped in schema/', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../schema/policy.schema.json', import.meta.url), 'utf8'));
    expect(policySchema()).toEqual(shipped);
  });
});

describe('resolvePolicyPath', () => {
  it('flag > PORTKEY_DOCTOR_POLICY > default', () => {
    const env = { PORTKEY_DOCTOR_POLICY: '/from/env.json' };
    expect(resolvePolicyPath('rel/p.json', 'linux', env)).toEqual({ path: resolve('rel/p.json'), explicit: true, origin: 'flag' });
    expect(resolvePolicyPath(undefined, 'linux', env)).toEqual({ path: '/from/env.json', explicit: true, origin: 'env' });
    expect(resolvePolicyPath(undefined, 'linux', { PORTKEY_DOCTOR_POLICY: '' })).toEqual({
      path: '/etc/portkey-doctor/policy.json',
      explicit: false,
      origin: 'default',
    });
    expect(resolvePolicyPath(undefined, 'darwin', {}).path).toBe('/Library/Application Support/portkey-doctor/policy.json');
  });
});
