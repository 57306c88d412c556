// The alert lease and delivery states on real dynalite, and the sweeper finishing what the worker could not.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { decodeValue } from '../../bot/core/decode-input';
import { MAX_ATTEMPTS } from '../../bot/pipeline/delivery';
import { ingest } from '../../bot/pipeline/ingest';
import { sweepPendingAlerts } from '../../bot/pipeline/sweep';
import type { Clock, NewAlert } from '../../bot/ports';
import { BOT_METRICS } from '../../shared/metrics';
import type { Severity } from '../../shared/severity';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { testPipeline } from '../helpers/pipeline-deps';

let dynamo: EmbeddedDynamo;
let slack: FakeSlack;
let store: DynamoSignInStore;
let now = new Date();
const clock: Clock = { now: () => now };
const later = (ms: number) => new Date(now.getTime() + ms);

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack.stop();
  await dynamo.close();
});
beforeEach(() => {
  slack.reset();
  // Slack stamps messages with the real clock, and the lookups compare against it: each test starts from it.
  now = new Date();
  // One table for all; afterEach(drain) leaves nothing due behind a test.
  store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
});

const pipeline = () => testPipeline({ store, slack, clock });
let seq = 0;
const alert = (prefix: string, severity: Severity = 'high'): NewAlert => {
  seq += 1;
  const alertId = `${prefix}-${seq}`;
  return {
    alertId,
    kind: 'signin',
    subjectId: alertId,
    severity,
    channel: 'C1',
    message: { text: 't', blocks: [] },
  };
};
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const record = (id: string, extra: Record<string, unknown> = {}) =>
  recordFrom(ROOT, { eventID: id, ...extra });
/** Leaves nothing due behind a test: marks every due alert failed under a fresh claim. */
const drain = async () => {
  for (const due of await store.listDueAlerts(later(86_400_000 * 2), 100)) {
    const claim = await store.claimAlert(due.alertId, later(86_400_000 * 2), 1000);
    if (claim.status === 'claimed' && claim.alert.leaseId)
      await store.markAlertFailed(due.alertId, claim.alert.leaseId, 'test cleanup', now);
  }
};
afterEach(drain);

describe('the alert lease', () => {
  it('lets exactly one of many concurrent claims post', async () => {
    const a = alert('race');
    await store.createAlert(a, now);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.claimAlert(a.alertId, now, 60_000)),
    );
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'unavailable')).toHaveLength(7);
  });

  it('hands an expired lease to the next worker, once, and marks the outcome unknown', async () => {
    const a = alert('expired');
    await store.createAlert(a, now);
    await store.claimAlert(a.alertId, now, 1_000);
    const [x, y] = await Promise.all([
      store.claimAlert(a.alertId, later(5_000), 60_000),
      store.claimAlert(a.alertId, later(5_000), 60_000),
    ]);
    expect([x.status, y.status].sort()).toEqual(['claimed', 'unavailable']);
    // The first holder may have posted before it died: the next one must look before posting.
    expect(await store.getAlert(a.alertId)).toMatchObject({ lastOutcome: 'unknown', attempts: 2 });
  });

  it('lets only the current holder release a lease: a slow worker cannot undo a takeover', async () => {
    const a = alert('slow');
    await store.createAlert(a, now);
    const first = await store.claimAlert(a.alertId, now, 1_000);
    const second = await store.claimAlert(a.alertId, later(5_000), 60_000);
    if (first.status !== 'claimed' || second.status !== 'claimed') throw new Error('claims expected');
    const pending = {
      error: 'late failure',
      outcome: 'not-sent' as const,
      retryAt: later(5_000),
      attempted: true,
      attemptStartedAt: now,
    };
    await expect(
      store.markAlertPending(a.alertId, first.alert.leaseId ?? '', pending, later(5_000)),
    ).resolves.toBe(false);
    expect(await store.getAlert(a.alertId)).toMatchObject({
      status: 'posting',
      leaseId: second.alert.leaseId,
    });
  });

  it('never claims a posted alert again', async () => {
    const a = alert('done');
    await store.createAlert(a, now);
    const claim = await store.claimAlert(a.alertId, now, 60_000);
    if (claim.status !== 'claimed') throw new Error('claim expected');
    await store.markAlertPosted(a.alertId, claim.alert.leaseId ?? '', { channel: 'C1', ts: '1.1' }, now);
    await expect(store.claimAlert(a.alertId, later(3_600_000), 60_000)).resolves.toMatchObject({
      status: 'unavailable',
      alert: { status: 'posted', ts: '1.1' },
    });
  });

  it('does not let a redelivery take over a pending alert before its retry time', async () => {
    const a = alert('not-due');
    await store.createAlert(a, now);
    const claim = await store.claimAlert(a.alertId, now, 60_000);
    if (claim.status !== 'claimed') throw new Error('claim expected');
    const retry = {
      error: '500',
      outcome: 'unknown' as const,
      retryAt: later(120_000),
      attempted: true,
      attemptStartedAt: now,
    };
    await store.markAlertPending(a.alertId, claim.alert.leaseId ?? '', retry, now);
    await expect(store.claimAlert(a.alertId, later(60_000), 60_000)).resolves.toMatchObject({
      status: 'unavailable',
    });
    await expect(store.claimAlert(a.alertId, later(120_000), 60_000)).resolves.toMatchObject({
      status: 'claimed',
    });
  });

  it('refuses to record a post for an alert that does not exist instead of creating one', async () => {
    await expect(
      store.markAlertPosted('never-created', 'lease', { channel: 'C1', ts: '1.1' }, now),
    ).rejects.toThrow(/missing/);
    expect(await store.getAlert('never-created')).toBeNull();
  });

  it('serves due alerts most severe first, then oldest: a root card does not wait behind medium ones', async () => {
    const mediums = Array.from({ length: 5 }, () => alert('medium', 'medium'));
    for (const [i, m] of mediums.entries()) await store.createAlert(m, later(-60_000 + i));
    const critical = alert('critical', 'critical');
    await store.createAlert(critical, now);
    const due = await store.listDueAlerts(later(1_000), 3);
    expect(due.map((d) => d.severity)).toEqual(['critical', 'medium', 'medium']);
    expect(due[1]?.alertId).toBe(mediums[0]?.alertId);
  });
});

