/**
 * Minimal types for bplist-parser 0.3 (it ships none): only what the doctor calls.
 * `parseBuffer` returns a one-element array holding the plist's root object and throws on a
 * malformed file.
 */
declare module 'bplist-parser' {
  export function parseBuffer(buffer: Buffer): unknown[];
  /** Largest object count accepted before parsing gives up (a guard against hostile files). */
  export let maxObjectCount: number;
  const bplist: { parseBuffer: typeof parseBuffer; maxObjectCount: number };
  export default bplist;
}
