/** The models check alone: names or {name, supports1m}, JSON-encoded when managed; every problem of a list at once. */
import models from '../../src/checks/models.js';
import { testCheck } from './check-tester.js';

const list = (value: unknown) => ({ inferenceModels: value });
const MANAGED = { kind: 'managed-plist', managed: true } as const;

testCheck(models, [
  { name: 'unset: the app asks the gateway', settings: {}, expect: { status: 'ok', data: { models: [], configured: false } } },
  {
    name: 'names and objects: the names handed on',
    settings: list(['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }]),
    expect: {
      status: 'ok',
      details: { models: ['claude-sonnet-4-5', 'claude-opus-4-1'] },
      data: { models: ['claude-sonnet-4-5', 'claude-opus-4-1'], configured: true },
    },
  },
  {
    name: 'managed: a JSON-encoded array',
    settings: list('["claude-sonnet-4-5"]'),
    source: MANAGED,
    expect: { status: 'ok', details: { models: ['claude-sonnet-4-5'] } },
  },
  { name: 'given by a flag', settings: {}, overrides: { models: ['claude-haiku-4-5'] }, expect: { status: 'ok', details: { models: ['claude-haiku-4-5'] } } },
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
    name: 'padded, empty and wrongly typed entries: MODELS_ENTRY_INVALID',
    settings: list([' claude-sonnet-4-5', '', { name: 'x', supports1m: 'yes' }, 3, 'ok']),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', details: { invalidIndexes: [0, 1, 2, 3] } },
  },
  {
    name: 'a model twice: MODELS_DUPLICATE warns, the list handed on',
    settings: list(['a', { name: 'a' }, 'b']),
    expect: { status: 'warn', code: 'MODELS_DUPLICATE', more: [], details: { models: ['a', 'a', 'b'] }, data: { models: ['a', 'a', 'b'] } },
  },
  {
    name: 'managed, a native array: MODELS_NATIVE_IN_MANAGED',
    settings: list(['claude-sonnet-4-5']),
    source: MANAGED,
    expect: { status: 'fail', code: 'MODELS_NATIVE_IN_MANAGED', more: [], details: { models: ['claude-sonnet-4-5'] } },
  },

  // Several problems at once: the failure first.
  {
    name: 'an invalid entry and a duplicate',
    settings: list(['a', 'a', { supports1m: true }]),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', more: ['MODELS_DUPLICATE'], details: { invalidIndexes: [2] } },
  },
  {
    name: 'a duplicate only among invalid entries is not one',
    settings: list(['a', ' b', ' b']),
    expect: { status: 'fail', code: 'MODELS_ENTRY_INVALID', more: [] },
  },
  {
    name: 'managed, native, with an invalid entry and a duplicate',
    settings: list(['a', 'a', '']),
    source: MANAGED,
    expect: { status: 'fail', code: 'MODELS_NATIVE_IN_MANAGED', more: ['MODELS_ENTRY_INVALID', 'MODELS_DUPLICATE'], details: { models: ['a', 'a', ''] } },
  },
  {
    name: 'managed, native and empty',
    settings: list([]),
    source: MANAGED,
    expect: { status: 'fail', code: 'MODELS_NATIVE_IN_MANAGED', more: ['MODELS_EMPTY'] },
  },
]);
