/**
 * An incremental Server-Sent Events reader: fed body chunks as they arrive, it reports when
 * the first event was complete and which event types came, so a streaming check can say
 * "first event after 850 ms: message_start, content_block_start, …, message_stop".
 */

/** One dispatched event (data kept short: this is for diagnosis, not for content). */
export interface SseEvent {
  /** The `event:` field, else the JSON data's `type`, else `message` (the SSE default). */
  type: string;
  /** ms since the request started. */
  atMs: number;
  /** The data, cut at 512 characters. */
  data: string;
}

/** What the stream showed. */
export interface SseSummary {
  /** ms from request start to the first complete event, or null if none came. */
  firstEventMs: number | null;
  /** Types of all events, in order (at most {@link MAX_EVENTS}). */
  types: string[];
  count: number;
  /** The first `error` event's data (Anthropic sends `event: error` mid-stream on overload). */
  errorData?: string;
  /** The last few events, for `-v` output. */
  tail: SseEvent[];
  /** The first few events (Anthropic's `message_start` carries the model that answers). */
  head: SseEvent[];
}

/** Types beyond this many are counted but not listed. */
export const MAX_EVENTS = 1000;
const TAIL = 5;
const HEAD = 2;
const MAX_DATA = 512;

/** Parses an event stream incrementally (WHATWG "event stream interpretation", minus retry/id). */
export class SseReader {
  readonly summary: SseSummary = { firstEventMs: null, types: [], count: 0, tail: [], head: [] };
  #decoder = new TextDecoder('utf-8');
  #pending = '';
  #event = '';
  #data: string[] = [];
  #lastWasCR = false;

  /** Feeds a chunk; `nowMs` is the time (since request start) it arrived. */
  push(chunk: Uint8Array, nowMs: number): void {
    this.#consume(this.#decoder.decode(chunk, { stream: true }), nowMs);
  }

  /** Signals the end of the body; a final event without its blank line is not dispatched (per spec). */
  end(nowMs: number): void {
    this.#consume(this.#decoder.decode(), nowMs);
  }

  #consume(text: string, nowMs: number): void {
    let s = text;
    // A CRLF split across chunks: the LF belongs to the CR already handled.
    if (this.#lastWasCR && s.startsWith('\n')) s = s.slice(1);
    this.#lastWasCR = s.endsWith('\r');
    const buf = this.#pending + s;
    const lines = buf.split(/\r\n|\r|\n/);
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line, nowMs);
  }

  #line(line: string, nowMs: number): void {
    if (line === '') {
      this.#dispatch(nowMs);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }

  #dispatch(nowMs: number): void {
    if (this.#data.length === 0 && this.#event === '') return;
    const data = this.#data.join('\n');
    let type = this.#event;
    if (!type) {
      try {
        const parsed = JSON.parse(data) as { type?: unknown };
        if (typeof parsed.type === 'string') type = parsed.type;
      } catch {
        // not JSON: keep the SSE default type
      }
    }
    if (!type) type = 'message';
    this.#event = '';
    this.#data = [];
    const sum = this.summary;
    sum.count += 1;
    sum.firstEventMs ??= nowMs;
    if (sum.types.length < MAX_EVENTS) sum.types.push(type);
    const event: SseEvent = { type, atMs: nowMs, data: data.slice(0, MAX_DATA) };
    if (type === 'error' && sum.errorData === undefined) sum.errorData = event.data;
    if (sum.head.length < HEAD) sum.head.push(event);
    sum.tail.push(event);
    if (sum.tail.length > TAIL) sum.tail.shift();
  }
}
