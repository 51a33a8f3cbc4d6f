/**
 * `portkey-doctor report`: a full run written as one redacted document for a support ticket —
 * Markdown for pasting, JSON for tools — to a file named with the date, mode 0600.
 */
import { openForWrite } from '../core/safe-fs.js';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDoctorFlags } from '../config/flags.js';
import { renderJson } from '../reporters/json.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { redact } from '../report/redact.js';
import { redactQuotedArgs, safeArg, UsageError } from '../core/usage-error.js';
import { prepare, runOnce } from '../run/index.js';

const OWN = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  'include-personal': { type: 'boolean' },
} as const;

export async function reportCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Split the report's own flags from the doctor's, which pass through unchanged.
  const own: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.replace(/=.*$/, '');
    if (name === '--output' || name === '-o' || name === '--format') {
      own.push(a);
      if (!a.includes('=') && i + 1 < args.length) own.push(args[++i]!);
    } else if (a === '--include-personal') own.push(a);
    else rest.push(a);
  }
  let values: { output?: string; format?: string; 'include-personal'?: boolean };
  try {
    ({ values } = parseArgs({ args: own, options: OWN, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${redactQuotedArgs((err as Error).message.split('. To specify')[0]!.replace(/\.$/, ''))}.`, 'Run portkey-doctor report --help.');
  }
  // `report --json` is what a user of the doctor types: the same as --format json.
  const jsonFlag = rest.includes('--json');
  if (jsonFlag && values.format !== undefined && values.format !== 'json') {
    throw new UsageError(`--json and --format ${safeArg(values.format)} contradict each other.`, 'Give one of them: --format json or --format markdown.');
  }
  const format = values.format ?? (jsonFlag || values.output?.endsWith('.json') ? 'json' : 'markdown');
  if (format !== 'json' && format !== 'markdown') throw new UsageError(`--format must be json or markdown, got "${safeArg(format)}".`);
  const flags = parseDoctorFlags(rest.filter((a) => a !== '--json'));

  const prepared = await prepare(flags, env);
  // The report has passed the output scrub as it left the run; the file and the summary below are made from it.
  const full = await runOnce(prepared);
  const { value: report, redactions } = values['include-personal']
    ? { value: full, redactions: [] }
    : redact(full, { homedir: homedir(), username: safeUser() });
  if (redactions.length) report.redactions = redactions;
  const text = format === 'json' ? renderJson(report) : renderMarkdown(report);

  if (values.output === '-') {
    process.stdout.write(text);
  } else {
    let path: string;
    let replaced = false;
    if (values.output === undefined) {
      // The default name is per minute: a second report never replaces the first (-2, -3, … added).
      path = await writeNew(defaultName(format, new Date()), text);
    } else {
      path = values.output;
      replaced = await writePrivate(path, text);
    }
    process.stderr.write(
      `portkey-doctor: report written to ${path} (${format}, mode 0600${replaced ? '; it replaced the file that was there' : ''}). ${report.summary ?? ''}\n`,
    );
  }
  return report.exitCode;
}

/** `portkey-doctor-report-2026-11-27-1405.md` in the current folder. */
export function defaultName(format: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  return `portkey-doctor-report-${stamp}.${format === 'json' ? 'json' : 'md'}`;
}

/**
 * Creates the file readable by its owner only (mode applied at creation: no window where it is
 * wider). Never written through a symbolic link (the default name is predictable), never into a
 * FIFO or a device; an existing file's mode is narrowed only when it is this user's regular file.
 */
async function writePrivate(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    let created: boolean;
    ({ handle, created } = await openForWrite(path, { mode: 0o600 }));
    await handle.writeFile(text, 'utf8');
    return !created;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ELOOP' ? 'a symbolic link: not written through' : code === 'ENOTREG' ? 'not a regular file' : code;
    throw new UsageError(`cannot write the report to ${path} (${why}).`, 'Choose another place with --output FILE, or --output - for standard output.');
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a new file: `name`, or `name-2`, `name-3`, … when it exists — never replacing one.
 * O_EXCL creates it or fails (never through a symbolic link either), mode 0600.
 */
async function writeNew(name: string, text: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  for (let n = 1; n <= 100; n++) {
    const path = n === 1 ? name : `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
    let handle;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        // A report of the same minute: take the next name. A symbolic link planted at the name: refuse.
        if ((await lstat(path).catch(() => undefined))?.isSymbolicLink()) {
          throw new UsageError(
            `cannot write the report to ${path} (a symbolic link: not written through).`,
            'Remove the link, or choose a place with --output FILE.',
          );
        }
        continue;
      }
      throw new UsageError(
        `cannot write the report to ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        'Choose another place with --output FILE, or --output - for standard output.',
      );
    }
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    return path;
  }
  throw new UsageError(`cannot write the report: ${name} and 99 numbered names beside it exist.`, 'Choose a name with --output FILE.');
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
