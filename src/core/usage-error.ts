/**
 * The doctor itself cannot run (bad flags, unreadable policy or key file): exit 2 with a
 * message that says where and what to do. Never shown with a stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** What to do about it, one line. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * A command-line argument as it may be echoed in an error: a key pasted in the wrong place must
 * not come back on the screen. Keeps an option's name but never a value after `=`, and only
 * the first 4 characters of a long word (a path or a name of 15 characters or fewer is kept).
 */
export function safeArg(arg: string): string {
  const eq = arg.indexOf('=');
  if (arg.startsWith('-') && eq > 0) return `${arg.slice(0, eq)}=…`;
  return arg.length >= 16 && !/[\\/]/.test(arg) ? `${arg.slice(0, 4)}…` : arg;
}

/**
 * An option's name as a parser quotes it: `--claude-dir`, `-o, --output <value>` (argument
 * missing), an unknown `--claude-dirr`. Lower-case words and dashes only: shown in full (a name is
 * never a secret; a key has upper-case letters, digits in runs, or a value after `=`).
 */
const OPTION_NAME = /^(-[A-Za-z], )?--?[a-z][a-z-]{0,40}( <value>)?$/;

/** Passes every '…'-quoted argument in a parser's message through {@link safeArg}; option names stay whole. */
export function redactQuotedArgs(message: string): string {
  return message.replace(/'([^']*)'/g, (_, arg: string) => `'${OPTION_NAME.test(arg) ? arg : safeArg(arg)}'`);
}
