// Seeded fuzz of the promise a batch makes: garbage at any place, in any container the bot reads, never
// costs a good record. The good sign-ins come out, all of them, in order, each exactly as it decodes alone,
// and each classified. The DynamoDB and Slack half of this is test/integration/mixed-batch-fuzz.test.ts;
// this half is pure, so it runs thousands of batches.
import fc from 'fast-check';
import { classifySignIn } from '../../bot/core/classify';
import { decodeBytes, decodeValue } from '../../bot/core/decode-input';
import type { SignIn } from '../../bot/core/sign-in';
import { decodeProblems } from './decode-checks';
import { batchBytes, CONTAINERS, type Container, goodRecords, mixedBatch } from './mixed-batches';

const RUNS = 1_500;

const alone = (record: unknown): SignIn => {
  const items = decodeValue(record);
  if (items.length !== 1 || items[0]?.kind !== 'signin')
    throw new Error(`not one sign-in: ${JSON.stringify(items)}`);
  return items[0].signIn;
};

it(`keeps every good sign-in, in order, through ${RUNS} batches mixed with garbage in every container`, () => {
  const seen = new Map<Container, number>();
  let goods = 0;
  let garbage = 0;
  fc.assert(
    fc.property(mixedBatch, (batch) => {
      const expected = goodRecords(batch).map(alone);
      const items = decodeBytes(batchBytes(batch));
      expect(decodeProblems(items)).toEqual([]);
      const signIns = items.flatMap((item) => (item.kind === 'signin' ? [item.signIn] : []));
      expect(signIns).toEqual(expected);
      expect(signIns.map(classifySignIn)).toEqual(expected.map(classifySignIn));
      seen.set(batch.container, (seen.get(batch.container) ?? 0) + 1);
      goods += expected.length;
      garbage += batch.entries.length - expected.length;
    }),
    { seed: 0x6a7b, numRuns: RUNS },
  );
  expect([...seen.keys()].sort()).toEqual([...CONTAINERS].sort());
  expect(Math.min(goods, garbage)).toBeGreaterThan(RUNS * 2);
});
