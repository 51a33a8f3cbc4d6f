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
