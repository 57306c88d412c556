// Input the CLI cannot use is one printable line naming the file, never a screen of mojibake or a crash;
// and `jq '.Records[]'` output (concatenated pretty-printed records) is input it can use.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FILE_INFLATE_LIMIT } from '../../bot/core/decode-input';
import { lines, ROOT, runCli } from './run-cli';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters left raw.
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffd]/;

describe('input the CLI cannot use', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signins-input-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const trailText = readFileSync(join(ROOT, 'examples', 'hostile-user-agent-twice.json'), 'utf8');

  it.each([
    [
      'binary data',
      'picture.png',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]),
    ],
    [
      'UTF-16 with a byte-order mark',
      'export-bom.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(trailText, 'utf16le')]),
    ],
    ['UTF-16 without a byte-order mark', 'export.json', Buffer.from(trailText, 'utf16le')],
  ])('%s is one printable line naming the file, exit 2, for parse and replay', async (_what, name, bytes) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    for (const args of [
      ['parse', file],
      ['replay', '--dry-run', file],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      const errors = lines(run.stderr).filter((l) => !l.startsWith('signins: 0 sign-in'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^signins: ${file}: (binary data|UTF-16 text)`));
      expect(run.stderr).not.toMatch(UNPRINTABLE);
      expect(run.stdout).toBe('');
    }
  });

  it('a gzip that inflates past the limit is one line naming the file and the limit, and the other files still count', async () => {
    // Many small gzip members of zeros: cheap to write, more than the limit once inflated.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const members = Math.floor(FILE_INFLATE_LIMIT / (16 * 1024 * 1024)) + 1;
    const bomb = join(dir, 'bomb.json.gz');
    writeFileSync(bomb, Buffer.concat(Array.from({ length: members }, () => member)));
    const good = join(ROOT, 'examples', 'hostile-user-agent-twice.json');
    const run = await runCli(['parse', bomb, good], { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      `signins: ${bomb}: inflates to more than 256 MB (the limit for one input)`,
    ]);
    expect(lines(run.stdout)).toHaveLength(2);
  }, 40_000);
});

describe("jq '.Records[]' output", () => {
  it('is read as concatenated records by parse and replay', async () => {
    const trail = JSON.parse(readFileSync(join(ROOT, 'examples', 'sample-trail.json'), 'utf8')) as {
      Records: unknown[];
    };
    const jqOutput = `${trail.Records.map((r) => JSON.stringify(r, null, 2)).join('\n')}\n`;
    const parse = await runCli(['parse', '-'], { stdin: jqOutput });
    expect(parse.stderr).toBe('');
    expect(parse.code).toBe(0);
    expect(lines(parse.stdout)).toHaveLength(9);
    const replay = await runCli(['replay', '--dry-run', '--json', '-'], { stdin: jqOutput });
    expect(replay.code).toBe(0);
    expect(lines(replay.stdout)).toHaveLength(8);
  });
});
