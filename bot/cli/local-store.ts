// The CLI's store: the embedded one under the data folder (locked to this process, so that two local bots
// never post the same pending alerts), in memory for dry runs, or a real table when SIGNINS_TABLE is set.

import { describeUnreachable, errorName } from '../adapters/aws-errors';
import { DataDirLockedError, lockDataDir } from '../adapters/data-dir-lock';
import type { Config } from '../pipeline/config';
import { type LocalStore, openLocalStore } from '../pipeline/local-runtime';
import { CliError } from './cli-error';

export const openCliStore = async (config: Config, persist: boolean): Promise<LocalStore> => {
  const lock = persist && !config.tableName ? lockDataDir(config.dataDir) : undefined;
  let local: LocalStore;
  try {
    local = await openLocalStore(config, persist);
  } catch (err) {
    lock?.release();
    throw err;
  }
  return {
    ...local,
    close: async () => {
      try {
        await local.close();
      } finally {
        lock?.release();
      }
    },
  };
};

/** A failure of the store in words the user can act on; undefined when it is not one of those. */
const storeProblem = (config: Config, err: unknown): string | undefined => {
  if (config.tableName && errorName(err) === 'ResourceNotFoundException')
    return `there is no table ${config.tableName} for these AWS credentials: check SIGNINS_TABLE (the stack's TableName output), AWS_REGION and AWS_PROFILE`;
  return config.tableName ? describeUnreachable(err) : undefined;
};

/**
 * Runs a one-off command (`query`, `silence`, …) on the store `signins start` uses, then closes it. The local
 * store is one process's at a time: a running `signins start` holds it, and the user is told to stop it or to
 * ask in Slack instead.
 */
export const withCommandStore = async <T>(
  config: Config,
  work: (local: LocalStore) => Promise<T>,
  open: (config: Config) => Promise<LocalStore> = (c) => openCliStore(c, true),
): Promise<T> => {
  let local: LocalStore;
  try {
    local = await open(config);
  } catch (err) {
    if (err instanceof DataDirLockedError)
      throw new CliError(
        `${err.dataDir} is in use by a running signins start (pid ${err.pid}): stop it, or ask in Slack with /signins`,
        1,
        { cause: err },
      );
    throw err;
  }
  try {
    return await work(local);
  } catch (err) {
    const problem = storeProblem(config, err);
    if (problem) throw new CliError(problem, 1, { cause: err });
    throw err;
  } finally {
    await local.close();
  }
};
