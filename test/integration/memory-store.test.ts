// The dry run's memory store against the DynamoDB store it stands in for: the same records through the real
// pipeline (ingest, delivery, responders, on a clock the test moves) on each store must make the same Slack
// calls, with storms, brute forces, first-seen places, impossible travel, root, duplicates and a silence. And
// the store's own contract where a replay leans on it: idempotency, the alert lifecycle, storms, forgetting.

import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { createJsonLogger } from '../../bot/adapters/json-logger';
import { LATE_MS, MemorySignInStore } from '../../bot/adapters/memory-store';
import { type RecordedCall, ReportingNotifier } from '../../bot/adapters/slack-notifier';
import { BURST_REDRAW_MS } from '../../bot/core/burst';
import { decodeValue } from '../../bot/core/decode-input';
import { parseIdentityMap } from '../../bot/core/identity-map';
import { DEFAULT_POLICY } from '../../bot/core/response';
import { DEFAULT_ROUTING, type Routing } from '../../bot/core/routing';
import type { Silence } from '../../bot/core/silence-types';
import type { ResponderSettings } from '../../bot/pipeline/config';
import { addIngestResults, emptyIngestResult, type IngestResult, ingest } from '../../bot/pipeline/ingest';
import { Responders } from '../../bot/pipeline/responders';
import { type BotStore, noMetrics } from '../../bot/ports';
import { recordFrom } from '../helpers/fixtures';
import { testGeoData } from '../helpers/geo';

const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const IAM_SUCCESS = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const T0 = Date.parse('2026-11-20T09:00:00Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const user = (name: string) => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase()}`,
  arn: `arn:aws:iam::111122223333:user/${name}`,
  accountId: '111122223333',
  accessKeyId: '',
  userName: name,
});
const success = (id: string, at: number, ip: string, name: string) =>
  recordFrom(IAM_SUCCESS, { eventID: id, eventTime: iso(at), sourceIPAddress: ip, userIdentity: user(name) });
const failure = (id: string, at: number, ip: string, name: string) =>
  recordFrom(IAM_FAIL, { eventID: id, eventTime: iso(at), sourceIPAddress: ip, userIdentity: user(name) });
const root = (id: string, at: number, ip: string) =>
  recordFrom(ROOT, { eventID: id, eventTime: iso(at), sourceIPAddress: ip });

/** Failures of `name` from `ip`, one every 15 s from `start`, in batches of `size`. */
const storm = (tag: string, name: string, ip: string, count: number, start: number, size: number) => {
  const records = Array.from({ length: count }, (_, i) =>
    failure(`${tag}-${i}`, start + i * 15_000, ip, name),
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < records.length; i += size) batches.push(records.slice(i, i + size));
  return batches;
};

/** A day's mixed traffic, batch by batch, as a replay of CloudTrail files feeds it. */
const mixedBatches = (): Record<string, unknown>[][] => {
  const bobHome = success('bob-1', T0, '8.8.8.8', 'bob');
  const rootIn = root('root-1', T0 + MINUTE, '198.51.100.7');
  const [b1, ...alice] = storm('alice', 'alice', '203.0.113.50', 24, T0, 4);
  return [
    // A duplicate inside the batch, the storm's first failures, a root sign-in.
    [bobHome, bobHome, rootIn, ...(b1 ?? [])],
    // The root record delivered again, a second person's first sign-in.
    [rootIn, success('erin-1', T0 + 2 * MINUTE, '8.8.4.4', 'erin'), ...(alice[0] ?? [])],
    ...alice.slice(1),
    // Bob from Japan 30 minutes after the US: a first-seen country and impossible travel; carol is silenced.
    [
      success('bob-2', T0 + 30 * MINUTE, '133.11.0.1', 'bob'),
      failure('carol-1', T0 + 31 * MINUTE, '192.0.2.10', 'carol'),
      success('carol-2', T0 + 32 * MINUTE, '192.0.2.10', 'carol'),
      success('bob-3', T0 + 33 * MINUTE, '8.8.8.8', 'bob'),
    ],
    // The storm's first batch again, much later in the replay: nothing is posted twice.
    [...(b1 ?? []), bobHome],
  ];
};

