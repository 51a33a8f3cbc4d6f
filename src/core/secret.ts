import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * An API key, wrapped from the moment it is read. Every way of turning it into text
 * (String(), template literals, JSON.stringify, util.inspect, console.log) yields the
 * fingerprint, never the value. Only the HTTP layer calls {@link Secret.reveal}.
 */
/** Every Secret made in this process, so crash output can be scrubbed of all of them. */
const KNOWN = new Set<Secret>();

/** All secrets this process has read (for scrubbing text whose origin is unknown). */
export function knownSecrets(): Secret[] {
  return [...KNOWN];
}

export class Secret {
  readonly #value: string;
  /** `sha256:` + the first 12 hex digits of the SHA-256 of the value: enough to tell "same key?". */
  readonly fingerprint: string;
  readonly length: number;

  constructor(value: string) {
    this.#value = value;
    this.length = value.length;
    this.fingerprint = `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
    KNOWN.add(this);
  }

  /** The clear value. Call only where the key is put on the wire or inspected for shape. */
  reveal(): string {
    return this.#value;
  }

  /** What outputs show in place of the key. */
  describe(): string {
    return `${this.fingerprint} (${this.length} chars)`;
  }

  toString(): string {
    return this.describe();
  }

  toJSON(): { fingerprint: string; length: number } {
    return { fingerprint: this.fingerprint, length: this.length };
  }

  [inspect.custom](): string {
    return `Secret(${this.describe()})`;
  }
}

/**
 * Removes every occurrence of the secrets' values (and of any 8-character run of them)
 * from a text that came from a lower layer (an error message, a server's body echoing a
 * header) before it is shown or logged.
 */
export function scrub(text: string, secrets: readonly (Secret | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const value = secret.reveal();
    if (value.length === 0) continue;
    if (out.includes(value)) out = out.split(value).join(`[key ${secret.fingerprint}]`);
    if (value.length >= 8) {
      for (let i = 0; i + 8 <= value.length; i++) {
        const piece = value.slice(i, i + 8);
        if (out.includes(piece)) out = out.split(piece).join('[redacted]');
      }
    }
  }
  return out;
}
