import { describe, expect, it } from 'vitest';

import { bareHost, isLoopbackHost, normalHost } from '../../src/core/host.js';
import { isLoopbackHost as portkeyIsLoopbackHost } from '../../src/core/portkey.js';

describe('bareHost: brackets only', () => {
  it.each([
    ['[::1]', '::1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['[FE80::1]', 'FE80::1'],
    ['::1', '::1'],
    ['127.0.0.1', '127.0.0.1'],
    ['api.portkey.ai', 'api.portkey.ai'],
    // Nothing else changes: a caller reporting the host reports what it was given.
    ['API.Portkey.ai.', 'API.Portkey.ai.'],
    [' localhost ', ' localhost '],
    ['[', '['],
    ['[]', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(bareHost(input)).toBe(expected);
  });
});

describe('normalHost: as DNS, SNI and connection keys see it', () => {
  it.each([
    ['[::1]', '::1'],
    ['API.Portkey.AI', 'api.portkey.ai'],
    ['api.portkey.ai.', 'api.portkey.ai'],
    [' localhost. ', 'localhost'],
    ['[FE80::1]', 'fe80::1'],
    // An address keeps its dot: `1.2.3.4.` is not an address, and must not become one.
    ['1.2.3.4.', '1.2.3.4.'],
    ['127.0.0.1', '127.0.0.1'],
  ])('%j → %j', (input, expected) => {
    expect(normalHost(input)).toBe(expected);
  });
});

describe('isLoopbackHost', () => {
  const loopback = [
    'localhost',
    'LOCALHOST',
    'localhost.',
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '::ffff:127.255.0.9',
  ];
  const notLoopback = [
    'api.portkey.ai',
    'foo.localhost',
    'localhost.corp.test',
    'localhost6',
    '128.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '127.0.0.1.',
    '::2',
    '::',
    '::ffff:10.0.0.1',
    '[::ffff:a00:1]',
    'fe80::1%lo',
    '[::1',
    '',
  ];
  it.each(loopback)('%j is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(notLoopback)('%j is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });

  it('is the one the Portkey facts use (the base-url check and the key-transport rule agree)', () => {
    expect(portkeyIsLoopbackHost).toBe(isLoopbackHost);
  });

  it.each(['http://[::ffff:127.0.0.1]:8787/', 'http://[::1]/', 'http://LOCALHOST:8787', 'http://127.0.0.2/'])(
    'the hostname of %s (as URL parses it) is loopback',
    (url) => {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
    },
  );
});
