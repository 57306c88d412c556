// `signins replay --dry-run` over a long input in a small heap: the dry run's memory store keeps what its
// decisions need, not the records or their cards, so a file whose cards would not fit replays to the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFrom } from '../helpers/fixtures';
import { BIN, cleanEnv, ROOT } from './run-cli';

const FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const SUCCESS = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ROOT_OK = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const START = Date.parse('2026-10-01T00:00:00Z');
const RECORDS = 40_000;

/** Record i of a day and a half of traffic, one every 10 s: failures, successes of 97 people, a root sign-in in 50. */
const record = (i: number): Record<string, unknown> => {
  const rel = i % 50 === 0 ? ROOT_OK : i % 10 < 5 ? FAIL : SUCCESS;
  return recordFrom(rel, {
    eventID: `mem-${i}`,
    eventTime: new Date(START + i * 10_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    sourceIPAddress: `198.51.${(i >> 8) % 256}.${i % 256}`,
    ...(rel === ROOT_OK
      ? {}
      : { userIdentity: { ...(recordFrom(rel).userIdentity as object), userName: `user-${i % 97}` } }),
  });
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'signins-replay-memory-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay --dry-run', () => {
  it('replays 40,000 sign-ins, one card each, in a 96 MB heap, where the records and their cards, held, would not fit', async () => {
    const file = join(dir, 'day.jsonl');
    // Written in pieces, so that the test itself never holds them.
    writeFileSync(file, '');
    for (let from = 0; from < RECORDS; from += 1_000) {
      const piece = Array.from({ length: 1_000 }, (_, k) => `${JSON.stringify(record(from + k))}\n`).join('');
      writeFileSync(file, piece, { flag: 'a' });
    }
    // V8 stops the process when the heap passes its limit: a store that kept each record or card cannot pass
    // this however the garbage collector runs.
    const child = spawn(process.execPath, ['--max-old-space-size=96', BIN, 'replay', '--dry-run', file], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let cards = 0;
    let partial = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Each card shown starts with a line naming its channel: `→ #aws-signins`.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('→ #')) cards += 1;
    });
    const stuck = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(stuck);
    expect({ code, stderr: stderr.slice(0, 500) }).toEqual({
      code: 0,
      stderr: expect.stringMatching(
        /^signins: 40000 sign-in\(s\), 0 alarm\(s\): 40000 shown \(dry run\), 0 duplicate\(s\), .* 0 not stored\n$/,
      ),
    });
    expect(cards).toBeGreaterThanOrEqual(RECORDS);
  }, 180_000);
});
