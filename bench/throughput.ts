// P2: the events worker's in-process pipeline (decode → parse → classify → where from → dedupe within the batch →
// render), store I/O excluded, over realistic subscription batches, against the floor measured in the same run:
// base64 + gunzip + JSON.parse of the same batches (the envelope and every record in it: no pipeline can do
// less). Also the store's cost: DynamoDB requests per 1,000 sign-ins through recordSignIns on dynalite (the first
// 5,000 of the same sign-ins, in the same batches: each batch costs about the same, and dynalite is slow).
//   npx tsx bench/throughput.ts
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DynamoSignInStore } from '../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../bot/adapters/embedded-dynamodb';
import { openGeoData } from '../bot/adapters/geo-database';
import { classifySignIn } from '../bot/core/classify';
import { decodeValue } from '../bot/core/decode-input';
import { type GeoData, placeOf } from '../bot/core/geo';
import { renderSignInCard } from '../bot/core/render/sign-in-card';
import type { ClassifiedSignIn } from '../bot/core/sign-in';
import { ensureGeoData } from '../shared/geo-data-build';
import { fixturePath, listFixtures, subscriptionEvent } from '../test/helpers/fixtures';
import { alternate, countRequests, median, round } from './bench-helpers';

export interface ThroughputOptions {
  readonly records?: number;
  readonly perBatch?: number;
  readonly rounds?: number;
  /** How many of the same sign-ins go through the store (its cost per batch does not grow with the total). */
  readonly storeRecords?: number;
}

export interface ThroughputResult {
  /** floor ms / pipeline ms, medians of the same run. */
  readonly ratio: number;
  readonly records: number;
  readonly batches: number;
  readonly floorMs: number;
  readonly pipelineMs: number;
  readonly recordsPerSecond: number;
  /** Medians of three passes step by step: decode (and parse), classify, place (geo), render. */
  readonly stepsMs: Readonly<Record<'decode' | 'classify' | 'place' | 'render', number>>;
  readonly cards: number;
  readonly storeRequestsPer1000: number;
  /** Sign-ins written to count the store's requests (the first of the same records, in the same batches). */
  readonly storeRecords: number;
  readonly storeRequestsByCommand: Record<string, number>;
  readonly storeMs: number;
}

type SubscriptionEvent = ReturnType<typeof subscriptionEvent>;

/** Every published sign-in record among the fixtures (files and JSON lines), in a fixed order. */
const fixtureRecords = (): Record<string, unknown>[] => {
  const records: Record<string, unknown>[] = [];
  for (const rel of listFixtures('signin')) {
    if (!/\.jsonl?$/.test(rel)) continue;
    const text = readFileSync(fixturePath(rel), 'utf8');
    const values = rel.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()) : [text];
    for (const value of values) {
      try {
        const record = JSON.parse(value) as Record<string, unknown>;
        if (record.eventSource === 'signin.amazonaws.com') records.push(record);
      } catch {
        // Fixtures that are deliberately broken are for the decoder's tests, not for a realistic batch.
      }
    }
  }
  return records;
};

// Spread over the address space so the geo data is looked up as in real traffic, not one cached answer.
const addressOf = (n: number): string =>
  `${1 + ((n * 37) % 223)}.${(n * 7) % 256}.${(n * 13) % 256}.${1 + (n % 250)}`;

/** `records` sign-in records from the fixtures, each with its own eventID and address, in batches as delivered. */
export const subscriptionBatches = (records: number, perBatch: number): SubscriptionEvent[] => {
  const pool = fixtureRecords();
  const start = Date.parse('2026-11-02T00:00:00Z');
  const all = Array.from({ length: records }, (_, i) => ({
    ...(pool[i % pool.length] as Record<string, unknown>),
    eventID: `bench-${String(i).padStart(6, '0')}-0000-4000-8000-000000000000`,
    eventTime: new Date(start + i * 1000).toISOString().replace('.000', ''),
    // A few addresses are reused, as people sign in from the same place again.
    sourceIPAddress: addressOf(i % 2 === 0 ? i : i % 500),
  }));
  const batches: SubscriptionEvent[] = [];
  for (let i = 0; i < all.length; i += perBatch) batches.push(subscriptionEvent(all.slice(i, i + perBatch)));
  return batches;
};

/** What the worker does to a batch before the store: decoded, classified, placed, deduplicated, rendered. */
const pipeline = (
  batch: SubscriptionEvent,
  geo: GeoData,
): { signIns: ClassifiedSignIn[]; blocks: number } => {
  const seen = new Set<string>();
  const signIns: ClassifiedSignIn[] = [];
  let blocks = 0;
  for (const item of decodeValue(batch)) {
    if (item.kind !== 'signin' || seen.has(item.signIn.eventId)) continue;
    seen.add(item.signIn.eventId);
    const signIn: ClassifiedSignIn = {
      ...item.signIn,
      severity: classifySignIn(item.signIn),
      place: placeOf(item.signIn.sourceIp, geo),
    };
    signIns.push(signIn);
    blocks += renderSignInCard(signIn, { accountName: null }).blocks?.length ?? 0;
  }
  return { signIns, blocks };
};

