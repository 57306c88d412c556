// What every `signins` subcommand provides to main.ts: its help and how to run it.

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /**
   * Resolves once what `out` wrote has been taken by the reader (a pipe to `jq` or `gzip` is slower than
   * parsing): commands that print per record await it between batches, so that memory stays bounded.
   */
  readonly drained?: () => Promise<void>;
}

export interface Command {
  readonly name: string;
  /** One line for `signins --help`. */
  readonly summary: string;
  /** `signins NAME --help`: synopsis and options, without a trailing newline. */
  readonly help: string;
  /** Runs with the arguments after the command's name; resolves to the exit status. */
  readonly run: (args: readonly string[], io: Io) => Promise<number>;
}
