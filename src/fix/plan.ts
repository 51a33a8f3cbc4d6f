/**
 * The pure half of the engine: every fixer asked, its edits applied to the documents' text in
 * registry order, the result per file. Reads and writes nothing (src/fix/engine.ts does).
 */
import { applyEdit, FixApplyError, pathText } from './apply.js';
import type { FixChange, FixDocument, FixExplanation, Fixer, FixFileRole, FixInput } from './fixer.js';

/** One file as the plan leaves it. */
export interface PlannedFile {
  role: FixFileRole;
  path: string;
  before: string;
  after: string;
  /** A new base name, when a change renames the file. */
  renameTo?: string;
}

/** A change kept in the plan, with the fixer that made it. */
export interface PlannedChange extends FixChange {
  fixer: string;
}

export interface Plan {
  changes: PlannedChange[];
  explanations: (FixExplanation & { fixer: string })[];
  /** The files whose text or name changes. */
  files: PlannedFile[];
}

/** Asks every fixer, applies what it proposes; a change whose edits do not apply is dropped and explained. */
export function planFixes(input: FixInput, fixers: readonly Fixer[], accept: (c: PlannedChange) => boolean = () => true): Plan {
  const texts = new Map<FixFileRole, string>();
  const renames = new Map<FixFileRole, string>();
  const changes: PlannedChange[] = [];
  const explanations: Plan['explanations'] = [];
  for (const fixer of fixers) {
    const proposal = fixer.propose(input);
    for (const e of proposal.explanations) explanations.push({ ...e, fixer: fixer.id });
    for (const change of proposal.changes) {
      const planned: PlannedChange = { ...change, fixer: fixer.id };
      if (!accept(planned)) continue;
      const tentative = new Map(texts);
      const tentativeRenames = new Map(renames);
      try {
        for (const edit of change.edits) {
          const doc: FixDocument | undefined = input.files[edit.file];
          if (!doc) throw new FixApplyError(`no ${edit.file} file`);
          if (edit.op === 'rename-file') {
            if (!/^[^/\\]+$/.test(edit.to) || edit.to === '.' || edit.to === '..') throw new FixApplyError(`"${edit.to.slice(0, 80)}" is not a file name`);
            tentativeRenames.set(edit.file, edit.to);
            continue;
          }
          tentative.set(edit.file, applyEdit(tentative.get(edit.file) ?? doc.text, edit));
        }
      } catch (err) {
        if (!(err instanceof FixApplyError)) throw err;
        explanations.push({ code: change.code, says: `not changed: ${err.message}`, fixer: fixer.id });
        continue;
      }
      for (const [k, v] of tentative) texts.set(k, v);
      for (const [k, v] of tentativeRenames) renames.set(k, v);
      changes.push(planned);
    }
  }
  const files: PlannedFile[] = [];
  for (const role of ['settings', 'meta', 'desktop-config', 'developer-settings'] as const) {
    const doc = input.files[role];
    if (!doc) continue;
    const after = texts.get(role) ?? doc.text;
    const renameTo = renames.get(role);
    if (after === doc.text && renameTo === undefined) continue;
    files.push({ role, path: doc.path, before: doc.text, after, ...(renameTo !== undefined ? { renameTo } : {}) });
  }
  return { changes, explanations, files };
}

export { pathText };