const silence = (): Silence => ({
  id: 's-carol1',
  matchers: [{ field: 'principal', value: 'carol' }],
  startsAt: iso(T0 - 60 * MINUTE),
  endsAt: iso(T0 + 24 * 60 * MINUTE),
  author: 'cli:test',
  reason: 'carol is testing the console',
  createdAt: iso(T0 - 60 * MINUTE),
  updatedAt: iso(T0 - 60 * MINUTE),
  channel: null,
  held: 0,
  alarms: [],
});

const settings: ResponderSettings = {
  allowed: { users: ['U0ALICE'], groups: [] },
  oncall: null,
  identityMap: parseIdentityMap({}),
  autoAsk: 'off',
  policy: DEFAULT_POLICY,
};

interface Run {
  readonly calls: RecordedCall[];
  readonly total: IngestResult;
  readonly store: BotStore;
}

/**
 * The replay's pipeline (bot/cli/local-pipeline.ts without the terminal) on `store`, batch by batch on a clock
 * just after each batch's newest sign-in, then the replay's last storm redraw, then the sweeper 8 minutes on
 * (a critical card's acknowledgement reminder is due).
 */
const replay = async (
  store: BotStore,
  batches: readonly Record<string, unknown>[][],
  routing: Routing = DEFAULT_ROUTING,
): Promise<Run> => {
  let now = T0;
  const clock = { now: () => new Date(now) };
  const calls: RecordedCall[] = [];
  const base = {
    store,
    notifier: new ReportingNotifier((call) => void calls.push(call)),
    escalator: { escalate: async () => {} },
    metrics: noMetrics,
    logger: createJsonLogger({ level: 'silent' }),
    clock,
    routing,
    defaultChannel: 'C0SIGNINS',
    geo: testGeoData(),
    settings,
  };
  const responders = new Responders(base);
  const deps = { ...base, responders };
  let total = emptyIngestResult();
  for (const batch of batches) {
    const newest = Math.max(...batch.map((r) => Date.parse(String(r.eventTime))));
    now = Math.max(now, newest) + 1_000;
    total = addIngestResults(total, await ingest(decodeValue({ Records: batch }), deps, { via: 'file' }));
  }
  now += BURST_REDRAW_MS;
  await responders.sweep({ deadline: now + BURST_REDRAW_MS });
  now += 8 * MINUTE;
  await responders.sweep({ deadline: now + BURST_REDRAW_MS });
  return { calls, total, store };
};

let tables = 0;
const dynamoStore = (): DynamoSignInStore => {
  // One table per run: a run's records must not meet another's.
  tables += 1;
  return new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 3650 });
};

const texts = (run: Run) => run.calls.map((c) => String(c.args.text));

