// Watches a folder tree for CloudTrail files (.json, .json.gz, .jsonl), in any sub-folder: `aws s3 sync`
// writes AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz. Polls rather than using
// fs.watch, whose recursive mode differs by platform and misses files in folders created meanwhile. A file
// is handed over once complete: unchanged across two polls and whole (a gzip that inflates to its end,
// JSON that does not stop mid-document), or unchanged for `quietMs` whatever it holds.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const TRAIL_FILE = /\.(json|json\.gz|jsonl|gz)$/;

export interface WatchedFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface DirectoryWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  /** @default 1000 */
  readonly pollMs?: number;
  /** A file unchanged this long is handed over even if it looks cut short. @default 30000 */
  readonly quietMs?: number;
}

export class WatchPathError extends Error {
  override readonly name = 'WatchPathError';
}

/** Fails with one line when `dir` is missing or not a folder. */
export const checkWatchPath = async (dir: string): Promise<void> => {
  let isFolder: boolean;
  try {
    isFolder = (await stat(dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new WatchPathError(
        `--watch ${dir}: no such folder (create it, or give the folder your trail files are synced to)`,
      );
    throw new WatchPathError(`--watch ${dir}: cannot read it (${code ?? String(err)})`);
  }
  if (!isFolder)
    throw new WatchPathError(
      `--watch ${dir}: is a file, not a folder (to read one file once, use --events ${dir})`,
    );
};

const GZIP = (b: Buffer) => b[0] === 0x1f && b[1] === 0x8b;
/** What a gzip may inflate to before the watcher stops checking it (the decoder has its own cap). */
const CHECK_LIMIT = 256 * 1024 * 1024;

/** False when the bytes end before their content does: a writer is still at it. */
export const looksComplete = (bytes: Buffer): boolean => {
  if (bytes.length === 0) return false;
  if (GZIP(bytes)) {
    try {
      gunzipSync(bytes, { maxOutputLength: CHECK_LIMIT });
      return true;
    } catch (err) {
      // Truncated streams end with Z_BUF_ERROR; anything else (corrupt, too large) is complete as it is.
      return (err as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR';
    }
  }
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    if (/Unexpected end of JSON input/.test(message) || (at && Number(at[1]) >= text.trimEnd().length))
      return false;
    // Several documents (JSON lines, `jq` output): whole when the last one closes.
    return /[}\]]\s*$/.test(text);
  }
};

interface Seen {
  signature: string;
  /** When the signature was first seen unchanged. */
  since: number;
  handed: boolean;
}

const listTrailFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && TRAIL_FILE.test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
};

export const watchDirectory = async (
  dir: string,
  onFile: (file: WatchedFile) => Promise<void>,
  onError: (path: string, err: unknown) => void,
  options: WatchOptions = {},
): Promise<DirectoryWatcher> => {
  await checkWatchPath(dir);
  const pollMs = options.pollMs ?? 1000;
  const quietMs = options.quietMs ?? 30_000;
  const seen = new Map<string, Seen>();

  const consider = async (path: string, now: number): Promise<void> => {
    const info = await stat(path);
    const signature = `${info.size}:${info.mtimeMs}`;
    const known = seen.get(path);
    if (!known || known.signature !== signature) {
      // New or changed: wait for the next poll to see it settle.
      seen.set(path, { signature, since: now, handed: false });
      return;
    }
    if (known.handed) return;
    const bytes = await readFile(path);
    if (`${bytes.length}` !== signature.split(':')[0]) return;
    if (!looksComplete(bytes) && now - known.since < quietMs) return;
    known.handed = true;
    await onFile({ path, bytes });
  };

  const poll = async (): Promise<void> => {
    let files: string[];
    try {
      files = await listTrailFiles(dir);
    } catch (err) {
      onError(dir, err);
      return;
    }
    const now = Date.now();
    for (const path of files) {
      try {
        await consider(path, now);
      } catch (err) {
        // Deleted between the listing and the read: nothing to do.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(path, err);
      }
    }
  };

  // Two polls before returning: files already there are handed over (once settled) before the caller goes on.
  await poll();
  await new Promise((r) => setTimeout(r, Math.min(pollMs, 200)));
  await poll();

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      running = poll().finally(() => {
        if (!stopped) loop();
      });
    }, pollMs);
  };
  loop();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
