// A busy day (30,000 sign-ins, the rollups' caps on people and addresses reached), recorded in batches like the
// worker's, then the 24-hour answer: exact totals from rollups, read in at most 500 items. The 100,000-sign-in
// day is `npm run bench`'s (P4, bench/query.ts): a correctness test must not take a minute of `npm test`, nor
// fail because a shared machine is slow. Prints the figures (items read, time, write rate).
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { BATCH, DAY_MS, generateDay, NOW } from '../helpers/sign-in-day';

const SIGN_INS = 30_000;

describe('a busy day of sign-ins', () => {
  it('answers the last 24 hours from rollups with exact totals, reading at most 500 items', async () => {
    const { signIns, expected } = generateDay(SIGN_INS);
    const dynamo = await startEmbeddedDynamo({ tableName: 'scale' });
    try {
      const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
      const writeStart = Date.now();
      let added = 0;
      for (let i = 0; i < signIns.length; i += BATCH)
        added += (await store.recordSignIns(signIns.slice(i, i + BATCH), NOW)).added.size;
      const writeMs = Date.now() - writeStart;

      const before = store.itemsRead;
      const readStart = Date.now();
      const answer = await store.readActivity(new Date(NOW.getTime() - DAY_MS), NOW, NOW);
      const readMs = Date.now() - readStart;
      const itemsRead = store.itemsRead - before;

      console.log(
        `${SIGN_INS} sign-ins in a day (dynalite in this process): wrote ${added} sign-ins in ${(writeMs / 1000).toFixed(1)} s ` +
          `(${Math.round((added / writeMs) * 1000)}/s, batches of ${BATCH}); readActivity(last 24h) read ${itemsRead} ` +
          `items in ${readMs} ms; ${answer.principals.length} people, ${answer.ips.length} source IPs`,
      );
      expect(added).toBe(SIGN_INS);
      expect(answer.total).toBe(expected.total);
      expect(answer.byOutcome).toEqual({
        success: expected.total - expected.failure,
        failure: expected.failure,
        other: 0,
      });
      expect(answer.byIdentityType).toEqual(expected.byIdentityType);
      expect(answer.noMfa).toBe(expected.noMfa);
      expect(new Map(answer.principals.map((p) => [`${p.accountId} ${p.key}`, p.signIns]))).toEqual(
        expected.people,
      );
      expect(new Map(answer.ips.map((ip) => [ip.ip, ip.signIns]))).toEqual(expected.sources);
      expect(answer.buckets.reduce((n, b) => n + b.count, 0)).toBe(SIGN_INS);
      expect(answer.partial).toBeUndefined();
      expect(answer.latest.map((s) => s.eventId)).toEqual(
        signIns
          .slice(-10)
          .reverse()
          .map((s) => s.eventId),
      );
      expect(itemsRead).toBeLessThanOrEqual(500);
    } finally {
      await dynamo.close();
    }
  }, 180_000);
});
