import { describe, expect, it } from 'vitest';

import { isLoopbackHost } from '../../src/net/loopback.js';
import { SseReader } from '../../src/net/sse.js';

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['api.portkey.ai', 'foo.localhost', 'localhost.corp.test', '128.0.0.1', '10.0.0.1', '::2', '::ffff:10.0.0.1', '0.0.0.0', '::', ''])('%s is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('SseReader', () => {
  const stream = 'event: message_start\r\ndata: {"type":"message_start","t":"é"}\r\n\r\n: ping comment\n\ndata: {"type":\rdata: "content_block_delta"}\r\rdata: plain text\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\nevent: trailing-without-blank-line\ndata: x';

  it('gives the same result however the bytes are split (CRLF and UTF-8 across chunks)', () => {
    const bytes = new TextEncoder().encode(stream);
    const whole = new SseReader();
    whole.push(bytes, 1);
    whole.end(2);
    const byByte = new SseReader();
    bytes.forEach((b, i) => byByte.push(Uint8Array.of(b), i));
    byByte.end(bytes.length);
    expect(whole.summary.types).toEqual(['message_start', 'content_block_delta', 'message', 'error']);
    expect(byByte.summary.types).toEqual(whole.summary.types);
    expect(byByte.summary.tail.map((e) => e.data)).toEqual(whole.summary.tail.map((e) => e.data));
    expect(whole.summary.tail[0]?.data).toContain('é');
    expect(whole.summary.tail[1]?.data).toBe('{"type":\n"content_block_delta"}');
    expect(whole.summary.errorData).toContain('overloaded_error');
    expect(whole.summary.firstEventMs).toBe(1);
  });
});