describe('the dry run memory store, through the real pipeline', () => {
  it('makes the same Slack calls as the DynamoDB store for storms, travel, root, duplicates and a silence', async () => {
    const tag = (batches: Record<string, unknown>[][], suffix: string) =>
      batches.map((b) => b.map((r) => ({ ...r, eventID: `${r.eventID}-${suffix}` })));
    const onDynamo = dynamoStore();
    const onMemory = new MemorySignInStore({ retentionDays: 3650 });
    await onDynamo.createSilence(silence());
    await onMemory.createSilence(silence());

    const a = await replay(onDynamo, tag(mixedBatches(), `d${tables}`));
    const b = await replay(onMemory, tag(mixedBatches(), `d${tables}`));

    // The scenario does what it is for: a brute force, travel, root, a reminder, the silence, duplicates.
    const all = texts(a).join('\n');
    expect(all).toMatch(/24 failed sign-ins as alice/);
    expect(JSON.stringify(a.calls)).toContain('impossible travel: US → JP in 30 min');
    expect(all).toMatch(/CRITICAL: Root user signed in without MFA/);
    expect(a.total.silenced).toBe(2);
    expect(a.total.grouped).toBeGreaterThanOrEqual(23);
    expect(a.total.duplicates).toBeGreaterThanOrEqual(3);
    expect(b.calls).toEqual(a.calls);
    expect(b.total).toEqual(a.total);
    expect((await onMemory.getSilence('s-carol1'))?.held).toBe((await onDynamo.getSilence('s-carol1'))?.held);
    expect((await onMemory.getSilence('s-carol1'))?.held).toBe(2);
  });

  it('raises a brute force that routing hides (post: [critical, high]) on the same failure as the DynamoDB store', async () => {
    const highOnly: Routing = { ...DEFAULT_ROUTING, post: ['critical', 'high'] };
    const batches = storm(`dave-${tables}`, 'dave', '203.0.113.60', 16, T0, 3);
    const a = await replay(dynamoStore(), batches, highOnly);
    const b = await replay(new MemorySignInStore({ retentionDays: 3650 }), batches, highOnly);

    expect(JSON.stringify(a.calls)).toContain('brute force: 10 failed sign-ins');
    expect(b.calls).toEqual(a.calls);
    expect(b.total).toEqual(a.total);
  });
});

describe('the dry run memory store holds only what decisions need', () => {
  it('forgets a posted card with no timer at the next batch, and a record delivered again is still no new card', async () => {
    const store = new MemorySignInStore({ retentionDays: 3650 });
    const first = await replay(store, [[success('keep-1', T0, '8.8.8.8', 'frank')]]);
    expect(first.total.posted).toBe(1);
    expect(store.sizes).toMatchObject({ cards: 1, forgottenCards: 0 });

    const again = await replay(store, [
      [success('keep-2', T0 + MINUTE, '8.8.8.8', 'frank')],
      [success('keep-1', T0, '8.8.8.8', 'frank')],
    ]);

    expect(store.sizes).toMatchObject({ eventIds: 2, forgottenCards: 2, cards: 0 });
    expect(again.total).toMatchObject({ posted: 1, duplicates: 1 });
    expect(texts(again)).toHaveLength(1);
  });

  it('keeps an unacknowledged critical card (its reminder is due later) and an open storm, and closes the storm once the replay is far past it', async () => {
    const store = new MemorySignInStore({ retentionDays: 3650 });
    await replay(store, [
      [root('crit-1', T0, '198.51.100.9'), ...(storm('gina', 'gina', '203.0.113.70', 4, T0, 4)[0] ?? [])],
      [success('later-1', T0 + 2 * MINUTE, '8.8.8.8', 'gina')],
    ]);
    // The root card, the storm card, and the last card (forgotten when the next batch starts).
    expect(store.sizes.cards).toBe(3);

    const late = T0 + LATE_MS + 2 * 60 * MINUTE;
    await replay(store, [
      [success('later-2', late, '8.8.8.8', 'gina')],
      [success('later-3', late + MINUTE, '8.8.8.8', 'gina')],
    ]);

    // The storm card is forgotten; the critical card waits for its acknowledgement (escalated by now, still open).
    const held = store.sizes;
    expect(held.forgottenCards).toBeGreaterThanOrEqual(3);
    expect(await store.getAlert('signin:crit-1')).toMatchObject({ status: 'posted' });
    expect(await store.getAlert('signin:gina-0')).toBeNull();
    // Sign-ins far behind the newest are no longer held.
    expect(await store.getSignIn('later-1')).toBeNull();
    expect(await store.getSignIn('later-3')).toMatchObject({ eventId: 'later-3' });
  });
});

