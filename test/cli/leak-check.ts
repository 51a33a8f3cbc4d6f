/** Finds the key, or any 8-character run of it, in a text. Returns the first piece found. */
export function findLeak(text: string, key: string): string | undefined {
  if (text.includes(key)) return key;
  for (let i = 0; i + 8 <= key.length; i++) {
    const piece = key.slice(i, i + 8);
    if (text.includes(piece)) return piece;
  }
  return undefined;
}

/**
 * Finds the key in any form the output scrub removes (issue 12 #4): as {@link findLeak} counts
 * it, in another case, split with dots, JSON- or `\u`-escaped (once or twice), or base64 (alone,
 * or as a Basic credential with an empty or any of the given user names). Returns what was found.
 */
export function findEncodedLeak(text: string, key: string, users: readonly string[] = []): string | undefined {
  let unescaped = text;
  for (let i = 0; i < 3; i++) {
    unescaped = unescaped.replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))).replace(/\\(["\\/])/g, '$1');
  }
  const views: [string, string, string][] = [
    ['', text, key],
    [' (other case)', text.toLowerCase(), key.toLowerCase()],
    [' (split with dots)', text.replace(/\./g, '').toLowerCase(), key.replace(/\./g, '').toLowerCase()],
    [' (escaped)', unescaped.toLowerCase(), key.toLowerCase()],
  ];
  for (const [how, t, k] of views) {
    const piece = findLeak(t, k);
    if (piece !== undefined) return `${JSON.stringify(piece)}${how}`;
  }
  for (const plain of [key, `:${key}`, ...users.map((u) => `${u}:${key}`)]) {
    for (const encoded of [Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('base64url')]) {
      if (text.includes(encoded.replace(/=+$/, ''))) return `base64 of ${JSON.stringify(plain.replace(key, '<key>'))}`;
    }
  }
  return undefined;
}

/**
 * Makes this process forget the secrets a test made and dropped (issue 12 #6: the registry holds
 * the 32 most recent values strongly, the rest weakly). For test files that make odd keys
 * (`ok`, `gateway`) and share a process with others: call it in afterAll.
 */
export async function forgetDroppedSecrets(): Promise<void> {
  const { Secret } = await import('../../src/core/secret.js');
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  for (let i = 0; i < 40; i++) new Secret(`pk-Flush-${i}-Qm5Jv8Wx3Rk7Zt`);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}
