// One local bot per data folder: two processes on one embedded store would each post the same pending
// alerts. The lock is a file holding the owner's pid; a lock left by a process that no longer runs is
// taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'signins.lock';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `${dataDir} is in use by another signins (pid ${pid}): stop it first, or give this one its own SIGNINS_DATA_DIR`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readOwner = (path: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

export const lockDataDir = (dataDir: string, pid: number = process.pid): DataDirLock => {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      // 'wx' fails when the file exists: creating it is the atomic test-and-set.
      writeFileSync(path, `${pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          if (readOwner(path) === pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(path);
    if (owner !== undefined && isRunning(owner)) throw new DataDirLockedError(dataDir, owner);
    // Stale (its process is gone) or empty (its writer died between create and write): take it over.
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock ${dataDir}: ${path} keeps coming back`);
};