describe.each([
  ['DynamoDB', () => dynamoStore() as BotStore],
  ['memory', () => new MemorySignInStore({ retentionDays: 3650 }) as BotStore],
])('the alert lifecycle on the %s store', (_name, open) => {
  const alert = (id: string) => ({
    alertId: `contract:${id}:${tables}`,
    kind: 'alarm' as const,
    subjectId: id,
    severity: 'high' as const,
    channel: 'C0SIGNINS',
    message: { text: 'a card', blocks: [] },
  });
  const now = new Date(T0);

  it('creates once, leases to one claimer, releases only to the holder, and records a post once', async () => {
    const store = open();
    const a = alert('life');
    expect(await store.createAlert(a, now)).toBe(true);
    expect(await store.createAlert(a, now)).toBe(false);
    const claim = await store.claimAlert(a.alertId, now, 60_000);
    expect(claim.status).toBe('claimed');
    expect(await store.claimAlert(a.alertId, now, 60_000)).toMatchObject({ status: 'unavailable' });
    const lease = claim.status === 'claimed' ? (claim.alert.leaseId as string) : '';
    const retryAt = new Date(T0 + 5_000);
    const update = {
      error: 'busy',
      outcome: 'not-sent' as const,
      retryAt,
      attempted: true,
      attemptStartedAt: now,
    };
    expect(await store.markAlertPending(a.alertId, 'not-the-lease', update, now)).toBe(false);
    expect(await store.markAlertPending(a.alertId, lease, update, now)).toBe(true);
    expect(await store.listDueAlerts(now, 10)).toEqual([]);
    expect(await store.listDueAlerts(retryAt, 10)).toEqual([
      { alertId: a.alertId, severity: 'high', dueAt: retryAt.toISOString() },
    ]);
    const again = await store.claimAlert(a.alertId, retryAt, 60_000);
    const lease2 = again.status === 'claimed' ? (again.alert.leaseId as string) : '';
    expect(again).toMatchObject({ status: 'claimed', alert: { attempts: 2, lastError: 'busy' } });
    const posted = { channel: 'C0SIGNINS', ts: '1.000001' };
    expect(await store.markAlertPosted(a.alertId, lease2, posted, retryAt)).toBe('recorded');
    expect(await store.markAlertPosted(a.alertId, lease2, posted, retryAt)).toBe('already-posted');
    expect(await store.getAlert(a.alertId)).toMatchObject({
      status: 'posted',
      ts: '1.000001',
      attempts: 2,
      firstAttemptAt: now.toISOString(),
    });
    expect(await store.markAlertFailed(a.alertId, lease2, 'late', retryAt)).toBe(false);
  });

  it('writes a response only on the version read, and lists its timer when due', async () => {
    const store = open();
    const a = alert('resp');
    await store.createAlert(a, now);
    const claim = await store.claimAlert(a.alertId, now, 60_000);
    const lease = claim.status === 'claimed' ? (claim.alert.leaseId as string) : '';
    const response = {
      state: 'open' as const,
      version: 1,
      drawnVersion: 1,
      postedAt: now.toISOString(),
      events: [],
    };
    const timer = new Date(T0 + 60_000);
    await store.markAlertPosted(a.alertId, lease, { channel: 'C0SIGNINS', ts: '2.0' }, now, {
      response,
      timerAt: timer,
    });
    expect(await store.listDueResponses(now, 10)).toEqual([]);
    expect(await store.listDueResponses(timer, 10)).toEqual([a.alertId]);
    const next = { ...response, version: 2, state: 'acknowledged' as const };
    expect(await store.writeResponse(a.alertId, 5, next, null, now)).toBe(false);
    expect(await store.writeResponse(a.alertId, 1, next, null, now)).toBe(true);
    expect(await store.listDueResponses(timer, 10)).toEqual([]);
    await store.scheduleResponseTimer(a.alertId, timer);
    expect(await store.listDueResponses(timer, 10)).toEqual([a.alertId]);
    expect((await store.getAlert(a.alertId))?.response).toMatchObject({ version: 2, state: 'acknowledged' });
  });
});
