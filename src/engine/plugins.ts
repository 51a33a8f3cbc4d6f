/**
 * Extra checks from ES modules (`--plugin FILE`): an organisation can add its own checks
 * without forking, and tests use it to put a crashing or hanging check into a real CLI run.
 * A plugin's check runs under the same engine rules: its throw or hang is its own `error`.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GROUPS, type AnyCheck } from '../contract/check.js';
import { safeArg, UsageError } from '../core/usage-error.js';

export async function loadPlugins(files: string[]): Promise<AnyCheck[]> {
  const checks: AnyCheck[] = [];
  for (const file of files) {
    // A FIFO or a device would block the module loader's synchronous read for ever: regular files only.
    let kind: string | undefined;
    try {
      const st = await stat(file);
      if (!st.isFile()) kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO (named pipe)' : 'not a regular file';
    } catch {
      // missing: the import below says "file not found"
    }
    if (kind !== undefined) {
      throw new UsageError(
        `cannot load --plugin ${safeArg(file)}: it is ${kind}.`,
        'A plugin is an ES module file (.mjs, or .js in a "type": "module" folder).',
      );
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        `cannot load --plugin ${file}: ${code === 'ERR_MODULE_NOT_FOUND' ? 'file not found' : err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
        'A plugin is an ES module (.mjs or .js in a "type": "module" folder) whose default export is a check or an array of checks.',
      );
    }
    const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
    exported.forEach((candidate, i) => {
      const problem = shapeProblem(candidate);
      if (problem) throw new UsageError(`--plugin ${file}: export ${i}: ${problem}.`, 'See docs/checks.md for the shape of a check.');
      // Plugins written in plain JavaScript may leave `needs` out (the engine reads it as []).
      const check = candidate as AnyCheck & { needs?: unknown };
      checks.push(check.needs === undefined ? { ...check, needs: [] } : check);
    });
  }
  return checks;
}

function shapeProblem(c: unknown): string | undefined {
  if (!c || typeof c !== 'object') return 'the default export is not a check object';
  const check = c as Record<string, unknown>;
  if (typeof check.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(check.id)) return 'id must be a lower-case-dashed string';
  if (typeof check.title !== 'string' || check.title === '') return 'title must be a non-empty string';
  if (!GROUPS.includes(check.group as never)) return `group must be one of ${GROUPS.join(', ')}`;
  if (typeof check.run !== 'function') return 'run must be a function';
  if (!check.codes || typeof check.codes !== 'object') return 'codes must be an object of {title, fix} by code';
  // TypeScript checks name their prerequisites as check values; plain JavaScript may use ids.
  const isNeed = (n: unknown) => typeof n === 'string' || (typeof n === 'object' && n !== null && typeof (n as { id?: unknown }).id === 'string');
  if (check.needs !== undefined && !(Array.isArray(check.needs) && check.needs.every(isNeed))) return 'needs must be an array of checks (or check ids)';
  return undefined;
}
