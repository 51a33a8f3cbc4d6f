/**
 * The models check alone: ids or objects with the documented fields, JSON-encoded or native when
 * managed; Anthropic models only; every problem of a list at once; the first entry the default.
 */
import models from '../../src/checks/models.js';
import { testCheck } from './check-tester.js';

const list = (value: unknown) => ({ inferenceModels: value });
const MANAGED = { kind: 'managed-plist', managed: true } as const;

testCheck(models, [
  { name: 'unset: the app asks the gateway', settings: {}, expect: { status: 'ok', data: { models: [], configured: false } } },
  {
    name: 'names and objects: the names handed on, the first the default',
    settings: list(['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }]),
    expect: {
      status: 'ok',
      details: { models: ['claude-sonnet-4-5', 'claude-opus-4-1'], default: 'claude-sonnet-4-5' },
      data: { models: ['claude-sonnet-4-5', 'claude-opus-4-1'], configured: true, default: 'claude-sonnet-4-5' },
    },
  },
  {
    name: 'every documented object field is accepted',
    settings: list([
      { name: 'claude-opus-4-8', supports1m: true, prefer1m: true, labelOverride: 'Opus (prod)', anthropicFamilyTier: 'opus', isFamilyDefault: true },
      { name: 'claude-sonnet-5', anthropicFamilyTier: 'sonnet' },
      'claude-haiku-4-5',
    ]),
    expect: { status: 'ok', details: { default: 'claude-opus-4-8' } },
  },
  {
    name: 'route prefixes around Claude ids pass, and tier aliases',
    settings: list(['anthropic/claude-sonnet-4-5', '@team/claude-opus-4-1', '@bedrock-eu/us.anthropic.claude-haiku-4-5', 'sonnet']),
    expect: { status: 'ok', details: { default: 'anthropic/claude-sonnet-4-5' } },
  },
  {
    name: 'managed: a JSON-encoded array',
    settings: list('["claude-sonnet-4-5"]'),
    source: MANAGED,
    expect: { status: 'ok', details: { models: ['claude-sonnet-4-5'] } },
  },
  {
    name: 'managed: a JSON string of objects with every field',
    settings: list('[{"name":"claude-sonnet-5","supports1m":true,"prefer1m":true},"claude-opus-4-8"]'),
    source: MANAGED,
    expect: { status: 'ok', details: { default: 'claude-sonnet-5' } },
  },
  { name: 'given by a flag', settings: {}, overrides: { models: ['claude-haiku-4-5'] }, expect: { status: 'ok', details: { models: ['claude-haiku-4-5'] } } },

  // --- The app rejects the whole list
  {
    name: 'one non-Anthropic id: MODELS_NOT_ANTHROPIC names it',
    settings: list(['claude-sonnet-4-5', 'openai/gpt-5.5']),
    expect: { status: 'fail', code: 'MODELS_NOT_ANTHROPIC', more: [], details: { notAnthropic: ['openai/gpt-5.5'] }, data: null },
  },
  {
    name: 'non-Anthropic ids in objects too',
    settings: list([{ name: 'gpt-4o', labelOverride: 'GPT' }, '@openai-prod/gpt-5.5']),
    expect: { status: 'fail', code: 'MODELS_NOT_ANTHROPIC', details: { notAnthropic: ['gpt-4o', '@openai-prod/gpt-5.5'] } },
  },
  {
    name: 'a [1m] suffix: MODELS_1M_SUFFIX with the supports1m fix',
    settings: list(['claude-sonnet-4-5[1m]']),
    expect: { status: 'fail', code: 'MODELS_1M_SUFFIX', more: [], details: { suffixed: ['claude-sonnet-4-5[1m]'] } },
  },

  {
    name: 'a string that is not JSON: MODELS_INVALID_JSON at its position',
    settings: list('[claude'),
    expect: { status: 'fail', code: 'MODELS_INVALID_JSON', details: { line: 1, column: 2 }, data: null },
  },
  { name: 'an object: MODELS_WRONG_TYPE', settings: list({ name: 'x' }), expect: { status: 'fail', code: 'MODELS_WRONG_TYPE' } },
  { name: 'a JSON-encoded object: MODELS_WRONG_TYPE', settings: list('{"name":"x"}'), source: MANAGED, expect: { status: 'fail', code: 'MODELS_WRONG_TYPE' } },
  {
    name: 'an empty list: MODELS_EMPTY warns',
    settings: list([]),
    expect: { status: 'warn', code: 'MODELS_EMPTY', more: [], data: { models: [], configured: true } },
  },
  {
    name: 'an object without a name: MODELS_ENTRY_INVALID',
    settings: list(['claude-sonnet-4-5', { supports1m: true }]),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', more: [], details: { invalidIndexes: [1] } },
  },
  {
    name: 'padded, empty and wrongly typed entries and fields: MODELS_ENTRY_INVALID',
    settings: list([
      ' claude-sonnet-4-5',
      '',
      { name: 'claude-x', supports1m: 'yes' },
      3,
      { name: 'claude-y', anthropicFamilyTier: 'giant' },
      { name: 'claude-z', labelOverride: 4 },
      'claude-ok',
    ]),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', details: { invalidIndexes: [0, 1, 2, 3, 4, 5] } },
  },
  {
    name: 'an undocumented field: MODELS_FIELD_UNKNOWN warns',
    settings: list([{ name: 'claude-sonnet-4-5', displayName: 'Sonnet' }]),
    expect: { status: 'warn', code: 'MODELS_FIELD_UNKNOWN', more: [], details: { fields: ['displayName'] }, data: { default: 'claude-sonnet-4-5' } },
  },
  {
    name: 'a model twice: MODELS_DUPLICATE warns, the list handed on',
    settings: list(['claude-a', { name: 'claude-a' }, 'claude-b']),
    expect: {
      status: 'warn',
      code: 'MODELS_DUPLICATE',
      more: [],
      details: { models: ['claude-a', 'claude-a', 'claude-b'] },
      data: { models: ['claude-a', 'claude-a', 'claude-b'] },
    },
  },
  {
    name: 'managed, a native array: MODELS_NATIVE_IN_MANAGED is a warning naming the version',
    settings: list(['claude-sonnet-4-5']),
    source: MANAGED,
    expect: {
      status: 'warn',
      code: 'MODELS_NATIVE_IN_MANAGED',
      more: [],
      details: { models: ['claude-sonnet-4-5'], documentedAsOf: '1.34493.1' },
      data: { models: ['claude-sonnet-4-5'] },
    },
  },

  // Several problems at once: the failures first.
  {
    name: 'an invalid entry and a duplicate',
    settings: list(['claude-a', 'claude-a', { supports1m: true }]),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', more: ['MODELS_DUPLICATE'], details: { invalidIndexes: [2] } },
  },
  {
    name: 'a duplicate only among invalid entries is not one',
    settings: list(['claude-a', ' claude-b', ' claude-b']),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', more: [] },
  },
  {
    name: 'a foreign id, a [1m] suffix and an invalid entry: all at once, the foreign id first',
    settings: list(['claude-a[1m]', 'gpt-4o', { name: 'claude-b', prefer1m: 'yes' }]),
    expect: { status: 'fail', code: 'MODELS_NOT_ANTHROPIC', more: ['MODELS_1M_SUFFIX', 'MODELS_ENTRY_INVALID'] },
  },
  {
    name: 'managed, native, with an invalid entry and a duplicate',
    settings: list(['claude-a', 'claude-a', '']),
    source: MANAGED,
    expect: {
      status: 'fail',
      code: 'MODELS_ENTRY_INVALID',
      more: ['MODELS_NATIVE_IN_MANAGED', 'MODELS_DUPLICATE'],
    },
  },
  {
    name: 'managed, native and empty',
    settings: list([]),
    source: MANAGED,
    expect: { status: 'warn', code: 'MODELS_NATIVE_IN_MANAGED', more: ['MODELS_EMPTY'] },
  },
]);
