/**
 * What a person sees of a planned change: the file's lines before and after, as a diff, with the
 * key ALWAYS shown as its fingerprint. Every string value whose property name says credential
 * (`inferenceGatewayApiKey`, `x-portkey-api-key`, `Authorization`, …) or whose text has the
 * shape of a key becomes `"<key sha256:…>"`; URL user-info is dropped; the result also passes the
 * output scrub (every secret this process holds) and loses terminal control characters.
 */
import { type Node, parseTree } from 'jsonc-parser';
import { cleanText } from '../core/clean-text.js';
import { isCredentialHeaderName, isKeyShaped, keyShapedTokens, secretFor } from '../core/key-shape.js';
import { OUTPUT_SCRUB } from '../core/output-scrub.js';
import { stripUrlSecrets } from '../core/url-render.js';

/** Property names whose string value is a credential, whatever it looks like. */
const CREDENTIAL_NAME = /(^|[-_a-z])(api[-_]?key|apikey|token|secret|password|passwd|authorization|cookie)$/i;

function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name) || isCredentialHeaderName(name);
}

/** The text of a document as it may be shown: credentials as fingerprints, URLs without user-info. */
export function maskDocument(text: string): string {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const spans: { offset: number; length: number; text: string }[] = [];
  const tree = parseTree(body);
  const visit = (node: Node | undefined, name: string | undefined, depth: number): void => {
    if (!node || depth > 64) return;
    if (node.type === 'property') {
      const key = node.children?.[0];
      // A key pasted as a property name: masked too.
      if (key && typeof key.value === 'string' && isKeyShaped(key.value)) spans.push({ offset: key.offset, length: key.length, text: fp(key.value) });
      visit(node.children?.[1], typeof key?.value === 'string' ? key.value : undefined, depth + 1);
      return;
    }
    if (node.type === 'string' && typeof node.value === 'string') {
      const v = node.value;
      if (name !== undefined && isCredentialName(name) && v !== '') spans.push({ offset: node.offset, length: node.length, text: fp(v) });
      else {
        let shown = stripUrlSecrets(v);
        for (const token of keyShapedTokens(shown)) shown = shown.split(token).join(`<key ${secretFor(token).fingerprint}>`);
        if (shown !== v) spans.push({ offset: node.offset, length: node.length, text: JSON.stringify(shown) });
      }
      return;
    }
    for (const child of node.children ?? []) visit(child, node.type === 'array' ? name : undefined, depth + 1);
  };
  visit(tree, undefined, 0);
  let out = body;
  for (const s of spans.sort((a, b) => b.offset - a.offset)) out = out.slice(0, s.offset) + s.text + out.slice(s.offset + s.length);
  // A text that does not parse (a corrupt file): whatever has the shape of a key still goes.
  if (!tree) for (const token of keyShapedTokens(out)) out = out.split(token).join(`<key ${secretFor(token).fingerprint}>`);
  return cleanText(OUTPUT_SCRUB.text(out), { multiline: true });
}

function fp(value: string): string {
  return JSON.stringify(`<key ${secretFor(value).fingerprint}>`);
}

/** One line of a diff. */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** Lines above which the diff is shown as "all removed, all added" (no quadratic work on a huge file). */
const MAX_DIFF_LINES = 2_000;

/** A line diff (longest common subsequence), with `context` unchanged lines around each change. */
export function diffLines(before: string, after: string, context = 2): DiffLine[] {
  const a = before === '' ? [] : before.replace(/\r\n/g, '\n').split('\n');
  const b = after === '' ? [] : after.replace(/\r\n/g, '\n').split('\n');
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) {
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const all: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      all.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      all.push({ op: '-', text: a[i]! });
      i++;
    } else {
      all.push({ op: '+', text: b[j]! });
      j++;
    }
  }
  // Keep changed lines and `context` lines around them; a gap becomes one "…" line.
  const keep = all.map((l, k) => l.op !== ' ' || all.slice(Math.max(0, k - context), k + context + 1).some((m) => m.op !== ' '));
  const out: DiffLine[] = [];
  let gap = false;
  all.forEach((l, k) => {
    if (keep[k]) {
      out.push(l);
      gap = false;
    } else if (!gap) {
      out.push({ op: ' ', text: '…' });
      gap = true;
    }
  });
  return out;
}

/** The diff of a file as shown: masked on both sides. */
export function maskedDiff(before: string, after: string): DiffLine[] {
  return diffLines(maskDocument(before), maskDocument(after));
}