describe('the sweeper', () => {
  it('posts an alert whose post failed once its retry time comes, after checking it did not land', async () => {
    const p = pipeline();
    slack.failNext('chat.postMessage', { status: 500 });
    const first = await ingest(decodeValue(record('sweep-1')), p.deps);
    expect(first).toMatchObject({ posted: 0, deferred: 1 });
    expect(await store.getAlert('signin:sweep-1')).toMatchObject({
      status: 'pending',
      lastOutcome: 'unknown',
      lastError: expect.stringContaining('500'),
    });

    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 0 });
    now = later(61_000);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 1, posted: 1 });
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 0 });
    // Looked for twice (right after the 500, and before the retry): it was not there, so it was posted.
    expect(slack.callsTo('conversations.history')).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await store.getAlert('signin:sweep-1')).toMatchObject({ status: 'posted', attempts: 2 });
  });

  it('gives up after the last attempt, escalates the alert with its facts, and counts it', async () => {
    const p = pipeline();
    slack.failNext(
      'chat.postMessage',
      ...Array.from({ length: MAX_ATTEMPTS }, () => ({ slackError: 'internal_error' })),
    );
    await ingest(decodeValue(record('sweep-2')), p.deps);
    for (let i = 1; i < MAX_ATTEMPTS; i += 1) {
      now = later(2 * 3_600_000);
      await sweepPendingAlerts(p.deps);
    }
    expect(await store.getAlert('signin:sweep-2')).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      lastError: expect.stringContaining('internal_error'),
    });
    expect(p.escalations).toHaveLength(1);
    expect(p.escalations[0]?.message).toMatch(
      /CRITICAL: Root user signed in without MFA in account 111122223333/,
    );
    expect(p.metrics).toContainEqual({ name: BOT_METRICS.abandonedAlerts, value: 1 });
    expect(await store.listDueAlerts(later(86_400_000), 10)).toEqual([]);
  });

  it.each([
    ['channel_not_found', /invite the bot/, false],
    ['not_in_channel', /\/invite @signins/, false],
    ['invalid_auth', /reinstall the app/, true],
    ['token_revoked', /reinstall the app/, true],
    ['account_inactive', /reinstall the app/, true],
  ])('stops at once on %s, escalates, and says what to do', async (code, hint, tokenRefused) => {
    const p = pipeline();
    // A refused token is tried once more with the secret read again (it may have been rotated), then given up.
    const tries = tokenRefused ? 2 : 1;
    slack.failNext('chat.postMessage', ...Array.from({ length: tries }, () => ({ slackError: code })));
    const id = `perm-${code}`;
    await expect(ingest(decodeValue(record(id)), p.deps)).resolves.toMatchObject({ abandoned: 1, posted: 0 });
    expect(await store.getAlert(`signin:${id}`)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(hint),
    });
    expect(p.escalations).toHaveLength(1);
    expect(p.metrics).toContainEqual({ name: BOT_METRICS.slackPermanentErrors, value: 1 });
    expect(p.metrics.some((m) => m.name === BOT_METRICS.slackTokenRefused)).toBe(tokenRefused);
    now = later(86_400_000);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(tries);
  });

  it('turns a 429 into a pending alert due at Retry-After, without sleeping and without counting an attempt', async () => {
    const p = pipeline();
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 120 });
    const started = Date.now();
    await expect(ingest(decodeValue(record('rate-1')), p.deps)).resolves.toMatchObject({ deferred: 1 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.getAlert('signin:rate-1')).toMatchObject({
      status: 'pending',
      attempts: 0,
      dueAt: later(120_000).toISOString(),
    });
  });

  it('reports the age of the oldest alert not yet in Slack', async () => {
    const p = pipeline();
    await store.createAlert(alert('old', 'medium'), later(-600_000));
    await expect(sweepPendingAlerts(p.deps, { deadline: now.getTime() })).resolves.toMatchObject({
      oldestPendingAgeSeconds: 600,
    });
    expect(p.metrics).toContainEqual({ name: BOT_METRICS.oldestPendingAlertAge, value: 600 });
  });
});

