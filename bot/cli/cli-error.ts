// Failures the user can fix: each becomes one line on stderr (what is wrong, what to do) and an exit status,
// never a stack trace.
import { DataDirLockedError } from '../adapters/data-dir-lock';
import { WatchPathError } from '../adapters/directory-watcher';
import { ConfigError } from '../pipeline/config';

/** A failure told to the user as is. */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The command line itself is wrong. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
}

/** The one line for a failure the user can act on; undefined for a bug (which keeps its stack). */
export const userFacingMessage = (err: unknown): string | undefined => {
  if (
    err instanceof CliError ||
    err instanceof ConfigError ||
    err instanceof DataDirLockedError ||
    err instanceof WatchPathError
  )
    return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return (err as Error).message;
  return undefined;
};
