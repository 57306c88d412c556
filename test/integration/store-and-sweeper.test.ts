// The alert lease on real dynalite, and the sweeper finishing posts that failed.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { createJsonLogger } from '../../bot/adapters/json-logger';
import { createSlackClient, SlackNotifier } from '../../bot/adapters/slack-notifier';
import { decodeValue } from '../../bot/core/decode-input';
import { DEFAULT_ROUTING } from '../../bot/core/routing';
import { type IngestDeps, ingest } from '../../bot/pipeline/ingest';
import type { Clock, NewAlert } from '../../bot/ports';
import { MAX_ATTEMPTS, sweepPendingAlerts } from '../../bot/pipeline/sweep';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';

let dynamo: EmbeddedDynamo;
let slack: FakeSlack;
let store: DynamoSignInStore;
let now = new Date('2026-11-20T10:00:00.000Z');
const clock: Clock = { now: () => now };

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  slack = await new FakeSlack().start();
  store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
});
afterAll(async () => {
  await slack.stop();
  await dynamo.close();
});
beforeEach(() => slack.reset());

const deps = (): IngestDeps => ({
  store,
  notifier: new SlackNotifier(createSlackClient('xoxb-test', { slackApiUrl: slack.url, retries: 0 })),
  logger: createJsonLogger({ level: 'silent' }),
  clock,
  routing: DEFAULT_ROUTING,
  defaultChannel: 'C0SIGNINS',
});

const alert = (alertId: string): NewAlert => ({
  alertId,
  kind: 'signin',
  subjectId: alertId,
  severity: 'high',
  channel: 'C1',
  message: { text: 't', blocks: [] },
});

describe('the alert lease', () => {
  // Leave nothing in flight for the sweeper tests below.
  afterAll(async () => {
    for (const id of ['race', 'expired']) await store.markAlertPosted(id, { channel: 'C1', ts: '0.1' }, now);
  });

  it('lets exactly one of many concurrent claims post', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.claimAlert(alert('race'), now, 60_000)),
    );
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'in-flight')).toHaveLength(7);
  });

  it('hands an expired lease to the next worker, once', async () => {
    await store.claimAlert(alert('expired'), now, 1_000);
    const later = new Date(now.getTime() + 5_000);
    const [a, b] = await Promise.all([
      store.claimAlert(alert('expired'), later, 60_000),
      store.claimAlert(alert('expired'), later, 60_000),
    ]);
    expect([a.status, b.status].sort()).toEqual(['claimed', 'in-flight']);
  });

  it('lets only the current holder release a lease: a slow worker cannot undo a takeover', async () => {
    const first = await store.claimAlert(alert('slow'), now, 1_000);
    const later = new Date(now.getTime() + 5_000);
    const second = await store.claimAlert(alert('slow'), later, 60_000);
    expect(second.status).toBe('claimed');
    if (first.status !== 'claimed' || second.status !== 'claimed') throw new Error('claims expected');
    expect(first.alert.leaseId).not.toBe(second.alert.leaseId);
    await expect(
      store.markAlertPending('slow', first.alert.leaseId, 'late failure', later, later),
    ).resolves.toBe(false);
    expect(await store.getAlert('slow')).toMatchObject({ status: 'posting', leaseId: second.alert.leaseId });
    await store.markAlertPosted('slow', { channel: 'C1', ts: '2.2' }, later);
  });

  it('never claims a posted alert again', async () => {
    await store.claimAlert(alert('done'), now, 60_000);
    await store.markAlertPosted('done', { channel: 'C1', ts: '1.1' }, now);
    await expect(
      store.claimAlert(alert('done'), new Date(now.getTime() + 3_600_000), 60_000),
    ).resolves.toMatchObject({
      status: 'posted',
      alert: { ts: '1.1' },
    });
  });
});

describe('the sweeper', () => {
  const record = (id: string) =>
    recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', { eventID: id });

  it('posts an alert whose post failed, once its retry time comes', async () => {
    slack.failNext('chat.postMessage', { status: 500 });
    const first = await ingest(decodeValue(record('sweep-1')), deps());
    expect(first.failed).toHaveLength(1);
    expect(await store.getAlert('signin:sweep-1')).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('500'),
    });

    await expect(sweepPendingAlerts(deps())).resolves.toMatchObject({ retried: 0 });
    now = new Date(now.getTime() + 61_000);
    await expect(sweepPendingAlerts(deps())).resolves.toMatchObject({ retried: 1, posted: 1 });
    await expect(sweepPendingAlerts(deps())).resolves.toMatchObject({ retried: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await store.getAlert('signin:sweep-1')).toMatchObject({ status: 'posted', attempts: 2 });
  });

  it('gives up after the last attempt and says why', async () => {
    slack.failNext(
      'chat.postMessage',
      ...Array.from({ length: MAX_ATTEMPTS }, () => ({ slackError: 'channel_not_found' })),
    );
    await ingest(decodeValue(record('sweep-2')), deps());
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      now = new Date(now.getTime() + 2 * 3_600_000);
      await sweepPendingAlerts(deps());
    }
    expect(await store.getAlert('signin:sweep-2')).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      lastError: expect.stringContaining('channel_not_found'),
    });
    expect(await store.listDueAlerts(new Date(now.getTime() + 86_400_000), 10)).toEqual([]);
  });
});

describe('delivery under trouble', () => {
  const record = (id: string, extra: Record<string, unknown> = {}) =>
    recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', { eventID: id, ...extra });

  it('does not post again when the post landed but recording it failed', async () => {
    let failMarks = 3;
    const flaky: typeof store = Object.create(store);
    flaky.markAlertPosted = async (...args) => {
      if (failMarks-- > 0) throw new Error('DynamoDB throttled');
      return store.markAlertPosted(...args);
    };
    const first = await ingest(decodeValue(record('trouble-1')), { ...deps(), store: flaky });
    expect(first).toMatchObject({ posted: 1, failed: [] });
    const again = await ingest(decodeValue(record('trouble-1')), deps());
    expect(again).toMatchObject({ posted: 0, duplicates: 1 });
    await expect(sweepPendingAlerts(deps())).resolves.toMatchObject({ retried: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('stores the whole batch first and leaves what is past the deadline to the sweeper', async () => {
    const batch = decodeValue({ Records: [record('late-1'), record('late-2')] });
    const result = await ingest(batch, deps(), { deadline: now.getTime() - 1 });
    expect(result).toMatchObject({ signIns: 2, posted: 0, deferred: 2, failed: [] });
    expect(await store.getSignIn('late-2')).toMatchObject({ severity: 'critical' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    await expect(sweepPendingAlerts(deps())).resolves.toMatchObject({ retried: 2, posted: 2 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('posts the good records when another in the batch cannot be rendered or stored', async () => {
    const poison = record('poison', { eventName: 'constructor' });
    const result = await ingest(decodeValue({ Records: [poison, record('survivor')] }), deps());
    expect(result.posted).toBeGreaterThanOrEqual(1);
    expect(slack.callsTo('chat.postMessage').map((c) => String(c.args.text))).toContainEqual(
      expect.stringMatching(/^CRITICAL: Console sign-in/),
    );
  });
});

describe('sign-in queries', () => {
  it('lists stored sign-ins newest first within a time range, across days', async () => {
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
      deps(),
    );
    const found = await store.listSignIns(
      { from: new Date('2026-11-18T12:00:00Z'), to: new Date('2026-11-19T06:00:00Z') },
      now,
    );
    expect(found.map((f) => f.eventId)).toEqual(['q-2', 'q-1']);
  });
});
