// Every input format the bot reads, built from mutated fixtures and then damaged as text and as bytes.
// `value` is kept when the bytes are that value's JSON, unharmed (compact, pretty or gzip), so a property
// can compare decoding the bytes with decoding the value.
import fc from 'fast-check';
import {
  ALARM_INPUTS,
  awslogs,
  eventBridgeEvent,
  type Json,
  type JsonObject,
  LOOKUP_EVENTS_OUTPUT,
  logsPayload,
  lookupEvents,
  SIGN_IN_RECORDS,
  SUBSCRIPTION_INPUTS,
  snsEvent,
  TEXT_INPUTS,
  TRAIL_CHANGE_RECORDS,
} from './fixture-inputs';
import { hostileString } from './hostile-strings';
import { byteDamage, damageBytes, damageText, textDamage } from './input-damage';
import { applyMutations, type Mutation, mutations, smallJson } from './json-mutations';

export const FORMATS = [
  'record',
  'records-file',
  'json-lines',
  'pretty-concatenated',
  'array',
  'subscription',
  'subscription-decoded',
  'subscription-fixture',
  'sns-alarm',
  'sns-record',
  'eventbridge',
  'lookup-events',
  'lookup-events-fixture',
  'text-fixture',
] as const;
export type Format = (typeof FORMATS)[number];

export interface FuzzInput {
  readonly format: Format;
  readonly bytes: Uint8Array;
  /** The value whose JSON the bytes are, when nothing damaged them as text or bytes. */
  readonly value: Json | undefined;
}

type Built = { readonly value: Json } | { readonly text: string };

const stringify = (v: Json): string => JSON.stringify(v) ?? 'null';

const record = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SIGN_IN_RECORDS) },
  { weight: 1, arbitrary: fc.constantFrom(...TRAIL_CHANGE_RECORDS) },
);
const mutatedRecord = fc.tuple(record, mutations(3)).map(([r, ms]) => applyMutations(r, ms));
const mutatedRecords = fc.array(mutatedRecord, { minLength: 1, maxLength: 4 });

/** The message string of a log event, SNS notification or LookupEvents entry: JSON, or sometimes not. */
const messageOf = (value: Json, broken: string | null): Json => broken ?? stringify(value);
const maybeBroken = fc.option(fc.oneof(hostileString, smallJson.map(stringify)), { freq: 8 });

/** An SNS alarm event with its Message (a JSON string) parsed, mutated and written back. */
const mutatedAlarmMessage = (input: Json, ms: readonly Mutation[]): Json => {
  const first = (input as { Records?: JsonObject[] }).Records?.[0];
  const sns = first?.Sns as JsonObject | undefined;
  if (!first || typeof sns?.Message !== 'string') return applyMutations(input, ms);
  const message = applyMutations(JSON.parse(sns.Message) as Json, ms);
  return { ...(input as JsonObject), Records: [{ ...first, Sns: { ...sns, Message: stringify(message) } }] };
};

const base64Damage = fc.record({
  at: fc.integer({ min: 0, max: 1000 }),
  keep: fc.boolean(),
  insert: fc.constantFrom('', '=', '==', '!', '-_', '\u00e9', ' ', '\n', 'H4sI'),
});

/** awslogs.data cut short, or with characters base64 does not have spliced in, or both. */
const damageBase64 = (
  envelope: JsonObject,
  d: { readonly at: number; readonly keep: boolean; readonly insert: string },
): JsonObject => {
  const data = String((envelope.awslogs as JsonObject).data);
  const at = Math.floor((data.length * d.at) / 1000);
  return { awslogs: { data: data.slice(0, at) + d.insert + (d.keep ? data.slice(at) : '') } };
};

