// `signins start --watch`: the folder layout `aws s3 sync` writes, and files that are still being written.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  checkWatchPath,
  type DirectoryWatcher,
  looksComplete,
  type WatchedFile,
  watchDirectory,
} from '../../bot/adapters/directory-watcher';
import { decodeBytes } from '../../bot/core/decode-input';
import { readFixture } from '../helpers/fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
};

const trailFile = (): Buffer => {
  const record = JSON.parse(readFixture('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json'));
  // Padding makes the gzip long enough to cut in two halves that are both non-trivial.
  const padding = Array.from({ length: 200 }, (_, i) => ({
    ...record,
    eventID: `pad-${i}`,
    eventSource: 's3.amazonaws.com',
  }));
  return gzipSync(JSON.stringify({ Records: [record, ...padding] }));
};

describe('watching a synced trail folder', () => {
  let dir: string;
  let watcher: DirectoryWatcher | undefined;
  const seen: WatchedFile[] = [];
  const errors: string[] = [];
  const watch = async (quietMs = 30_000) => {
    watcher = await watchDirectory(
      dir,
      async (file) => {
        seen.push(file);
      },
      (path, err) => errors.push(`${path}: ${String(err)}`),
      { pollMs: 30, quietMs },
    );
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signins-watch-'));
    seen.length = 0;
    errors.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds files in the nested folders aws s3 sync creates, including folders created while watching', async () => {
    const day1 = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '11', '20');
    mkdirSync(day1, { recursive: true });
    writeFileSync(join(day1, '111122223333_CloudTrail_us-east-1_20261120T0915Z_a.json.gz'), trailFile());
    await watch();
    expect(seen.map((f) => f.path)).toEqual([
      join(day1, '111122223333_CloudTrail_us-east-1_20261120T0915Z_a.json.gz'),
    ]);

    const day2 = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2026', '11', '21');
    mkdirSync(day2, { recursive: true });
    writeFileSync(join(day2, '111122223333_CloudTrail_eu-west-1_20261121T0000Z_b.json.gz'), trailFile());
    writeFileSync(join(day2, 'digest.txt'), 'not a trail file');
    await waitFor(() => seen.length === 2);
    expect(seen[1]?.path).toBe(join(day2, '111122223333_CloudTrail_eu-west-1_20261121T0000Z_b.json.gz'));
    await sleep(150);
    expect(seen).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('waits for a file written in two halves and reads it whole, once', async () => {
    await watch();
    const bytes = trailFile();
    const path = join(dir, 'slow-copy.json.gz');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // Many polls with the first half alone: unchanged, but cut short, so not handed over.
    await sleep(400);
    expect(seen).toEqual([]);
    appendFileSync(path, bytes.subarray(Math.floor(bytes.length / 2)));
    await waitFor(() => seen.length === 1);
    const items = decodeBytes(seen[0]?.bytes ?? Buffer.alloc(0));
    expect(items.filter((i) => i.kind === 'signin')).toHaveLength(1);
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([]);
    await sleep(150);
    expect(seen).toHaveLength(1);
  });

  it('hands over a file that stays cut short once it has been quiet long enough, so the user hears of it', async () => {
    await watch(200);
    writeFileSync(join(dir, 'broken.json'), '{"Records": [');
    await waitFor(() => seen.length === 1);
    expect(decodeBytes(seen[0]?.bytes ?? Buffer.alloc(0))).toEqual([
      expect.objectContaining({ kind: 'rejected' }),
    ]);
  });

  it('refuses a missing folder or a file with one line that says what to do', async () => {
    await expect(checkWatchPath(join(dir, 'nope'))).rejects.toThrow(
      `--watch ${join(dir, 'nope')}: no such folder (create it, or give the folder your trail files are synced to)`,
    );
    writeFileSync(join(dir, 'one.json'), '{}');
    await expect(checkWatchPath(join(dir, 'one.json'))).rejects.toThrow(
      /is a file, not a folder \(to read one file once, use --events /,
    );
  });
});

describe('telling a whole file from one cut short', () => {
  it.each([
    ['a gzip cut in half', trailFile().subarray(0, 200), false],
    ['a whole gzip', trailFile(), true],
    ['JSON cut mid-document', Buffer.from('{"Records": [{"eventID": "a"'), false],
    ['JSON cut mid-string', Buffer.from('{"Records": [{"eventID": "a'), false],
    ['whole JSON', Buffer.from('{"Records": []}\n'), true],
    ['JSON lines', Buffer.from('{"a": 1}\n{"b": 2}\n'), true],
    ['JSON lines cut mid-line', Buffer.from('{"a": 1}\n{"b": '), false],
    ['concatenated pretty records (jq output)', Buffer.from('{\n  "a": 1\n}\n{\n  "b": 2\n}\n'), true],
    ['an empty file', Buffer.alloc(0), false],
  ])('%s', (_name, bytes, complete) => {
    expect(looksComplete(bytes)).toBe(complete);
  });
});
