// Watches a directory for CloudTrail files (.json, .json.gz, .jsonl) and hands each new or changed one
// over once its writes settle.
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

const TRAIL_FILE = /\.(json|json\.gz|jsonl|gz)$/;

export interface WatchedFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface DirectoryWatcher {
  close(): void;
}

export const watchDirectory = async (
  dir: string,
  onFile: (file: WatchedFile) => Promise<void>,
  onError: (path: string, err: unknown) => void,
  settleMs = 200,
): Promise<DirectoryWatcher> => {
  const seen = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const handle = async (name: string) => {
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) return;
      const signature = `${info.size}:${info.mtimeMs}`;
      if (seen.get(path) === signature) return;
      seen.set(path, signature);
      await onFile({ path, bytes: await readFile(path) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(path, err);
    }
  };
  const schedule = (name: string) => {
    if (!TRAIL_FILE.test(name)) return;
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        void handle(name);
      }, settleMs),
    );
  };
  for (const name of (await readdir(dir)).sort()) await handle(name);
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name) schedule(name.toString());
  });
  return {
    close: () => {
      watcher.close();
      for (const t of timers.values()) clearTimeout(t);
    },
  };
};
