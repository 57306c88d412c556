// Seeded fuzz of the decoder on inputs that owe nothing to the fixtures: random JSON (with the keys and
// values the decoder looks for, so it gets past the first test), random bytes, unicode text of every kind
// and strings of 100 KB and more. Nothing throws, every item is well formed, and each input takes bounded
// time.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { classifySignIn } from '../../bot/core/classify';
import { decodeBytes, decodeText, decodeValue } from '../../bot/core/decode-input';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import { cardProblems } from '../helpers/card-problems';
import { decodeProblems } from './decode-checks';
import { type Json, SIGN_IN_RECORDS } from './fixture-inputs';
import { hostileLong, hostileShort } from './hostile-strings';

/** Keys and values the decoder branches on: random JSON built from them reaches every path. */
const KEYS = [
  'awslogs',
  'data',
  'messageType',
  'logEvents',
  'message',
  'Records',
  'EventSource',
  'Sns',
  'Message',
  'MessageId',
  'TopicArn',
  'Events',
  'CloudTrailEvent',
  'detail-type',
  'detail',
  'eventSource',
  'eventName',
  'eventID',
  'eventTime',
  'userIdentity',
  'type',
  'userName',
  'arn',
  'responseElements',
  'ConsoleLogin',
  'additionalEventData',
  'MFAUsed',
  'AlarmName',
  'NewStateValue',
  'AlarmArn',
  '__proto__',
  'constructor',
];
const VALUES = [
  'signin.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'logs.amazonaws.com',
  'ConsoleLogin',
  'StopLogging',
  'Root',
  'IAMUser',
  'AssumedRole',
  'Success',
  'Failure',
  'Yes',
  'aws:sns',
  'DATA_MESSAGE',
  'CONTROL_MESSAGE',
  'ALARM',
  'AWS Console Sign In via CloudTrail',
  'H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTgUA',
  '{"eventSource":"signin.amazonaws.com"}',
  '2026-11-20T09:20:00Z',
];

const shapedJson: fc.Arbitrary<Json> = fc.object({
  key: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, fc.string({ maxLength: 6 })),
  values: [
    fc.constantFrom(...VALUES),
    hostileShort,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  ],
  maxDepth: 4,
  maxKeys: 6,
  withNullPrototype: false,
}) as fc.Arbitrary<Json>;

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  shapedJson,
  fc.array(shapedJson, { maxLength: 4 }),
);

/** A wrapper that puts a value where the decoder parses JSON a second time (strings inside envelopes). */
const embedded = (v: Json, how: number): Json => {
  const text = JSON.stringify(v);
  switch (how) {
    case 0:
      return v;
    case 1:
      return { Records: [{ EventSource: 'aws:sns', Sns: { Message: text } }] };
    case 2:
      return { messageType: 'DATA_MESSAGE', logEvents: [{ id: '1', timestamp: 0, message: text }] };
    case 3:
      return { Events: [{ CloudTrailEvent: text }] };
    default:
      return { awslogs: { data: gzipSync(Buffer.from(text)).toString('base64') } };
  }
};

const problemsOf = (decode: () => ReturnType<typeof decodeBytes>): string[] => decodeProblems(decode());

it('decodes 1,500 random JSON values, bare and inside every envelope, as their JSON text does', () => {
  fc.assert(
    fc.property(anyJson, fc.integer({ min: 0, max: 4 }), (value, how) => {
      const input = embedded(value, how);
      const items = decodeValue(input);
      expect(decodeProblems(items)).toEqual([]);
      expect(decodeText(JSON.stringify(input))).toEqual(items);
    }),
    { seed: 0x7a11, numRuns: 1_500 },
  );
});

it('decodes 1,500 random byte strings (raw, behind a gzip header, gzipped) to items, never an exception', () => {
  const gzipMagic = fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x1f, 0x8b, ...b]));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }),
        gzipMagic,
        fc.uint8Array({ maxLength: 2_000 }).map((b) => gzipSync(b)),
        fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.concat([Buffer.from('{"Records":['), b])),
      ),
      (bytes) => {
        expect(problemsOf(() => decodeBytes(bytes))).toEqual([]);
      },
    ),
    { seed: 0xb17e5, numRuns: 1_500 },
  );
});

const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    maxLength: 50,
  }),
  hostileShort,
);

it('decodes 1,000 unicode texts (lone surrogates, bidi overrides, zero-width, combining, emoji, NUL, C1) as input and inside a record', () => {
  const base = SIGN_IN_RECORDS[0] as Record<string, Json>;
  fc.assert(
    fc.property(
      unicodeText,
      fc.constantFrom('userAgent', 'sourceIPAddress', 'eventID', 'eventSource'),
      (text, key) => {
        expect(problemsOf(() => decodeText(text))).toEqual([]);
        expect(problemsOf(() => decodeBytes(Buffer.from(text, 'utf8')))).toEqual([]);
        const record = { ...base, [key]: text };
        const items = decodeValue(record);
        expect(decodeProblems(items)).toEqual([]);
        expect(decodeBytes(Buffer.from(JSON.stringify(record)))).toEqual(items);
      },
    ),
    { seed: 0x202e, numRuns: 1_000 },
  );
});

/** Generous for a 2-core machine running other suites; a quadratic path on 100 KB takes seconds. */
const HUGE_CASE_MS = 1_500;

it('decodes and draws 200 inputs carrying strings of 100 KB and more in bounded time', () => {
  const base = SIGN_IN_RECORDS[1] as Record<string, Json>;
  let shortest = Number.POSITIVE_INFINITY;
  let drawn = 0;
  fc.assert(
    fc.property(hostileLong(100_000, 300_000), fc.integer({ min: 0, max: 5 }), (huge, where) => {
      const inputs: (() => ReturnType<typeof decodeBytes>)[] = [
        () => decodeText(huge),
        () => decodeValue({ ...base, userAgent: huge, userIdentity: { type: 'IAMUser', userName: huge } }),
        () => decodeValue({ ...base, eventSource: huge }),
        () => decodeValue({ awslogs: { data: huge } }),
        () => decodeValue(embedded({ ...base, errorMessage: huge }, 1 + (where % 4))),
        () => decodeText(`${JSON.stringify(base)}\n${huge}\n${JSON.stringify(base)}`),
      ];
      const decode = inputs[where] as () => ReturnType<typeof decodeBytes>;
      const started = performance.now();
      const items = decode();
      // What decodes is drawn too: the card clips the huge text, in the same bounded time.
      const cards = items.flatMap((item) =>
        item.kind === 'signin'
          ? [
              renderSignInCard(
                { ...item.signIn, severity: classifySignIn(item.signIn) },
                { accountName: huge },
              ),
            ]
          : [],
      );
      const ms = performance.now() - started;
      shortest = Math.min(shortest, huge.length);
      expect(decodeProblems(items)).toEqual([]);
      for (const card of cards) expect(cardProblems(card)).toEqual([]);
      expect(ms).toBeLessThan(HUGE_CASE_MS);
      drawn += cards.length;
    }),
    { seed: 0x100c, numRuns: 200 },
  );
  expect(shortest).toBeGreaterThanOrEqual(100_000);
  expect(drawn).toBeGreaterThan(50);
});
