// The CLI's store: the embedded one under the data folder (locked to this process, so that two local bots
// never post the same pending alerts), in memory for dry runs, or a real table when SIGNINS_TABLE is set.
import { lockDataDir } from '../adapters/data-dir-lock';
import type { Config } from '../pipeline/config';
import { type LocalStore, openLocalStore } from '../pipeline/local-runtime';

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
