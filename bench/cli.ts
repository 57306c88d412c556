// P6: the `signins` CLI on a 50 MB JSON-lines file of sign-ins. `replay --dry-run` (the worker's pipeline with
// the dry run's memory store, bot/adapters/memory-store.ts) against `parse` of the same file → throughput ratio, replay's peak RSS, and
// `signins --version` against `node -e 0` → start-up ratio. Child processes on the compiled CLI, as a user runs
// it. `npx tsx bench/cli.ts` (builds the CLI first).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFrom } from '../test/helpers/fixtures';
import { alternate, median, round } from './bench-helpers';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'signins.cjs');
const TARGET_BYTES = 50 * 1000 * 1000;

const FIXTURES = [
  'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json',
  'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json',
  'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json',
];

/** Sign-ins from the published fixtures: unique eventIDs, 400 users, addresses and outcomes mixed, over 30 days. */
const writeInput = async (file: string): Promise<{ records: number; bytes: number }> => {
  const out = createWriteStream(file);
  const start = Date.parse('2026-10-01T00:00:00Z');
  let bytes = 0;
  let records = 0;
  while (bytes < TARGET_BYTES) {
    const i = records;
    const base = FIXTURES[i % FIXTURES.length] as string;
    const record = recordFrom(base, {
      eventID: `bench-${i}`,
      eventTime: new Date(start + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      sourceIPAddress: `198.51.${(i >> 8) % 256}.${i % 256}`,
      ...(base.includes('root')
        ? {}
        : { userIdentity: { ...(recordFrom(base).userIdentity as object), userName: `user-${i % 400}` } }),
    });
    const line = `${JSON.stringify(record)}\n`;
    bytes += Buffer.byteLength(line);
    records += 1;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { records, bytes };
};

interface Run {
  readonly ms: number;
  readonly code: number | null;
  readonly maxRssKb: number | null;
  readonly stderr: string;
}

/** One CLI run, stdout discarded; its own peak RSS as the kernel counts it (bin reports it on request). */
const runCli = (args: readonly string[], dataDir: string): Promise<Run> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SIGNINS_LOG_LEVEL: 'silent',
        SIGNINS_DATA_DIR: dataDir,
        SIGNINS_REPORT_MAX_RSS: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /max RSS (\d+) KB/.exec(stderr);
      resolve({ ms: performance.now() - started, code, maxRssKb: rss ? Number(rss[1]) : null, stderr });
    });
  });

const nodeStart = (args: readonly string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });

export interface CliBench {
  readonly replayRatio: number;
  readonly peakRssMb: number;
  readonly startupRatio: number;
  /** The raw figures behind the ratios: the input, and each command's time and peak RSS. */
  readonly records: number;
  readonly inputMb: number;
  readonly parse: { readonly seconds: number; readonly recordsPerSecond: number; readonly peakRssMb: number };
  readonly replay: {
    readonly seconds: number;
    readonly recordsPerSecond: number;
    readonly peakRssMb: number;
  };
}

export const runCliBench = async (log: (line: string) => void = () => {}): Promise<CliBench> => {
  const build = spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the CLI did not build: ${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'signins-bench-cli-'));
  try {
    const file = join(dir, 'sign-ins.jsonl');
    const { records, bytes } = await writeInput(file);
    log(`input: ${records} records, ${round(bytes / 1e6, 1)} MB (${statSync(file).size} bytes)`);
    const parse = await runCli(['parse', file], join(dir, 'data-parse'));
    const replay = await runCli(['replay', '--dry-run', file], join(dir, 'data-replay'));
    for (const [name, run] of [
      ['parse', parse],
      ['replay', replay],
    ] as const) {
      if (run.code !== 0) throw new Error(`${name} exited ${run.code}: ${run.stderr.slice(-500)}`);
      log(
        `${name}: ${round(run.ms / 1000, 1)} s, ${Math.round(records / (run.ms / 1000))} records/s, max RSS ${round((run.maxRssKb ?? 0) / 1024, 1)} MB`,
      );
    }
    const times = await alternate(15, {
      version: () => nodeStart([BIN, '--version']),
      node: () => nodeStart(['-e', '0']),
    });
    const startupRatio = median(times.version) / median(times.node);
    log(
      `--version ${round(median(times.version), 1)} ms, node -e 0 ${round(median(times.node), 1)} ms (medians of 15)`,
    );
    const raw = (run: Run) => ({
      seconds: round(run.ms / 1000, 2),
      recordsPerSecond: Math.round(records / (run.ms / 1000)),
      peakRssMb: round((run.maxRssKb ?? Number.NaN) / 1024, 1),
    });
    return {
      replayRatio: round(parse.ms / replay.ms, 3),
      peakRssMb: round((replay.maxRssKb ?? Number.NaN) / 1024, 1),
      startupRatio: round(startupRatio, 2),
      records,
      inputMb: round(bytes / 1e6, 1),
      parse: raw(parse),
      replay: raw(replay),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  runCliBench((line) => process.stdout.write(`${line}\n`)).then(
    (r) => process.stdout.write(`${JSON.stringify({ cli: r })}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
