// Inputs read as streams: the same items as the whole-input decoder, a log file cut short losing only its tail,
// memory that does not grow with the input or wait on the reader, and bin/signins.cjs telling a stale build from a fresh one.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { streamInputs } from '../../bot/cli/read-inputs';
import { type DecodedItem, decodeBytes } from '../../bot/core/decode-input';
import { recordFrom } from '../helpers/fixtures';
import { BIN, cleanEnv, lines, ROOT, runCli } from './run-cli';

const FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const ROOT_OK = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';

const records = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    recordFrom(i % 3 === 0 ? ROOT_OK : FAIL, {
      eventID: `ev-${i}`,
      sourceIPAddress: `198.51.100.${i % 250}`,
    }),
  );

const streamed = async (path: string, batchSize = 500): Promise<DecodedItem[]> => {
  const out: DecodedItem[] = [];
  for await (const batch of streamInputs([path], { batchSize })) out.push(...batch.items);
  return out;
};

describe('parse and replay read their inputs as streams', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signins-stream-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const many = records(20_000);
  const shapes: [string, Buffer][] = [
    ['a Records file', Buffer.from(JSON.stringify({ Records: many }))],
    ['JSON lines', Buffer.from(`${many.map((r) => JSON.stringify(r)).join('\n')}\n`)],
  ];

  it.each(
    shapes.flatMap(([shape, bytes]) => [
      [`${shape}, plain`, bytes],
      [`${shape}, gzip`, gzipSync(bytes)],
    ]),
  )(
    '%s of 20,000 records gives the items of the whole-input decoder, in order',
    async (_name, bytes) => {
      const file = join(dir, 'input');
      writeFileSync(file, bytes);
      const items = await streamed(file);
      expect(items).toHaveLength(20_000);
      expect(items).toEqual(decodeBytes(bytes));
    },
    60_000,
  );

  it('a Records file cut short keeps every whole record and rejects only the broken tail', async () => {
    const text = JSON.stringify({ Records: records(3_000) });
    // Cut inside the last record, as an interrupted download leaves it.
    const cut = text.slice(0, text.lastIndexOf('"eventID":"ev-2999"') + 5);
    const file = join(dir, 'cut.json');
    writeFileSync(file, cut);
    const items = await streamed(file);
    expect(items.filter((i) => i.kind === 'signin')).toHaveLength(2_999);
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([
      expect.objectContaining({
        position: 'Records[2999]',
        message: expect.stringMatching(/^invalid JSON: /),
      }),
    ]);
    const run = await runCli(['parse', file], { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(lines(run.stdout)).toHaveLength(2_999);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^signins: .*cut\.json \(Records\[2999\]\): invalid JSON/),
    ]);
  }, 90_000);

  it('parses a 119 MB file in a 48 MB heap, to a reader slower than it: one record at a time, and output waits for the pipe', async () => {
    const record = JSON.stringify(recordFrom(FAIL, { eventID: 'ev-x' }));
    const file = join(dir, 'big.json');
    // 150,000 records, written in pieces so that the test itself never holds them.
    writeFileSync(file, '{"Records":[');
    const piece = Array.from({ length: 1_000 }, () => record).join(',');
    for (let i = 0; i < 150; i += 1) writeFileSync(file, `${i ? ',' : ''}${piece}`, { flag: 'a' });
    writeFileSync(file, ']}', { flag: 'a' });
    // V8 stops the process when the heap passes its limit: holding the input, or queueing the output
    // for a reader that has not caught up, cannot pass this test however the garbage collector runs.
    const child = spawn(process.execPath, ['--max-old-space-size=48', BIN, 'parse', file], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let newlines = 0;
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d: Buffer) => {
      for (let at = d.indexOf(10); at !== -1; at = d.indexOf(10, at + 1)) newlines += 1;
    });
    // A reader that falls behind: nothing is read for the first second.
    child.stdout.pause();
    const reading = setTimeout(() => child.stdout.resume(), 1_000);
    const stuck = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(reading);
    clearTimeout(stuck);
    expect({ code, stderr: stderr.slice(0, 300) }).toEqual({ code: 0, stderr: '' });
    expect(newlines).toBe(150_000);
  }, 120_000);

  it('reads a gzip file through stdin as `aws s3 cp … - | signins parse -` hands it over', async () => {
    const bytes = gzipSync(JSON.stringify({ Records: records(50) }));
    const run = await runCli(['parse', '-'], { stdin: bytes });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(lines(run.stdout)).toHaveLength(50);
  });
});

describe('bin/signins.cjs and the compiled CLI', () => {
  let tree: string;
  beforeAll(() => {
    // A clone in miniature: the real sources and packages, its own bin and dist (the stamp is what is tested).
    tree = mkdtempSync(join(tmpdir(), 'signins-bin-'));
    mkdirSync(join(tree, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'signins.cjs'), join(tree, 'bin', 'signins.cjs'));
    for (const name of ['bot', 'shared', 'node_modules', 'package.json', 'dist'])
      symlinkSync(join(ROOT, name), join(tree, name));
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  const runIn = (bin: string) => runCli(['--version'], { bin });

  it('runs the build when it is as new as its sources, without a word on stderr', async () => {
    const run = await runIn(join(ROOT, 'bin', 'signins.cjs'));
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('falls back to the TypeScript sources, with one line saying so, when the build is older than them', async () => {
    rmSync(join(tree, 'dist'));
    mkdirSync(join(tree, 'dist', 'cli'), { recursive: true });
    // Built from a main.ts whose mtime has since changed: stale.
    writeFileSync(
      join(tree, 'dist', 'cli', 'stamp.json'),
      JSON.stringify({ sources: { 'bot/cli/main.ts': 1 } }),
    );
    writeFileSync(join(tree, 'dist', 'cli', 'main.mjs'), 'throw new Error("a stale build must not run");\n');
    const run = await runIn(join(tree, 'bin', 'signins.cjs'));
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^signins: running from the TypeScript sources .*npm run build/),
    ]);
  }, 30_000);
});