/** The least any decoder must do: the envelope and each record read back into objects. */
const floor = (batch: SubscriptionEvent): number => {
  const envelope = JSON.parse(gunzipSync(Buffer.from(batch.awslogs.data, 'base64')).toString('utf8')) as {
    logEvents: { message: string }[];
  };
  let fields = 0;
  for (const event of envelope.logEvents) fields += Object.keys(JSON.parse(event.message)).length;
  return fields;
};

/** Where the pipeline's time goes, step by step, batch by batch (each step's output feeds the next). */
const stepTimes = (batches: readonly SubscriptionEvent[], geo: GeoData) => {
  const total = { decode: 0, classify: 0, place: 0, render: 0 };
  let cards = 0;
  for (const batch of batches) {
    let t = performance.now();
    const items = decodeValue(batch);
    total.decode += performance.now() - t;
    t = performance.now();
    const classified = items.flatMap((item) =>
      item.kind === 'signin' ? [{ ...item.signIn, severity: classifySignIn(item.signIn) }] : [],
    );
    total.classify += performance.now() - t;
    t = performance.now();
    const placed = classified.map((s): ClassifiedSignIn => ({ ...s, place: placeOf(s.sourceIp, geo) }));
    total.place += performance.now() - t;
    t = performance.now();
    cards += placed.map((s) => renderSignInCard(s, { accountName: null })).length;
    total.render += performance.now() - t;
  }
  if (cards === 0) throw new Error('no card rendered');
  return total;
};

const storeCost = async (signIns: readonly ClassifiedSignIn[], perBatch: number) => {
  const dynamo = await startEmbeddedDynamo({ tableName: 'throughput' });
  try {
    const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
    const requests = countRequests(dynamo.client);
    const now = new Date('2026-11-03T00:00:00Z');
    const start = performance.now();
    for (let i = 0; i < signIns.length; i += perBatch)
      await store.recordSignIns(signIns.slice(i, i + perBatch), now);
    return { requests: requests.total(), byCommand: requests.byCommand(), ms: performance.now() - start };
  } finally {
    await dynamo.close();
  }
};

export const runThroughputBench = async (options: ThroughputOptions = {}): Promise<ThroughputResult> => {
  const records = options.records ?? 20_000;
  const perBatch = options.perBatch ?? 100;
  const rounds = options.rounds ?? 5;
  const batches = subscriptionBatches(records, perBatch);
  const geo = openGeoData(ensureGeoData());
  let cards = 0;
  let signIns: ClassifiedSignIn[] = [];
  const runPipeline = async () => {
    const start = performance.now();
    const out: ClassifiedSignIn[] = [];
    let blocks = 0;
    for (const batch of batches) {
      const done = pipeline(batch, geo);
      out.push(...done.signIns);
      blocks += done.blocks;
    }
    const ms = performance.now() - start;
    if (blocks === 0) throw new Error('the pipeline rendered no card: the benchmark measured nothing');
    cards = out.length;
    signIns = out;
    return ms;
  };
  const runFloor = async () => {
    const start = performance.now();
    let fields = 0;
    for (const batch of batches) fields += floor(batch);
    const ms = performance.now() - start;
    if (fields === 0) throw new Error('the floor parsed nothing');
    return ms;
  };
  // One of each first, not counted: the JIT and the geo data's pages warm up.
  await runPipeline();
  await runFloor();
  const times = await alternate(rounds, { pipeline: runPipeline, floor: runFloor });
  if (cards !== records) throw new Error(`the pipeline made ${cards} cards from ${records} records`);
  const pipelineMs = median(times.pipeline);
  const steps = [stepTimes(batches, geo), stepTimes(batches, geo), stepTimes(batches, geo)];
  const stepsMs = Object.fromEntries(
    (['decode', 'classify', 'place', 'render'] as const).map((k) => [
      k,
      round(median(steps.map((s) => s[k])), 1),
    ]),
  ) as Record<keyof (typeof steps)[number], number>;
  const floorMs = median(times.floor);
  const storeRecords = Math.min(options.storeRecords ?? 5_000, signIns.length);
  const store = await storeCost(signIns.slice(0, storeRecords), perBatch);
  return {
    ratio: round(floorMs / pipelineMs),
    records,
    batches: batches.length,
    floorMs: round(floorMs, 1),
    pipelineMs: round(pipelineMs, 1),
    stepsMs,
    recordsPerSecond: Math.round((records / pipelineMs) * 1000),
    cards,
    storeRequestsPer1000: round((store.requests / storeRecords) * 1000, 1),
    storeRecords,
    storeRequestsByCommand: store.byCommand,
    storeMs: Math.round(store.ms),
  };
};

if (require.main === module) {
  runThroughputBench()
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
