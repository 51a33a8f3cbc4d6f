/** A network failure in words (issue 13, point 11): EAI_AGAIN is not "a timeout"; refused names the place. */
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/net/errors.js';

describe('describeFailure', () => {
  it('EAI_AGAIN (no resolver reachable, at once) reads differently from a real DNS timeout', () => {
    const again = describeFailure({ kind: 'dns-timeout', rawCode: 'EAI_AGAIN' });
    const timeout = describeFailure({ kind: 'dns-timeout', rawCode: 'DEADLINE' });
    expect(again).not.toBe(timeout);
    expect(again).not.toMatch(/time/i);
  });

  it('a refused connection names the address and port; other kinds keep the place in front', () => {
    expect(describeFailure({ kind: 'tcp-refused', rawCode: 'ECONNREFUSED' }, '127.0.0.1:9')).toContain('127.0.0.1:9');
    expect(describeFailure({ kind: 'tcp-refused', rawCode: 'ECONNREFUSED' }, '127.0.0.1:9')).not.toMatch(/^tcp refused/);
    expect(describeFailure({ kind: 'tcp-timeout', rawCode: 'ETIMEDOUT' }, '10.0.0.1:443')).toMatch(/^10\.0\.0\.1:443: /);
    expect(describeFailure({ kind: 'tls-expired', rawCode: 'CERT_HAS_EXPIRED' })).toBe('tls expired');
  });
});
