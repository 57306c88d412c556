// Batches of good sign-in records (published fixtures with unique eventIDs) with garbage at random places,
// in each container the bot reads. Garbage is anything that is not a sign-in: broken JSON, random values,
// records of other services, records missing what makes them one, trail changes, hostile text.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  awslogs,
  eventBridgeEvent,
  type Json,
  type JsonObject,
  logsPayload,
  lookupEvents,
  SIGN_IN_RECORDS,
  snsEvent,
  TRAIL_CHANGE_RECORDS,
} from './fixture-inputs';
import { hostileShort, hostileString } from './hostile-strings';
import { smallJson } from './json-mutations';

export const CONTAINERS = [
  'records-file',
  'array',
  'json-lines',
  'pretty-concatenated',
  'subscription',
  'lookup-events',
  'eventbridge-lines',
] as const;
export type Container = (typeof CONTAINERS)[number];

/** Display fields an attacker controls; replacing them keeps a record a sign-in. */
const ATTACKER_TEXT = ['userAgent', 'sourceIPAddress', 'errorMessage'] as const;

const good = fc.record({
  kind: fc.constant('good' as const),
  record: fc.constantFrom(...SIGN_IN_RECORDS),
  text: fc.option(fc.tuple(fc.constantFrom(...ATTACKER_TEXT), hostileString), { freq: 3 }),
});

const without = (record: JsonObject, key: string): JsonObject => {
  const { [key]: _dropped, ...rest } = record;
  return rest;
};

/** JSON values that decode to anything but a sign-in. */
const garbageValue: fc.Arbitrary<Json> = fc.oneof(
  smallJson,
  hostileString,
  fc.constantFrom(...TRAIL_CHANGE_RECORDS),
  fc.constantFrom(...SIGN_IN_RECORDS).chain((r) =>
    fc.oneof(
      fc.constant(without(r, 'eventSource')),
      fc.constant(without(r, 'eventName')),
      fc.constant({ ...r, eventName: '' }),
      fc
        .constantFrom<Json>('ec2.amazonaws.com', 'signin.amazonaws.com ', 'SIGNIN.AMAZONAWS.COM', 7, null)
        .map((eventSource) => ({ ...r, eventSource })),
      fc.constant({ wrapped: r }),
    ),
  ),
);

const stringify = (v: Json): string => JSON.stringify(v) ?? 'null';
const snsRecord = (message: string): Json => (snsEvent(message).Records as Json[])[0] ?? null;

/**
 * One line of garbage for line-oriented text. It never holds a line break or an unbalanced closing bracket:
 * with those, a truncated line and a later one could form a valid multi-line value around the records
 * between them, which the decoder must accept, since jq prints records pretty and concatenated. Nor a raw
 * NUL or a leading control character: raw-input.ts rejects such bytes whole as binary, by design.
 */
const garbageLine: fc.Arbitrary<string> = fc.oneof(
  garbageValue.map(stringify),
  fc.tuple(fc.constantFrom(...SIGN_IN_RECORDS), fc.integer({ min: 1, max: 999 })).map(([r, at]) => {
    const text = stringify(r);
    return text.slice(0, Math.floor((text.length * at) / 1000));
  }),
  hostileShort.map((s) => `x${s.replace(/[\n{}[\]\0]/g, ' ')}`),
);

const garbage = fc.record({ kind: fc.constant('garbage' as const), value: garbageValue, line: garbageLine });

export type Entry =
  | { readonly kind: 'good'; readonly record: JsonObject; readonly text: readonly [string, string] | null }
  | { readonly kind: 'garbage'; readonly value: Json; readonly line: string };

export interface MixedBatch {
  readonly container: Container;
  readonly gzip: boolean;
  readonly entries: readonly Entry[];
}

export const mixedBatch: fc.Arbitrary<MixedBatch> = fc.record({
  container: fc.constantFrom(...CONTAINERS),
  gzip: fc.boolean(),
  entries: fc
    .array(fc.oneof(good, garbage), { minLength: 1, maxLength: 16 })
    .filter((entries) => entries.some((e) => e.kind === 'good')),
});

/** The good records of a batch as they go in: each with its unique eventID and its hostile text. */
export const goodRecords = (batch: MixedBatch): JsonObject[] =>
  batch.entries.flatMap((e, i) =>
    e.kind === 'good'
      ? [{ ...e.record, eventID: `good-${i}`, ...(e.text ? { [e.text[0]]: e.text[1] } : {}) }]
      : [],
  );

/** A log event message, SNS Message or CloudTrailEvent that is not a sign-in: text or a JSON string. */
const garbageMessage = (e: Entry & { kind: 'garbage' }): Json =>
  typeof e.value === 'number' ? e.value : typeof e.value === 'string' ? e.value : e.line;

/** The batch as the bytes the bot would read. */
export const batchBytes = (batch: MixedBatch): Uint8Array => {
  const goods = goodRecords(batch);
  let g = 0;
  const parts = batch.entries.map(
    (e): { readonly good: JsonObject } | { readonly bad: Entry & { kind: 'garbage' } } =>
      e.kind === 'good' ? { good: goods[g++] as JsonObject } : { bad: e },
  );
  const values = (bad: (e: Entry & { kind: 'garbage' }) => Json, wrap = (r: Json): Json => r): Json[] =>
    parts.map((p) => ('good' in p ? wrap(p.good) : bad(p.bad)));
  const lines = (wrap = (r: Json): Json => r): string =>
    parts.map((p) => ('good' in p ? stringify(wrap(p.good)) : p.bad.line)).join('\n');
  let text: string;
  switch (batch.container) {
    case 'records-file':
      // An SNS record whose Message is not a sign-in is garbage of its own kind in a Records array.
      text = stringify({
        Records: values((e) => (typeof e.value === 'string' ? snsRecord(e.line) : e.value)),
      });
      break;
    case 'array':
      // Garbage arrays stay flat: a nested array holding a record would decode it (arrays are unwrapped).
      text = stringify(values((e) => (Array.isArray(e.value) ? stringify(e.value) : e.value)));
      break;
    case 'json-lines':
      text = `${lines()}\n`;
      break;
    case 'pretty-concatenated':
      text = parts.map((p) => ('good' in p ? JSON.stringify(p.good, null, 2) : p.bad.line)).join('\n');
      break;
    case 'subscription':
      text = stringify(awslogs(logsPayload(values(garbageMessage, stringify))));
      break;
    case 'lookup-events':
      text = stringify(lookupEvents(values(garbageMessage, stringify)));
      break;
    case 'eventbridge-lines':
      text = lines(eventBridgeEvent);
      break;
  }
  const bytes = Buffer.from(text, 'utf8');
  return batch.gzip ? gzipSync(bytes) : bytes;
};
