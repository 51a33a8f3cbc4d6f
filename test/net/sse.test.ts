import { describe, expect, it } from 'vitest';

import { SseReader } from '../../src/net/sse.js';

describe('SseReader', () => {
  const stream =
    'event: message_start\r\ndata: {"type":"message_start","t":"é"}\r\n\r\n: ping comment\n\ndata: {"type":\rdata: "content_block_delta"}\r\rdata: plain text\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\nevent: trailing-without-blank-line\ndata: x';

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
