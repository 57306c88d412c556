// P3: what loading the functions costs. The Slack ingress and the events worker are bundled as infra bundles
// them, next to a bare Bolt app on AwsLambdaReceiver (the smallest Slack app on Lambda) built with the same
// options in the same run; each bundle is then required in fresh `node` processes, in turn, with the stack's
// NODE_OPTIONS. Ratios are against the bare Bolt app: the ingress should cost about what Bolt costs, the
// worker (which needs no Bolt) much less. The worker's metafile says which import chain pulls Bolt,
// express or Socket Mode in, if any does.
//   npx tsx bench/bundles.ts [RUNS=15]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { HANDLERS } from '../shared/handlers';
import { median, round } from './bench-helpers';
import { type Bundle, bundleLikeInfra, bytesByPackage, importChain, REPO } from './bundle-helpers';

const execFileAsync = promisify(execFile);

/** Bolt's own AWS Lambda example, cut down: an App on an AwsLambdaReceiver, one command, the handler. */
const BARE_BOLT_APP = `
const { App, AwsLambdaReceiver } = require('@slack/bolt');
const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET || 'bench' });
// No auth.test at start (it would call Slack): the bench never lets a connection leave 127.0.0.1.
const app = new App({ token: 'xoxb-bench', receiver, tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' } });
app.command('/signins', async ({ ack }) => { await ack('ok'); });
module.exports.handler = async (event, context, callback) => {
  const handler = await receiver.start();
  return handler(event, context, callback);
};
`;

// Runs in the child: the time `require` takes (parse, compile, module scope), and since the process began.
const CHILD = `
const t0 = performance.now();
require(process.env.BENCH_BUNDLE);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, loadedAtMs: t1 }));
process.exit(0);
`;

/** Packages the worker must not load (it serves no Slack request). */
export const NOT_IN_WORKER = ['@slack/bolt', 'express', '@slack/socket-mode'] as const;

type Name = 'ingress' | 'worker' | 'bolt';

export interface ColdStartResult {
  /** Median cold require time of the ingress bundle / the bare Bolt app's. Target ≤ 1.15. */
  readonly ingressRatio: number;
  /** Median cold require time of the worker bundle / the bare Bolt app's. Target ≤ 0.5. */
  readonly workerRatio: number;
  readonly runs: number;
  readonly requireMs: Record<Name, number>;
  /** From process start to the bundle loaded (node's own start included, the same for all three). */
  readonly loadedAtMs: Record<Name, number>;
  readonly bundleBytes: Record<Name, number>;
  readonly mapBytes: Record<Name, number>;
  readonly sizeRatio: { readonly ingress: number; readonly worker: number };
  /** For each package the worker must not load: the import chain that brings it in, or null. */
  readonly workerChains: Record<(typeof NOT_IN_WORKER)[number], string[] | null>;
  /** The worker bundle's largest packages: bytes in the output, and the file of ours that brings each in. */
  readonly workerLargest: { readonly name: string; readonly bytes: number; readonly via: string | null }[];
}

/** The last file of ours on an import chain: where a package enters the bundle. */
const ourImporter = (chain: string[] | null): string | null =>
  chain?.filter((p) => !p.includes('node_modules/')).at(-1) ?? null;

const loadOnce = async (child: string, bundle: string) => {
  const { stdout } = await execFileAsync(process.execPath, [child], {
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      // As the stack sets it (infra/signin-alerts.ts): the source map is read when the bundle loads.
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'us-east-1',
      // Anything a module scope might call gets a closed local port: nothing leaves 127.0.0.1.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      BENCH_BUNDLE: bundle,
    },
  });
  return JSON.parse(stdout) as { requireMs: number; loadedAtMs: number };
};

export const runColdStartBench = async (options: { runs?: number } = {}): Promise<ColdStartResult> => {
  const runs = options.runs ?? 15;
  const work = mkdtempSync(path.join(tmpdir(), 'signins-bundles-'));
  try {
    const boltEntry = path.join(work, 'bare-bolt', 'app.js');
    mkdirSync(path.dirname(boltEntry), { recursive: true });
    writeFileSync(boltEntry, BARE_BOLT_APP);
    const bundles: Record<Name, Bundle> = {
      ingress: await bundleLikeInfra(HANDLERS.slackIngress.entry, path.join(work, 'ingress')),
      worker: await bundleLikeInfra(HANDLERS.eventsWorker.entry, path.join(work, 'worker')),
      bolt: await bundleLikeInfra(boltEntry, path.join(work, 'bolt')),
    };
    const child = path.join(work, 'child.js');
    writeFileSync(child, CHILD);
    const names: Name[] = ['ingress', 'worker', 'bolt'];
    // One of each first, not counted: the page cache holds every bundle before timing starts.
    for (const name of names) await loadOnce(child, bundles[name].file);
    const requireMs: Record<Name, number[]> = { ingress: [], worker: [], bolt: [] };
    const loadedAtMs: Record<Name, number[]> = { ingress: [], worker: [], bolt: [] };
    for (let i = 0; i < runs; i += 1) {
      // Each bundle goes first, second and third equally often.
      const order = names.map((_, k) => names[(i + k) % names.length] as Name);
      for (const name of order) {
        const r = await loadOnce(child, bundles[name].file);
        requireMs[name].push(r.requireMs);
        loadedAtMs[name].push(r.loadedAtMs);
      }
    }
    const med = (xs: Record<Name, number[]>) =>
      Object.fromEntries(names.map((n) => [n, round(median(xs[n]), 1)])) as Record<Name, number>;
    const req = med(requireMs);
    const worker = bundles.worker.metafile;
    return {
      ingressRatio: round(median(requireMs.ingress) / median(requireMs.bolt)),
      workerRatio: round(median(requireMs.worker) / median(requireMs.bolt)),
      runs,
      requireMs: req,
      loadedAtMs: med(loadedAtMs),
      bundleBytes: { ingress: bundles.ingress.bytes, worker: bundles.worker.bytes, bolt: bundles.bolt.bytes },
      mapBytes: {
        ingress: bundles.ingress.mapBytes,
        worker: bundles.worker.mapBytes,
        bolt: bundles.bolt.mapBytes,
      },
      sizeRatio: {
        ingress: round(bundles.ingress.bytes / bundles.bolt.bytes),
        worker: round(bundles.worker.bytes / bundles.bolt.bytes),
      },
      workerChains: Object.fromEntries(
        NOT_IN_WORKER.map((pkg) => [
          pkg,
          importChain(worker, pkg)?.map((p) => path.relative(REPO, path.resolve(REPO, p))) ?? null,
        ]),
      ) as ColdStartResult['workerChains'],
      workerLargest: bytesByPackage(worker)
        .slice(0, 8)
        .map(([name, bytes]) => ({ name, bytes, via: ourImporter(importChain(worker, name)) })),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

if (require.main === module) {
  runColdStartBench({ runs: Number(process.argv[2] ?? '15') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
