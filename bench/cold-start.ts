// Measures what the geo data costs the events worker's cold start: the handler bundled with the local esbuild
// the way infra/bot-functions.ts bundles it, run in fresh `node` processes (alternating), each from process
// start to one sign-in handled through the subscription path (decode, store in dynalite, card to the fake
// Slack), with SIGNINS_GEO_DIR at the built data, and at a directory without it (geo off: the worker warns once
// and posts cards without a country). Everything runs on 127.0.0.1.
//   npx tsx bench/cold-start.ts [RUNS=15]
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { startEmbeddedDynamo } from '../bot/adapters/embedded-dynamodb';
import { ENV } from '../shared/env-keys';
import { ensureGeoData } from '../shared/geo-data-build';
import { HANDLERS } from '../shared/handlers';
import { FakeSlack } from '../test/helpers/fake-slack';
import { recordFrom, subscriptionEvent } from '../test/helpers/fixtures';
import { SECRET_ARN, SIGNING_SECRET } from '../test/helpers/lambda-env';
import { median } from './bench-helpers';
import { bundleLikeInfra } from './bundle-helpers';

const runs = Number(process.argv[2] ?? '15');
const CHANNEL = 'C0SIGNINS';
const execFileAsync = promisify(execFile);

/** Secrets Manager's GetSecretValue, enough for the worker to read the Slack token. */
const startFakeSecrets = async (): Promise<Server & { url: string }> => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({
          ARN: SECRET_ARN,
          Name: 'signins-slack',
          SecretString: JSON.stringify({ botToken: 'xoxb-test', signingSecret: SIGNING_SECRET }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
};

// Runs in the child: Lambda's cold start is the runtime's own start, loading the handler, then the first event.
const CHILD = `
const { readFileSync } = require('node:fs');
const { handler } = require(process.env.BENCH_BUNDLE);
const event = JSON.parse(readFileSync(process.env.BENCH_EVENT, 'utf8'));
handler(event, { getRemainingTimeInMillis: () => 60000 }).then((result) => {
  // performance.now() counts from the process's start.
  process.stdout.write(JSON.stringify({ ms: performance.now(), result }));
});
`;

// The data alone, in a fresh process: the part of the difference above that is the geo data's own.
const GEO_CHILD = `
const { openGeoData } = require(process.env.BENCH_BUNDLE);
const t0 = performance.now();
const geo = openGeoData(process.env.SIGNINS_GEO_DIR);
const t1 = performance.now();
geo.country('8.8.8.8');
geo.network('8.8.8.8');
const t2 = performance.now();
let n = 0;
for (let i = 0; i < 10000; i += 1) n += geo.network(\`\${1 + (i % 223)}.\${i % 256}.\${(i * 7) % 256}.1\`) ? 1 : 0;
const t3 = performance.now();
process.stdout.write(JSON.stringify({ open: t1 - t0, first: t2 - t1, lookupUs: ((t3 - t2) / 10000) * 1000 }));
`;

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

const sizeOf = (dir: string) =>
  readdirSync(dir).reduce(
    (sum, name) => {
      const bytes = readFileSync(path.join(dir, name));
      return { raw: sum.raw + bytes.length, zipped: sum.zipped + deflateRawSync(bytes).length };
    },
    { raw: 0, zipped: 0 },
  );

const main = async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'signins-cold-start-'));
  const slack = await new FakeSlack().start();
  const dynamo = await startEmbeddedDynamo();
  const secrets = await startFakeSecrets();
  try {
    const bundlePath = (await bundleLikeInfra(HANDLERS.eventsWorker.entry, path.join(work, 'worker'))).file;
    const geoBundle = (await bundleLikeInfra('bot/adapters/geo-database.ts', path.join(work, 'geo'))).file;
    const geoDir = ensureGeoData();
    const noGeoDir = path.join(work, 'no-geo');
    const child = path.join(work, 'child.js');
    writeFileSync(child, CHILD);
    const geoChild = path.join(work, 'geo-child.js');
    writeFileSync(geoChild, GEO_CHILD);

    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // Any other AWS service gets a closed local port: nothing leaves 127.0.0.1.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      [ENV.table]: dynamo.tableName,
      [ENV.secretArn]: SECRET_ARN,
      [ENV.slackApiUrl]: slack.url,
      [ENV.channel]: CHANNEL,
      [ENV.logLevel]: 'error',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // As the stack sets it (sourceMap: true).
      NODE_OPTIONS: '--enable-source-maps',
      BENCH_BUNDLE: bundlePath,
    };
    const runOnce = async (variant: 'geo' | 'off', n: number) => {
      const eventFile = path.join(work, `event-${n}.json`);
      const record = recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', {
        eventID: `cold-start-${n}`,
        sourceIPAddress: '8.8.8.8',
      });
      writeFileSync(eventFile, JSON.stringify(subscriptionEvent([record])));
      const before = slack.callsTo('chat.postMessage').length;
      const { stdout } = await execFileAsync(process.execPath, [child], {
        env: { ...env, [ENV.geoDir]: variant === 'geo' ? geoDir : noGeoDir, BENCH_EVENT: eventFile },
      });
      const posted = slack.callsTo('chat.postMessage').slice(before);
      const { ms } = JSON.parse(stdout) as { ms: number };
      return { ms, withNetwork: posted.some((call) => JSON.stringify(call.args).includes('Google LLC')) };
    };

    // One pair first, not counted: it fills the page cache with the bundle and the data.
    await runOnce('geo', -2);
    await runOnce('off', -1);
    const times = { geo: [] as number[], off: [] as number[] };
    const carded = { geo: 0, off: 0 };
    for (let i = 0; i < runs; i += 1) {
      for (const variant of i % 2 === 0 ? (['geo', 'off'] as const) : (['off', 'geo'] as const)) {
        const run = await runOnce(variant, 2 * i + (variant === 'geo' ? 0 : 1));
        times[variant].push(run.ms);
        if (run.withNetwork) carded[variant] += 1;
      }
    }

    const alone = { open: [] as number[], first: [] as number[], lookupUs: [] as number[] };
    for (let i = 0; i < runs; i += 1) {
      const { stdout } = await execFileAsync(process.execPath, [geoChild], {
        env: { PATH: process.env.PATH, BENCH_BUNDLE: geoBundle, [ENV.geoDir]: geoDir },
      });
      const r = JSON.parse(stdout) as { open: number; first: number; lookupUs: number };
      alone.open.push(r.open);
      alone.first.push(r.first);
      alone.lookupUs.push(r.lookupUs);
    }

    const geo = median(times.geo);
    const off = median(times.off);
    const layer = sizeOf(geoDir);
    console.log(
      `Events worker cold start: process start → one sign-in handled (${runs} fresh processes each, alternating)`,
    );
    console.log(`  with geo data (SIGNINS_GEO_DIR=${geoDir})`);
    console.log(
      `    median ${geo.toFixed(1)} ms  (min ${Math.min(...times.geo).toFixed(1)}, max ${Math.max(...times.geo).toFixed(1)})`,
    );
    console.log('  without (SIGNINS_GEO_DIR at an empty directory: geo off)');
    console.log(
      `    median ${off.toFixed(1)} ms  (min ${Math.min(...times.off).toFixed(1)}, max ${Math.max(...times.off).toFixed(1)})`,
    );
    console.log(
      `  difference ${(geo - off).toFixed(1)} ms, ratio ${(geo / off).toFixed(3)} (the issue's limit: +100 ms)`,
    );
    console.log(
      `  cards naming the network (AS15169 Google LLC): with ${carded.geo}/${runs}, without ${carded.off}/${runs}`,
    );
    console.log(
      `Geo data alone, fresh process (median of ${runs}): openGeoData ${median(alone.open).toFixed(1)} ms, first lookup ` +
        `(country + network) ${median(alone.first).toFixed(2)} ms, then ${median(alone.lookupUs).toFixed(1)} µs a network lookup`,
    );
    console.log(
      `Worker bundle: index.js ${mb(statSync(bundlePath).size)}, index.js.map ${mb(statSync(`${bundlePath}.map`).size)}`,
    );
    console.log(
      `Geo layer: ${mb(layer.raw)} unpacked (${readdirSync(geoDir).join(', ')}), ${mb(layer.zipped)} deflated (about its zip)`,
    );
  } finally {
    await new Promise((resolve) => secrets.close(resolve));
    await slack.stop();
    await dynamo.close();
    rmSync(work, { recursive: true, force: true });
  }
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
