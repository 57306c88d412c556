// Where `signins start` gets records: files given once (--events), a folder it keeps watching (--watch) and
// a log group it tails with the user's AWS credentials (--log-group). Each hands decoded items to `feed`.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { describeCallError, describeUnreachable, errorName } from '../adapters/aws-errors';
import { watchDirectory } from '../adapters/directory-watcher';
import { pollLogGroup } from '../adapters/log-group-tail';
import { type DecodedItem, decodeText } from '../core/decode-input';
import { CliError } from './cli-error';
import type { Io } from './command';
import { decodeInput, readInputs, rejectionLine } from './read-inputs';

export type Feed = (name: string, items: readonly DecodedItem[]) => Promise<void>;

export interface Source {
  close(): Promise<void> | void;
}

/** Reads each file once; an unreadable file is fed as one rejection so that it counts as one. */
export const replayFiles = async (
  paths: readonly string[],
  feed: Feed,
  stopRequested: () => boolean,
): Promise<void> => {
  // readInputs([]) would read standard input: with nothing to replay, read nothing.
  if (paths.length === 0) return;
  for (const input of await readInputs(paths)) {
    if (stopRequested()) return;
    await feed(
      input.name,
      'error' in input
        ? [{ kind: 'rejected', position: '', message: input.error }]
        : decodeInput(input.bytes),
    );
  }
};

export const watchFolder = async (dir: string, feed: Feed, io: Io): Promise<Source> => {
  const watcher = await watchDirectory(
    dir,
    (file) => feed(file.path, decodeInput(file.bytes)),
    (path, err) => io.err(rejectionLine(path, '', err instanceof Error ? err.message : String(err))),
  );
  io.err(`signins: watching ${dir} (and its sub-folders) for CloudTrail files`);
  return watcher;
};

/** How far back the first poll reads, and how far each poll overlaps the last (regions deliver late). */
const FIRST_LOOKBACK_MS = 15 * 60_000;
const OVERLAP_MS = 5 * 60_000;

/** Errors that no later poll fixes: the user must act (credentials, region, the log group's name, permissions). */
const isPermanentTailError = (err: unknown): boolean =>
  describeUnreachable(err) !== undefined ||
  ['ResourceNotFoundException', 'AccessDeniedException', 'UnrecognizedClientException'].includes(
    errorName(err),
  );

/**
 * Tails the log group. The first poll runs before this returns: a mistake the user must fix (no credentials, a
 * wrong name) ends `start` with one line instead of a message every few seconds for ever. Later failures are
 * said and retried (the network may come back).
 */
export const tailLogGroup = async (
  logGroup: string,
  pollSeconds: number,
  feed: Feed,
  io: Io,
): Promise<Source> => {
  const client = new CloudWatchLogsClient({});
  let since = Date.now() - FIRST_LOOKBACK_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const pollOnce = async () => {
    const page = await pollLogGroup(client, { logGroupName: logGroup, overlapMs: OVERLAP_MS }, since);
    since = page.nextSince;
    if (page.messages.length > 0)
      await feed(
        logGroup,
        page.messages.flatMap((m) => decodeText(m)),
      );
  };
  const poll = async () => {
    try {
      await pollOnce();
    } catch (err) {
      io.err(
        `signins: reading log group ${logGroup}: ${describeUnreachable(err) ?? describeCallError('logs:FilterLogEvents', err)}`,
      );
    }
    if (!stopped) timer = setTimeout(poll, pollSeconds * 1000);
  };
  try {
    await pollOnce();
  } catch (err) {
    if (isPermanentTailError(err)) {
      client.destroy();
      throw new CliError(
        `cannot tail log group ${logGroup}: ${describeUnreachable(err) ?? describeCallError('logs:FilterLogEvents', err)}`,
        1,
        { cause: err },
      );
    }
    io.err(`signins: reading log group ${logGroup}: ${describeCallError('logs:FilterLogEvents', err)}`);
  }
  timer = setTimeout(poll, pollSeconds * 1000);
  io.err(`signins: tailing log group ${logGroup} every ${pollSeconds}s`);
  return {
    close: () => {
      stopped = true;
      clearTimeout(timer);
      client.destroy();
    },
  };
};