describe('delivery under trouble', () => {
  it('does not post again when the post landed but recording it failed: the sweeper finds it in the channel', async () => {
    const p = pipeline();
    let failMarks = 3;
    const flaky: DynamoSignInStore = Object.create(store);
    flaky.markAlertPosted = async (...args) => {
      if (failMarks-- > 0) throw new Error('DynamoDB throttled');
      return store.markAlertPosted(...args);
    };
    const first = await ingest(decodeValue(record('trouble-1')), { ...p.deps, store: flaky });
    expect(first).toMatchObject({ posted: 1, failed: [] });
    const again = await ingest(decodeValue(record('trouble-1')), p.deps);
    expect(again).toMatchObject({ posted: 0, duplicates: 1 });
    // After the lease, the sweeper takes over with an unknown outcome and finds the card.
    now = later(10 * 60_000);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 1, found: 1, posted: 0 });
    expect(await store.getAlert('signin:trouble-1')).toMatchObject({ status: 'posted' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('stores the whole batch first and leaves what is past the deadline to the sweeper', async () => {
    const p = pipeline();
    const batch = decodeValue({ Records: [record('late-1'), record('late-2')] });
    const result = await ingest(batch, p.deps, { deadline: now.getTime() - 1 });
    expect(result).toMatchObject({ signIns: 2, posted: 0, deferred: 2 });
    expect(await store.getSignIn('late-2')).toMatchObject({ severity: 'critical' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 2, posted: 2 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('still posts the card of a sign-in that could not be stored, and reports it so that the worker fails', async () => {
    const p = pipeline();
    const flaky: DynamoSignInStore = Object.create(store);
    // The batch fails because of one sign-in: the others are stored one by one.
    flaky.recordSignIns = async (signIns, at) => {
      if (signIns.some((s) => s.eventId === 'unstorable'))
        throw new Error('ValidationException: Item size has exceeded');
      return store.recordSignIns(signIns, at);
    };
    const result = await ingest(decodeValue({ Records: [record('unstorable'), record('survivor')] }), {
      ...p.deps,
      store: flaky,
    });
    expect(result).toMatchObject({ posted: 2, notStored: [{ id: 'signin:unstorable' }] });
    expect(await store.getSignIn('survivor')).not.toBeNull();
  });

  it('keeps undelivered alerts without an expiry, and gives delivered ones the retention', async () => {
    const p = pipeline();
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 60 });
    await ingest(decodeValue({ Records: [record('ttl-pending'), record('ttl-posted')] }), p.deps);
    const raw = async (alertId: string) =>
      (
        await dynamo.client.send(
          new GetItemCommand({
            TableName: dynamo.tableName,
            Key: { pk: { S: `ALERT#${alertId}` }, sk: { S: 'ALERT' } },
          }),
        )
      ).Item;
    const pending = await raw('signin:ttl-pending');
    const posted = await raw('signin:ttl-posted');
    expect(pending?.status?.S).toBe('pending');
    expect(pending?.expiresAt).toBeUndefined();
    expect(posted?.status?.S).toBe('posted');
    expect(Number(posted?.expiresAt?.N)).toBeGreaterThan(now.getTime() / 1000 + 29 * 86_400);
  });
});

describe('sign-in queries', () => {
  it('lists stored sign-ins newest first within a time range, across days', async () => {
    const p = pipeline();
    const s = (id: string, time: string) =>
      recordFrom('signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json', {
        eventID: id,
        eventTime: time,
      });
    await ingest(
      decodeValue({
        Records: [
          s('q-1', '2026-11-18T23:59:00Z'),
          s('q-2', '2026-11-19T00:01:00Z'),
          s('q-3', '2026-11-19T12:00:00Z'),
        ],
      }),
      p.deps,
    );
    const found = await store.listSignIns(
      { from: new Date('2026-11-18T12:00:00Z'), to: new Date('2026-11-19T06:00:00Z') },
      now,
    );
    expect(found.map((f) => f.eventId)).toEqual(['q-2', 'q-1']);
  });
});
