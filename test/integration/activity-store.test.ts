// The activity store on real dynalite: rollups agree with the raw records after random batches, duplicates
// and retries; sign-ins expire by event time; the per-user and per-IP indexes; baselines and first-seen
// flags across batches; where history begins; a brute force from thousands of addresses.
import { CreateTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { createTableInput } from '../../bot/adapters/dynamodb-table';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { summarizeSignIns } from '../../bot/core/activity-summary';
import { raiseSeverity } from '../../bot/core/baseline';
import { placeOf } from '../../bot/core/geo';
import type { ActivitySummary } from '../../bot/core/query';
import type { ClassifiedSignIn, IdentityType } from '../../bot/core/sign-in';
import { testGeoData } from '../helpers/geo';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-02T15:20:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

let seq = 0;
const signIn = (over: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn =>
  syntheticSignIn({ eventId: `ev-${++seq}`, time: ago(10 * MINUTE), userAgent: CHROME, ...over });

let dynamo: EmbeddedDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'activity' });
});
afterAll(async () => {
  await dynamo.close();
});

/** A store on a table of its own: rollups are shared by every sign-in of a table. */
const freshStore = async (retentionDays = 30): Promise<DynamoSignInStore> => {
  const tableName = `activity-${++tables}`;
  await dynamo.client.send(new CreateTableCommand(createTableInput(tableName)));
  return new DynamoSignInStore(dynamo.client, { tableName, retentionDays });
};

/** What rollups and raw records must agree on (latest by id; first-seen flags are the baselines' part). */
const comparable = (s: ActivitySummary) => ({
  from: s.from,
  to: s.to,
  total: s.total,
  byOutcome: s.byOutcome,
  byIdentityType: s.byIdentityType,
  noMfa: s.noMfa,
  principals: s.principals,
  ips: s.ips,
  buckets: s.buckets,
  bucketMs: s.bucketMs,
  latest: s.latest.map((x) => x.eventId),
  silenced: s.silenced,
  partial: s.partial,
});

const PEOPLE: readonly [IdentityType, string, string | null][] = [
  ['IAMUser', 'alice', null],
  ['IAMUser', 'Bob', null],
  ['AssumedRole', 'nick (Admin)', 'nick'],
  ['AssumedRole', 'nick (ReadOnly)', 'nick'],
  ['Root', 'root', null],
];
const SOURCES = [
  '203.0.113.7',
  '203.0.113.9',
  '198.51.100.1',
  '2001:db8::1',
  '2001:DB8:0::1',
  'AWS Internal',
  null,
];

const specArb = fc.record({
  person: fc.integer({ min: 0, max: PEOPLE.length - 1 }),
  account: fc.constantFrom('111122223333', '444455556666'),
  outcome: fc.constantFrom('success', 'success', 'failure', null),
  mfa: fc.constantFrom('yes', 'no', 'unknown'),
  source: fc.integer({ min: 0, max: SOURCES.length - 1 }),
  // Up to three days back, to the second: both hourly and daily rollups.
  secondsAgo: fc.integer({ min: 1, max: 3 * 24 * 3600 }),
});
const stepArb = fc.record({
  size: fc.integer({ min: 1, max: 8 }),
  duplicateInside: fc.boolean(),
  retry: fc.boolean(),
  overlap: fc.integer({ min: 0, max: 3 }),
});

type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

const fromSpec = (spec: Spec, i: number): ClassifiedSignIn => {
  const [identityType, principal, sessionName] = PEOPLE[spec.person] as (typeof PEOPLE)[number];
  return signIn({
    eventId: `p-${i}`,
    identityType,
    principal,
    sessionName,
    accountId: spec.account,
    outcome: spec.outcome as ClassifiedSignIn['outcome'],
    mfa: spec.mfa as ClassifiedSignIn['mfa'],
    sourceIp: SOURCES[spec.source] ?? null,
    time: ago(spec.secondsAgo * 1000),
  });
};