const built = (format: Format): fc.Arbitrary<Built> => {
  switch (format) {
    case 'record':
      return mutatedRecord.map((value) => ({ value }));
    case 'records-file':
      return mutatedRecords.map((Records) => ({ value: { Records } }));
    case 'array':
      return mutatedRecords.map((value) => ({ value }));
    case 'json-lines':
      return mutatedRecords.map((rs) => ({ text: `${rs.map(stringify).join('\n')}\n` }));
    case 'pretty-concatenated':
      return mutatedRecords.map((rs) => ({ text: rs.map((r) => JSON.stringify(r, null, 2)).join('\n') }));
    case 'subscription':
    case 'subscription-decoded':
      return fc
        .tuple(
          fc.array(fc.tuple(mutatedRecord, maybeBroken), { minLength: 1, maxLength: 4 }),
          mutations(2),
          fc.option(base64Damage, { freq: 3 }),
        )
        .map(([rs, ms, damage]) => {
          const payload = applyMutations(logsPayload(rs.map(([r, broken]) => messageOf(r, broken))), ms);
          if (format === 'subscription-decoded') return { value: payload };
          const envelope = awslogs(payload);
          return { value: damage ? damageBase64(envelope, damage) : envelope };
        });
    case 'subscription-fixture':
      return fc
        .tuple(fc.constantFrom(...SUBSCRIPTION_INPUTS), mutations(3))
        .map(([input, ms]) => ({ value: applyMutations(input, ms) }));
    case 'sns-alarm':
      return fc
        .tuple(fc.constantFrom(...ALARM_INPUTS), mutations(3), mutations(1))
        .map(([input, inner, outer]) => ({
          value: applyMutations(mutatedAlarmMessage(input, inner), outer),
        }));
    case 'sns-record':
      return fc
        .tuple(mutatedRecord, maybeBroken)
        .map(([r, broken]) => ({ value: snsEvent(messageOf(r, broken)) }));
    case 'eventbridge':
      return fc
        .tuple(mutatedRecord, mutations(2))
        .map(([r, ms]) => ({ value: applyMutations(eventBridgeEvent(r), ms) }));
    case 'lookup-events':
      return fc
        .array(fc.tuple(mutatedRecord, maybeBroken), { minLength: 1, maxLength: 4 })
        .map((rs) => ({ value: lookupEvents(rs.map(([r, broken]) => messageOf(r, broken))) }));
    case 'lookup-events-fixture':
      return mutations(3).map((ms) => ({ value: applyMutations(LOOKUP_EVENTS_OUTPUT, ms) }));
    case 'text-fixture':
      return fc.constantFrom(...TEXT_INPUTS).map((text) => ({ text }));
  }
};

/** One input of any format: mutated, then maybe damaged as text, then maybe gzipped or damaged as bytes. */
export const fuzzInput: fc.Arbitrary<FuzzInput> = fc
  .constantFrom(...FORMATS)
  .chain((format) =>
    fc.record({
      format: fc.constant(format),
      built: built(format),
      pretty: fc.boolean(),
      text: fc.option(textDamage, { freq: 3 }),
      bytes: fc.option(byteDamage, { freq: 2 }),
    }),
  )
  .map(({ format, built, pretty, text, bytes }) => {
    const json = 'value' in built ? JSON.stringify(built.value, null, pretty ? 2 : undefined) : built.text;
    const raw = Buffer.from(text ? damageText(json, text) : json, 'utf8');
    const intact = 'value' in built && text === null && (bytes === null || bytes.kind === 'gzip');
    return {
      format,
      bytes: bytes ? damageBytes(raw, bytes) : raw,
      value: intact ? built.value : undefined,
    };
  });

const hostileMutations = fc.tuple(
  fc.array(
    fc.record({ kind: fc.constant('hostile' as const), at: fc.nat({ max: 10_000 }), text: hostileString }),
    { minLength: 1, maxLength: 5 },
  ),
  mutations(1),
);

const snsAlarms = ALARM_INPUTS.filter((input) => Array.isArray((input as JsonObject).Records));

/**
 * A log file of sign-ins, trail changes and SNS alarm records whose strings were replaced with hostile
 * text: most of it still decodes, so it reaches the cards.
 */
export const hostileBatch: fc.Arbitrary<Json> = fc
  .tuple(
    fc.array(fc.tuple(record, hostileMutations), { minLength: 1, maxLength: 4 }),
    fc.array(fc.tuple(fc.constantFrom(...snsAlarms), hostileMutations), { maxLength: 2 }),
  )
  .map(([records, alarms]) => ({
    Records: [
      ...records.map(([r, [hostile, other]]) => applyMutations(r, [...hostile, ...other])),
      ...alarms.map(
        ([input, [hostile, other]]) =>
          ((mutatedAlarmMessage(input, [...hostile, ...other]) as JsonObject).Records as Json[])[0] ?? null,
      ),
    ],
  }));
