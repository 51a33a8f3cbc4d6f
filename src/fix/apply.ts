/**
 * Applying a fixer's edits to a document's text with jsonc-parser: only the edited spots change —
 * every other key, its order, comments, the indentation style and line endings stay as they were.
 */
import { applyEdits, type FormattingOptions, findNodeAtLocation, modify, parse, parseTree, type ParseError } from 'jsonc-parser';
import type { FixDocument, FixEdit, JsonPath } from './fixer.js';

/** An edit that cannot be applied to the text as it is (the fixer's assumption does not hold). */
export class FixApplyError extends Error {
  override name = 'FixApplyError';
}

/** The document's own style: tabs or N spaces, and its line ending. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text);
  if (indented?.[1]?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  const size = indented?.[1]?.length ?? 2;
  return { insertSpaces: true, tabSize: Math.min(Math.max(size, 1), 8), eol };
}

const BOM = '\uFEFF';

/** Parses as the engine and fixers see a document: comments tolerated, `undefined` when it does not parse. */
export function readDocument(path: string, text: string): FixDocument {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const value = body.trim() === '' ? undefined : parse(body, errors, { allowTrailingComma: false, disallowComments: false });
  let strictJson = false;
  try {
    JSON.parse(body);
    strictJson = true;
  } catch {
    strictJson = false;
  }
  return { path, text, value: errors.length > 0 ? undefined : value, strictJson };
}

/** Applies one edit (not `rename-file`: that is the engine's) to a text. */
export function applyEdit(text: string, edit: Exclude<FixEdit, { op: 'rename-file' }>): string {
  if (edit.op === 'replace-text') return edit.text;
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = bom ? text.slice(1) : text;
  const formattingOptions = formattingOf(body);
  let out: string;
  if (edit.op === 'set') {
    out = applyEdits(body, modify(body, edit.path, edit.value, { formattingOptions }));
  } else if (edit.op === 'remove') {
    if (!hasNode(body, edit.path)) throw new FixApplyError(`nothing at ${pathText(edit.path)} to remove`);
    out = applyEdits(body, modify(body, edit.path, undefined, { formattingOptions }));
  } else {
    out = renameKey(body, edit.path, edit.to);
  }
  return bom + out;
}

/** Applies edits in order, each to the text the previous one left. */
export function applyEditsInOrder(text: string, edits: readonly Exclude<FixEdit, { op: 'rename-file' }>[]): string {
  return edits.reduce((t, e) => applyEdit(t, e), text);
}

function hasNode(text: string, path: JsonPath): boolean {
  const tree = parseTree(text);
  return tree !== undefined && findNodeAtLocation(tree, path) !== undefined;
}

/** Renames the property at `path`, keeping its value, its position and everything around it. */
function renameKey(text: string, path: JsonPath, to: string): string {
  const tree = parseTree(text);
  const node = tree ? findNodeAtLocation(tree, path) : undefined;
  const property = node?.parent;
  const key = property?.type === 'property' ? property.children?.[0] : undefined;
  if (!key) throw new FixApplyError(`no property at ${pathText(path)} to rename`);
  const siblings = property?.parent?.children ?? [];
  if (siblings.some((p) => p !== property && p.children?.[0]?.value === to)) {
    throw new FixApplyError(`${pathText([...path.slice(0, -1), to])} exists already`);
  }
  return text.slice(0, key.offset) + JSON.stringify(to) + text.slice(key.offset + key.length);
}

/** `a.b[0]` for a message. */
export function pathText(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}
