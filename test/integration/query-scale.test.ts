// A busy day (30,000 sign-ins, the rollups' caps on people and addresses reached), recorded in batches like the
// worker's, then the 24-hour answer: exact totals from rollups, read in at most 500 items. The 100,000-sign-in
// day is `npm run bench`'s (P4, bench/query.ts): a correctness test must not take a minute of `npm test`, nor
// fail because a shared machine is slow. Prints the figures (items read, time, write rate).
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import type { ClassifiedSignIn, IdentityType } from '../../bot/core/sign-in';

const NOW = new Date('2026-11-02T15:20:00.000Z');
const DAY_MS = 86_400_000;
const SIGN_INS = 30_000;
const BATCH = 1_000;
const USERS = 300;
const IP_POOL = 5_000;

/** A small deterministic generator (mulberry32): the same day every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];

interface Expected {
  total: number;
  failure: number;
  noMfa: number;
  byIdentityType: Partial<Record<IdentityType, number>>;
  /** Sign-ins per person (account and name) and per source address. */
  people: Map<string, number>;
  sources: Map<string, number>;
}

/** A day of sign-ins, oldest first: a few busy people and many quiet ones, each from a few usual places. */
const generateDay = (): { signIns: ClassifiedSignIn[]; expected: Expected } => {
  const rnd = random(8);
  const ipOf = (n: number) => `${10 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.${(n * 7) % 250}`;
  const people = Array.from({ length: USERS }, (_, i) => ({
    name: i === 0 ? 'root' : `person${i}`,
    type: (i === 0 ? 'Root' : i % 3 === 0 ? 'AssumedRole' : 'IAMUser') as IdentityType,
    account: ACCOUNTS[i % ACCOUNTS.length] as string,
    ips: Array.from({ length: 1 + (i % 4) }, () => ipOf(Math.floor(rnd() * IP_POOL))),
    agent: AGENTS[i % AGENTS.length] as string,
    weight: 1 / (i + 1) ** 0.8,
  }));
  const totalWeight = people.reduce((n, p) => n + p.weight, 0);
  const pick = () => {
    let r = rnd() * totalWeight;
    for (const p of people) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return people[people.length - 1] as (typeof people)[number];
  };
  const start = NOW.getTime() - DAY_MS;
  const expected: Expected = {
    total: 0,
    failure: 0,
    noMfa: 0,
    byIdentityType: {},
    people: new Map(),
    sources: new Map(),
  };
  const signIns = Array.from({ length: SIGN_INS }, (_, i): ClassifiedSignIn => {
    const p = pick();
    const failed = rnd() < 0.1;
    const noMfa = !failed && (p.type === 'Root' ? rnd() < 0.3 : rnd() < 0.05);
    const ip =
      rnd() < 0.05 ? ipOf(Math.floor(rnd() * IP_POOL)) : (p.ips[Math.floor(rnd() * p.ips.length)] as string);
    expected.total += 1;
    if (failed) expected.failure += 1;
    if (noMfa) expected.noMfa += 1;
    expected.byIdentityType[p.type] = (expected.byIdentityType[p.type] ?? 0) + 1;
    const person = `${p.account} ${p.name}`;
    expected.people.set(person, (expected.people.get(person) ?? 0) + 1);
    expected.sources.set(ip, (expected.sources.get(ip) ?? 0) + 1);
    return {
      eventId: `scale-${i}`,
      eventIdDerived: false,
      eventName: 'ConsoleLogin',
      time: new Date(start + Math.floor(((i + rnd()) / SIGN_INS) * DAY_MS)).toISOString(),
      outcome: failed ? 'failure' : 'success',
      failureReason: failed ? 'Failed authentication' : null,
      errorCode: null,
      identityType: p.type,
      rawIdentityType: p.type,
      principal: p.type === 'AssumedRole' ? `${p.name} (Admin)` : p.name,
      arn: null,
      federation: null,
      roleName: p.type === 'AssumedRole' ? 'Admin' : null,
      sessionName: p.type === 'AssumedRole' ? p.name : null,
      accountId: p.account,
      identityAccountId: p.account,
      sourceIp: ip,
      region: REGIONS[i % 7 === 0 ? 1 + (i % 2) : 0] as string,
      userAgent: p.agent,
      mfa: noMfa ? 'no' : failed ? 'unknown' : 'yes',
      mfaDevice: null,
      loginTo: null,
      switchFrom: null,
      credentialType: null,
      severity: p.type === 'Root' ? 'critical' : 'low',
    };
  });
  return { signIns, expected };
};

describe('a busy day of sign-ins', () => {
  it('answers the last 24 hours from rollups with exact totals, reading at most 500 items', async () => {
    const { signIns, expected } = generateDay();
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
