/** The daemon's JSON log: one object per line, level respected, secrets never written. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { Secret } from '../../src/core/secret.js';
import { findLeak } from '../cli/leak-check.js';

const KEY = 'pk-LogTestSecret-Hq4Kx9Pm2';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

describe('log', () => {
  it('writes JSON lines with level labels and respects the level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'warn', destination: stream });
    log.info('hidden');
    log.warn({ check: 'base-url' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', check: 'base-url', msg: 'shown' });
    log.level = 'debug';
    log.debug('now shown');
    expect(lines).toHaveLength(2);
  });

  it('never writes a key: not in messages, nested fields, errors, causes, or redacted paths', () => {
    const secret = new Secret(KEY);
    const { stream, lines } = capture();
    const log = createLogger({ level: 'trace', destination: stream, secrets: () => [secret] });
    log.info(`message with ${KEY}`);
    log.info({ deep: { deeper: { text: `Authorization: Bearer ${KEY}` } } }, 'nested');
    log.error({ err: new Error(`bad key ${KEY}`, { cause: new Error(`cause ${KEY.slice(3, 14)}`) }) }, 'error');
    log.warn({ apiKey: KEY, headers: { authorization: `Bearer ${KEY}` }, secret }, 'paths');
    log.info({ list: [KEY, { k: KEY }] }, 'arrays %s', KEY);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(findLeak(line, KEY)).toBeUndefined();
    }
    expect(JSON.parse(lines[3]!)).toMatchObject({ apiKey: '[redacted]' });
    expect(JSON.parse(lines[2]!).err).toMatchObject({ type: 'Error', message: expect.stringContaining('[key sha256:') });
  });

  it('uses every secret the process has read when none are given', () => {
    const secret = new Secret('pk-AnotherLogSecret-Zt8');
    const { stream, lines } = capture();
    const log = createLogger({ destination: stream });
    log.info({ text: secret.reveal() }, 'x');
    expect(findLeak(lines[0]!, secret.reveal())).toBeUndefined();
  });
});