describe('rollups', () => {
  it('agree with the raw records after random batches, duplicates, retries and overlaps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { minLength: 1, maxLength: 30 }),
        fc.array(stepArb, { maxLength: 12 }),
        async (specs, steps) => {
          const all = specs.map(fromSpec);
          const store = await freshStore();
          let next = 0;
          for (const step of [
            ...steps,
            { size: all.length, duplicateInside: false, retry: false, overlap: 0 },
          ]) {
            if (next >= all.length) break;
            const batch = all.slice(next, next + step.size);
            // A batch may repeat an event, overlap the one before, or be delivered twice.
            const earlier = all.slice(Math.max(0, next - step.overlap), next);
            const sent = [...earlier, ...batch, ...(step.duplicateInside ? batch.slice(0, 1) : [])];
            const recorded = await store.recordSignIns(sent, NOW);
            expect([...recorded.added].sort()).toEqual([...new Set(batch.map((s) => s.eventId))].sort());
            if (step.retry) expect((await store.recordSignIns(sent, NOW)).added.size).toBe(0);
            next += step.size;
          }
          for (const [from, to] of [
            [at(-DAY), NOW],
            [at(-72 * HOUR), NOW],
            [at(-80 * HOUR + 17 * MINUTE), at(-26 * HOUR + 5 * MINUTE)],
          ] as const) {
            const rolled = await store.readActivity(from, to, NOW);
            expect(rolled.source).toBe('rollups');
            const raw = summarizeSignIns(all, new Date(rolled.from), new Date(rolled.to));
            expect(comparable(rolled)).toEqual(comparable(raw));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answer a window from whole hours: from the start of its first hour, to its end when it ends before now', async () => {
    const store = await freshStore();
    await store.recordSignIns(
      [signIn({ time: ago(DAY - 5 * MINUTE) }), signIn({ time: ago(DAY + 5 * MINUTE) })],
      NOW,
    );
    const day = await store.readActivity(at(-DAY), NOW, NOW);
    expect(day.from).toBe('2026-11-01T15:00:00.000Z');
    expect(day.to).toBe(NOW.toISOString());
    // 15:15 is before the window's 15:20 but in its first hour: an hourly rollup cannot tell them apart.
    expect(day.total).toBe(2);
    const earlier = await store.readActivity(at(-30 * HOUR), at(-20 * HOUR - 30 * MINUTE), NOW);
    expect(earlier.to).toBe('2026-11-01T19:00:00.000Z');
  });

  it('read a month from daily rollups and the edges from hourly ones, well under 500 items', async () => {
    const store = await freshStore(40);
    const signIns = Array.from({ length: 24 * 31 }, (_, h) =>
      signIn({
        time: ago(h * HOUR + 7 * MINUTE),
        principal: `person${h % 40}`,
        sourceIp: `198.51.100.${h % 200}`,
      }),
    );
    for (let i = 0; i < signIns.length; i += 200) await store.recordSignIns(signIns.slice(i, i + 200), NOW);
    const before = store.itemsRead;
    const month = await store.readActivity(at(-30 * DAY), NOW, NOW);
    const read = store.itemsRead - before;
    expect(month.bucketMs).toBe(DAY);
    expect(comparable(month)).toEqual(comparable(summarizeSignIns(signIns, new Date(month.from), NOW)));
    expect(read).toBeLessThanOrEqual(400);
  });
});

describe('expiry by event time', () => {
  it('keeps a sign-in retentionDays after its event, however late it arrives', async () => {
    const store = await freshStore(30);
    const old = signIn({ time: ago(29 * DAY), principal: 'late' });
    const expired = signIn({ time: ago(31 * DAY), principal: 'late' });
    await store.recordSignIns([old, expired], NOW);
    const window = [at(-40 * DAY), at(MINUTE)] as const;
    expect((await store.listSignInsOf({ user: 'late' }, ...window, 10, NOW)).map((s) => s.eventId)).toEqual([
      old.eventId,
    ]);
    // Two days later the 29-day-old one is past its 30 days too, though it arrived just now.
    expect(await store.listSignInsOf({ user: 'late' }, ...window, 10, at(2 * DAY))).toEqual([]);
    expect(await store.listSignIns({ from: window[0], to: window[1] }, at(2 * DAY))).toEqual([]);
    expect((await store.readActivity(at(-30 * DAY), at(2 * DAY), at(2 * DAY))).total).toBe(0);
  });

  it('files a sign-in without a time under its arrival, for saveSignIn as for batches', async () => {
    const store = await freshStore(30);
    const untimed = signIn({ time: null, principal: 'untimed' });
    await store.saveSignIn(untimed, NOW);
    await store.saveSignIn(untimed, NOW);
    const window = [at(-HOUR), at(HOUR)] as const;
    expect(
      (await store.listSignInsOf({ user: 'untimed' }, ...window, 10, NOW)).map((s) => s.eventId),
    ).toEqual([untimed.eventId]);
    expect((await store.readActivity(at(-HOUR), NOW, NOW)).total).toBe(1);
    expect(await store.listSignInsOf({ user: 'untimed' }, ...window, 10, at(31 * DAY))).toEqual([]);
  });
});

describe('the per-user and per-IP indexes', () => {
  it('list one user\u2019s or one address\u2019s sign-ins in the window, newest first, up to the limit', async () => {
    const store = await freshStore();
    const alice = [1, 2, 3, 4].map((h) =>
      signIn({ time: ago(h * HOUR), sourceIp: h % 2 ? '2001:db8::1' : '198.51.100.1' }),
    );
    const role = signIn({ identityType: 'AssumedRole', principal: 'Alice (Admin)', sessionName: 'Alice' });
    const other = signIn({ principal: 'bob', sourceIp: '2001:db8::1', time: ago(30 * MINUTE) });
    await store.recordSignIns([...alice, role, other], NOW);
    const window = [at(-DAY), NOW] as const;
    const ids = async (key: { user: string } | { ip: string }, limit = 10, from = window[0]) =>
      (await store.listSignInsOf(key, from, window[1], limit, NOW)).map((s) => s.eventId);
    expect(await ids({ user: 'alice' })).toEqual([role, ...alice].map((s) => s.eventId));
    expect(await ids({ user: 'ALICE' }, 2)).toEqual([role, alice[0]].map((s) => s?.eventId));
    expect(await ids({ user: 'alice' }, 10, at(-150 * MINUTE))).toEqual(
      [role, alice[0], alice[1]].map((s) => s?.eventId),
    );
    // The address as typed or in its normal form: the same index partition.
    expect(await ids({ ip: '2001:DB8:0:0::1' })).toEqual([other, alice[0], alice[2]].map((s) => s?.eventId));
    expect(await ids({ user: 'nobody' })).toEqual([]);
  });
});

describe('baselines', () => {
  it('say what each sign-in brings that is new, in event order within a batch and across batches', async () => {
    const store = await freshStore();
    const first = signIn({ time: ago(5 * HOUR) });
    const r1 = await store.recordSignIns([first], NOW);
    expect(r1.baselines.get(first.eventId)).toMatchObject({
      knownUser: false,
      userSignIns: 0,
      userSince: null,
    });

    const again = signIn({ time: ago(4 * HOUR) });
    const newIp1 = signIn({ time: ago(3 * HOUR), sourceIp: '203.0.113.50', userAgent: FIREFOX });
    const newIp2 = signIn({ time: ago(2 * HOUR), sourceIp: '203.0.113.50' });
    const guess = signIn({ time: ago(90 * MINUTE), sourceIp: '192.0.2.66', outcome: 'failure' });
    const afterGuess = signIn({ time: ago(HOUR), sourceIp: '192.0.2.66' });
    // Given out of order: the baseline follows event time.
    const r2 = await store.recordSignIns([afterGuess, newIp2, guess, newIp1, again], NOW);
    expect(r2.baselines.get(again.eventId)).toEqual({
      knownUser: true,
      userSignIns: 1,
      userSince: first.time,
      seen: {
        ip: { first: false, count: 1, since: first.time, value: '203.0.113.7' },
        network: { first: false, count: 1, since: first.time, value: '203.0.113.0/24' },
        browser: { first: false, count: 1, since: first.time, value: 'Chrome' },
        region: { first: false, count: 1, since: first.time, value: 'us-east-1' },
      },
      // Documentation addresses have no country: nothing to measure travel against.
      recent: [],
    });
    expect(r2.baselines.get(newIp1.eventId)?.seen).toMatchObject({
      ip: { first: true, count: 0, since: null },
      network: { first: false, count: 2 },
      browser: { first: true, value: 'Firefox' },
    });
    expect(r2.baselines.get(newIp2.eventId)?.seen.ip).toEqual({
      first: false,
      count: 1,
      since: newIp1.time,
      value: '203.0.113.50',
    });
    // A failed guess is judged but not learned: the address stays new until someone gets in from it.
    expect(r2.baselines.get(guess.eventId)?.seen.ip?.first).toBe(true);
    expect(r2.baselines.get(afterGuess.eventId)?.seen.ip?.first).toBe(true);
    expect(r2.baselines.get(afterGuess.eventId)?.userSignIns).toBe(4);

    const later = signIn({ time: ago(30 * MINUTE), sourceIp: '203.0.113.50' });
    const r3 = await store.recordSignIns([later, again], NOW);
    expect(r3.baselines.has(again.eventId)).toBe(false);
    expect(r3.baselines.get(later.eventId)).toMatchObject({
      userSignIns: 5,
      seen: { ip: { first: false, count: 2, since: newIp1.time } },
    });

    const answer = await store.readActivity(at(-DAY), NOW, NOW);
    // Newest first; a new address in a new network is one flag; a failed guess raises none.
    expect(answer.firstSeen.map((f) => [f.eventId, f.what, f.value])).toEqual([
      [afterGuess.eventId, 'ip', '192.0.2.66'],
      [newIp1.eventId, 'ip', '203.0.113.50'],
      [newIp1.eventId, 'browser', 'Firefox'],
    ]);
    expect(answer.firstSeen[0]).toEqual({
      eventId: afterGuess.eventId,
      time: afterGuess.time,
      principal: 'alice',
      what: 'ip',
      value: '192.0.2.66',
    });
  });

  it('remember countries and networks across batches and a restart, and the recent successes for travel', async () => {
    const tableStore = await freshStore();
    const located = (sourceIp: string, time: string, over: Partial<ClassifiedSignIn> = {}) =>
      signIn({ sourceIp, time, place: placeOf(sourceIp, testGeoData()), ...over });
    const home = located('8.8.8.8', ago(3 * HOUR));
    await tableStore.recordSignIns([home], NOW);

    // Another store on the same table: what a new Lambda instance (or `npm start` after a restart) sees.
    const restarted = new DynamoSignInStore(dynamo.client, {
      tableName: `activity-${tables}`,
      retentionDays: 30,
    });
    const guess = located('133.11.0.1', ago(150 * MINUTE), { outcome: 'failure' });
    const abroad = located('133.11.0.1', ago(2 * HOUR));
    const r = await restarted.recordSignIns([abroad, guess], NOW);
    expect(r.baselines.get(guess.eventId)).toMatchObject({
      knownUser: true,
      seen: { country: { first: true, value: 'JP' }, asn: { first: true, value: '2501' } },
      recent: [{ at: home.time, country: 'US' }],
    });
    // The failure is judged, not learned: the first success from Japan is still its first.
    expect(r.baselines.get(abroad.eventId)).toMatchObject({
      seen: { country: { first: true, value: 'JP' }, asn: { first: true } },
      recent: [{ at: home.time, country: 'US' }],
    });

    const back = located('8.8.4.4', ago(HOUR));
    const r2 = await tableStore.recordSignIns([back], NOW);
    expect(r2.baselines.get(back.eventId)).toMatchObject({
      userSignIns: 2,
      seen: {
        ip: { first: true },
        country: { first: false, count: 1, since: home.time, value: 'US' },
        asn: { first: false, count: 1, value: '15169' },
      },
      // Newest first, one per country.
      recent: [
        { at: abroad.time, country: 'JP' },
        { at: home.time, country: 'US' },
      ],
    });
    const answer = await restarted.readActivity(at(-DAY), NOW, NOW);
    expect(answer.firstSeen.filter((f) => f.what === 'country').map((f) => [f.eventId, f.value])).toEqual([
      [abroad.eventId, 'JP'],
    ]);
  });

  it('call no country new for a person whose baseline has none yet, or from an address they used before', async () => {
    const store = await freshStore();
    // Learned without geo data (before the upgrade, or while the data was missing): addresses, no countries.
    await store.recordSignIns([signIn({ sourceIp: '8.8.8.8', time: ago(3 * HOUR) })], NOW);
    const located = (sourceIp: string, time: string) =>
      signIn({ sourceIp, time, place: placeOf(sourceIp, testGeoData()) });
    const sameIp = located('8.8.8.8', ago(2 * HOUR));
    const facts = (await store.recordSignIns([sameIp], NOW)).baselines.get(sameIp.eventId);
    expect(facts?.seen.country).toBeUndefined();
    expect(facts?.seen.asn).toBeUndefined();
    expect(
      raiseSeverity('high', { identityType: 'Root', mfa: 'yes', outcome: 'success' }, facts).severity,
    ).toBe('high');
    // From here the baseline knows a country, so another one is news.
    const abroad = located('133.11.0.1', ago(HOUR));
    expect(
      (await store.recordSignIns([abroad], NOW)).baselines.get(abroad.eventId)?.seen.country,
    ).toMatchObject({
      first: true,
      value: 'JP',
    });
  });

  it('keep each person apart, per account, and forget them after 90 days without a sign-in', async () => {
    const store = await freshStore(400);
    const here = signIn({ time: ago(HOUR) });
    await store.recordSignIns([here], NOW);
    const elsewhere = signIn({ accountId: '444455556666', time: ago(30 * MINUTE) });
    expect((await store.recordSignIns([elsewhere], NOW)).baselines.get(elsewhere.eventId)?.knownUser).toBe(
      false,
    );
    const back = signIn({ time: at(91 * DAY).toISOString() });
    const r = await store.recordSignIns([back], at(91 * DAY));
    expect(r.baselines.get(back.eventId)).toMatchObject({
      knownUser: false,
      userSignIns: 0,
      seen: { ip: { first: true } },
    });
    const next = signIn({ time: at(92 * DAY).toISOString() });
    expect((await store.recordSignIns([next], at(92 * DAY))).baselines.get(next.eventId)).toMatchObject({
      knownUser: true,
      userSignIns: 1,
      userSince: back.time,
      seen: { ip: { first: false, count: 1, since: back.time } },
    });
  });
});

describe('where history begins', () => {
  it('is the earliest sign-in stored, never earlier than the retention, and null for an empty store', async () => {
    const store = await freshStore(30);
    expect(await store.coverageStart(NOW)).toBeNull();
    await store.recordSignIns([signIn({ time: ago(2 * DAY) })], NOW);
    expect(await store.coverageStart(NOW)).toEqual(at(-2 * DAY));
    await store.recordSignIns([signIn({ time: ago(DAY) }), signIn({ time: ago(5 * DAY) })], NOW);
    expect(await store.coverageStart(NOW)).toEqual(at(-5 * DAY));
    // One past the retention is not kept: it does not move the start.
    await store.recordSignIns([signIn({ time: ago(45 * DAY) })], NOW);
    expect(await store.coverageStart(NOW)).toEqual(at(-5 * DAY));
    expect(await store.coverageStart(at(40 * DAY))).toEqual(at(10 * DAY));
  });
});

describe('a brute force from thousands of addresses', () => {
  it('is stored and counted whole, with the per-IP detail capped and the answer saying what it left out', async () => {
    const store = await freshStore();
    const attack = Array.from({ length: 8_000 }, (_, i) =>
      signIn({
        outcome: 'failure',
        mfa: 'unknown',
        sourceIp: `10.${i >> 8}.${i & 255}.${(i * 7) % 250}`,
        time: ago(50 * MINUTE - i * 300),
      }),
    );
    for (let i = 0; i < attack.length; i += 1_000) await store.recordSignIns(attack.slice(i, i + 1_000), NOW);
    const answer = await store.readActivity(at(-2 * HOUR), NOW, NOW);
    expect(answer.total).toBe(8_000);
    expect(answer.byOutcome.failure).toBe(8_000);
    expect(answer.principals).toMatchObject([{ key: 'alice', signIns: 8_000, failures: 8_000 }]);
    const shown = answer.ips.reduce((n, ip) => n + ip.signIns, 0);
    expect(shown).toBeLessThan(8_000);
    expect(answer.partial).toContain(`${(8_000 - shown).toLocaleString('en-US')} in the source IPs`);

    const items = await dynamo.client.send(
      new QueryCommand({
        TableName: `activity-${tables}`,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `ROLLUP#H#${ago(50 * MINUTE).slice(0, 13)}` } },
      }),
    );
    const sizes = (items.Items ?? []).map(
      (item) => JSON.stringify(unmarshall(item), (_, v) => (v instanceof Set ? [...v] : v)).length,
    );
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThan(300_000);
  });
});
