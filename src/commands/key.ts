/**
 * `portkey-doctor key set | status | delete`: the doctor's own probe key in the OS keychain, so
 * IT and the daemon need not keep it in a plain file. `set` reads the key from stdin (hidden when
 * typed at a terminal; piping works), `--from-env NAME` or `--from-file FILE` — never from the
 * command line. Only the key's fingerprint is ever printed.
 *
 * Exit codes: 0 done / found; 1 `status` found no key; 2 usage error or keychain unavailable.
 */
import { parseArgs } from 'node:util';
import { deleteCredential, readCredential, storeCredential } from '../platform/keychain.js';
import { appOptions, type KeychainRef } from '../app/options.js';
import { readRegularText } from '../core/safe-fs.js';
import { Secret } from '../core/secret.js';
import { redactQuotedArgs, safeArg, UsageError } from '../core/usage-error.js';

export const KEY_HELP = `portkey-doctor key — the doctor's probe key in the OS keychain

  portkey-doctor key set [--from-env NAME | --from-file FILE]   store the key (default: read it from stdin)
  portkey-doctor key status [--json]                             is a key stored? (fingerprint only)
  portkey-doctor key delete                                      remove it

Options (all actions):
  --keychain-service NAME   keychain service (default: portkey-doctor; env PORTKEY_DOCTOR_KEYCHAIN_SERVICE)
  --keychain-account NAME   keychain account (default: probe-key; env PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT)

The key is never accepted on the command line. Exit codes: 0 ok, 1 no key stored (status),
2 usage error or keychain unavailable.
`;

/** The longest key accepted (Portkey keys are ~32 characters). */
const MAX_KEY_LENGTH = 4096;
/** stdin is read up to this many bytes. */
const MAX_STDIN_BYTES = 64 * 1024;

const OPTIONS = {
  'from-env': { type: 'string' },
  'from-file': { type: 'string' },
  'keychain-service': { type: 'string' },
  'keychain-account': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function keyCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('. To specify')[0]!.replace(/\.$/, '');
    throw new UsageError(`${redactQuotedArgs(message)}.`, 'Run portkey-doctor key --help.');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(KEY_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action === undefined) throw new UsageError('key needs an action: set, status or delete.', 'Run portkey-doctor key --help.');
  if (!['set', 'status', 'delete'].includes(action)) {
    // A long unknown "action" is most likely a key typed in the wrong place: show only its start.
    throw new UsageError(`unknown key action "${safeArg(action)}".`, 'The actions are set, status and delete.');
  }
  if (extra.length > 0) {
    // Most likely the key itself: never echo it.
    throw new UsageError(
      `key ${action} takes no further arguments${action === 'set' ? ': the key is never accepted on the command line (it would be visible to every process and in shell history)' : ''}.`,
      action === 'set' ? 'Pipe it in (… | portkey-doctor key set), or use --from-env NAME or --from-file FILE.' : 'Run portkey-doctor key --help.',
    );
  }
  if (action !== 'set' && (values['from-env'] !== undefined || values['from-file'] !== undefined)) {
    throw new UsageError(`--from-env and --from-file only apply to key set.`);
  }
  const base = appOptions(env).keychain;
  const ref: KeychainRef = {
    service: nonEmpty(values['keychain-service'], '--keychain-service') ?? base.service,
    account: nonEmpty(values['keychain-account'], '--keychain-account') ?? base.account,
  };
  const item = `service "${ref.service}", account "${ref.account}"`;

  if (action === 'set') {
    const secret = await readNewKey(values['from-env'], values['from-file'], env);
    const r = await storeCredential(ref, secret);
    if (r.status === 'unavailable') return unavailable(r.store, r.reason);
    process.stdout.write(`stored ${secret.describe()} in ${r.store} (${item})\n`);
    return 0;
  }
  if (action === 'status') {
    const r = await readCredential(ref);
    if (values.json) {
      const out: Record<string, unknown> = { status: r.status, store: r.store, ...ref };
      if (r.status === 'found') Object.assign(out, { fingerprint: r.secret.fingerprint, length: r.secret.length });
      if (r.status === 'unavailable') Object.assign(out, { reason: r.reason, problem: r.kind });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
    if (r.status === 'unavailable') return values.json ? 2 : unavailable(r.store, r.reason);
    if (r.status === 'missing') {
      if (!values.json) process.stdout.write(`no key stored in ${r.store} (${item})\n`);
      return 1;
    }
    if (!values.json) process.stdout.write(`key ${r.secret.describe()} stored in ${r.store} (${item})\n`);
    return 0;
  }
  const r = await deleteCredential(ref);
  if (r.status === 'unavailable') return unavailable(r.store, r.reason);
  process.stdout.write(r.status === 'deleted' ? `deleted the key from ${r.store} (${item})\n` : `no key stored in ${r.store} (${item}); nothing to delete\n`);
  return 0;
}

/** An argument as it may be shown: a long one (possibly a key) cut to its first 4 characters. */

function unavailable(store: string, reason: string): number {
  // Not a dead end: say what works without a keychain.
  process.stderr.write(
    `portkey-doctor: the keychain is unavailable: ${store}: ${reason}\n` +
      '  Without a keychain, give the doctor the key another way:\n' +
      '    --api-key-env NAME    read it from environment variable NAME (default variable: PORTKEY_DOCTOR_API_KEY)\n' +
      '    --api-key-file FILE   read it from the first line of FILE (keep it mode 0600)\n' +
      (process.platform === 'linux' ? '  Or run inside a desktop session with gnome-keyring or KWallet (a D-Bus session bus and a Secret Service).\n' : ''),
  );
  return 2;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value, got an empty string.`);
  return value;
}

async function readNewKey(fromEnv: string | undefined, fromFile: string | undefined, env: NodeJS.ProcessEnv): Promise<Secret> {
  if (fromEnv !== undefined && fromFile !== undefined) throw new UsageError('--from-env and --from-file both give the key.', 'Give one of them.');
  let raw: string;
  let where: string;
  if (fromEnv !== undefined) {
    const v = env[fromEnv];
    if (v === undefined || v === '') throw new UsageError(`--from-env ${fromEnv}: that environment variable is not set or empty.`);
    raw = v;
    where = `environment variable ${fromEnv}`;
  } else if (fromFile !== undefined) {
    try {
      // A regular file only, bounded: a FIFO or device would hang the command.
      raw = firstLine(await readRegularText(fromFile, 64 * 1024));
    } catch (err) {
      throw new UsageError(
        `cannot read --from-file ${fromFile} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        'Check the path and that this user may read it.',
      );
    }
    where = fromFile;
  } else {
    raw = process.stdin.isTTY ? await promptHidden('Portkey API key (input hidden): ') : firstLine(await readStdin());
    where = 'standard input';
  }
  const key = raw.trim();
  if (key === '') throw new UsageError(`no key in ${where}.`, 'Give the Portkey API key (Portkey dashboard → API Keys).');
  if (/\s/.test(key)) throw new UsageError(`the key from ${where} contains spaces or line breaks.`, 'Give the key alone, on one line.');
  if (key.length > MAX_KEY_LENGTH) throw new UsageError(`the key from ${where} is ${key.length} characters long; that is not an API key.`);
  return new Secret(key);
}

function firstLine(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buf);
    size += buf.length;
    if (size > MAX_STDIN_BYTES) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    // Echo off before the prompt shows, so nothing typed after it can be echoed.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
