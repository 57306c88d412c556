// Every alert lands exactly once, whatever Slack and the store do: slow answers, concurrent workers, a worker
// killed mid-batch, a store that never answers, records built to break the pipeline. Real dynalite, the fake
// Slack over HTTP.

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { createDynamoClient } from '../../bot/adapters/dynamodb-client';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { decodeValue } from '../../bot/core/decode-input';
import { ingest } from '../../bot/pipeline/ingest';
import { sweepPendingAlerts } from '../../bot/pipeline/sweep';
import type { Clock } from '../../bot/ports';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { testPipeline } from '../helpers/pipeline-deps';

let dynamo: EmbeddedDynamo;
let slack: FakeSlack;
let store: DynamoSignInStore;
let now = new Date();
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
beforeEach(() => {
  slack.reset();
  // Slack stamps messages with the real clock; the lookups compare against it.
  now = new Date();
});

const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const record = (id: string, extra: Record<string, unknown> = {}, rel = ROOT) =>
  recordFrom(rel, { eventID: id, ...extra });
const posts = () => slack.callsTo('chat.postMessage');
const postedIds = () =>
  posts().map((p) => (p.args.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id);
/** The Web API client gives up after 300 ms; the fake Slack answers after 500 ms, having posted the card. */
const SLOW = { delayMs: 500 };
const slowPipeline = () => testPipeline({ store, slack, clock, slackTimeoutMs: 300 });

describe('a Slack that answers after the client timeout', () => {
  it('gives one post: the lost answer is found in the channel, never posted again', async () => {
    const p = slowPipeline();
    slack.failNext('chat.postMessage', SLOW, SLOW, SLOW);
    const batch = decodeValue({
      Records: [record('slow-1'), record('slow-2'), record('slow-3', {}, IAM_FAIL)],
    });
    const result = await ingest(batch, p.deps);
    expect(result).toMatchObject({ posted: 3, deferred: 0, abandoned: 0 });
    expect(postedIds().sort()).toEqual(['signin:slow-1', 'signin:slow-2', 'signin:slow-3']);
    for (const id of ['slow-1', 'slow-2', 'slow-3']) {
      expect(await store.getAlert(`signin:${id}`)).toMatchObject({ status: 'posted', attempts: 1 });
    }
    // A redelivery of the batch and a sweep later: still one card each.
    await expect(ingest(batch, p.deps)).resolves.toMatchObject({ posted: 0, duplicates: 3 });
    now = new Date(now.getTime() + 3_600_000);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ retried: 0 });
    expect(posts()).toHaveLength(3);
  });

  it('when the channel cannot be searched right away, the sweeper looks again and posts nothing new', async () => {
    const p = slowPipeline();
    slack.failNext('chat.postMessage', SLOW);
    slack.failNext('conversations.history', { status: 500 });
    await expect(ingest(decodeValue(record('slow-lookup')), p.deps)).resolves.toMatchObject({ deferred: 1 });
    expect(await store.getAlert('signin:slow-lookup')).toMatchObject({
      status: 'pending',
      lastOutcome: 'unknown',
    });
    now = new Date(now.getTime() + 61_000);
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ found: 1, posted: 0 });
    expect(posts()).toHaveLength(1);
  });

  it.each([2, 10])(
    'gives one post per eventID with %i workers on the same batch at once',
    async (workers) => {
      const ids = Array.from({ length: 5 }, (_, i) => `conc-${workers}-${i}`);
      slack.failNext('chat.postMessage', ...Array.from({ length: ids.length * workers }, () => SLOW));
      const batch = decodeValue({ Records: ids.map((id) => record(id)) });
      const results = await Promise.all(
        Array.from({ length: workers }, () => ingest(batch, slowPipeline().deps)),
      );
      expect(results.reduce((n, r) => n + r.posted, 0)).toBe(ids.length);
      expect(postedIds().sort()).toEqual(ids.map((id) => `signin:${id}`).sort());
    },
  );
});

describe('a Slack that fails after the card landed', () => {
  const inChannel = () => slack.messages.get('C0SIGNINS')?.length ?? 0;

  it.each([
    ['HTTP 500', { status: 500, landed: true }],
    ['internal_error', { slackError: 'internal_error', landed: true }],
    ['fatal_error', { slackError: 'fatal_error', landed: true }],
  ])('a %s after the card landed: found in the channel, not posted again', async (_name, fault) => {
    const p = testPipeline({ store, slack, clock });
    slack.failNext('chat.postMessage', fault);
    const id = `landed-${_name.replace(/\W/g, '')}`;
    await expect(ingest(decodeValue(record(id)), p.deps)).resolves.toMatchObject({ posted: 1, deferred: 0 });
    expect(inChannel()).toBe(1);
    expect(await store.getAlert(`signin:${id}`)).toMatchObject({ status: 'posted' });
    now = new Date(now.getTime() + 3_600_000);
    await sweepPendingAlerts(p.deps);
    expect(inChannel()).toBe(1);
  });

  it('gives up and escalates when the channel can never be searched after a lost answer', async () => {
    const p = slowPipeline();
    slack.failNext('chat.postMessage', SLOW);
    slack.failNext('conversations.history', ...Array.from({ length: 40 }, () => ({ status: 500 })));
    await ingest(decodeValue(record('never-searchable')), p.deps);
    for (let i = 0; i < 12; i += 1) {
      now = new Date(now.getTime() + 2 * 3_600_000);
      await sweepPendingAlerts(p.deps);
    }
    expect(await store.getAlert('signin:never-searchable')).toMatchObject({ status: 'failed' });
    expect(p.escalations).toHaveLength(1);
    // Never posted blindly: the one card is the first attempt's.
    expect(slack.messages.get('C0SIGNINS')).toHaveLength(1);
  });
});

describe('a worker killed after storing', () => {
  it('leaves every alert due for the sweeper, which posts each once', async () => {
    const p = testPipeline({ store, slack, clock });
    const killed: DynamoSignInStore = Object.create(store);
    killed.claimAlert = async () => {
      throw new Error('Runtime exited: the worker was killed');
    };
    const ids = ['killed-1', 'killed-2', 'killed-3'];
    await ingest(decodeValue({ Records: ids.map((id) => record(id)) }), { ...p.deps, store: killed });
    expect(posts()).toHaveLength(0);
    const due = await store.listDueAlerts(now, 50);
    expect(due.map((a) => a.alertId)).toEqual(expect.arrayContaining(ids.map((id) => `signin:${id}`)));
    await expect(sweepPendingAlerts(p.deps)).resolves.toMatchObject({ posted: 3 });
    expect(postedIds().sort()).toEqual(ids.map((id) => `signin:${id}`));
  });
});

describe('a store that accepts connections and never answers', () => {
  let blackhole: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    blackhole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  it('makes the worker give up inside its time budget and say what was not stored', async () => {
    const { port } = blackhole.address() as AddressInfo;
    const dead = new DynamoSignInStore(
      createDynamoClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      { tableName: 'dead', retentionDays: 1 },
    );
    const p = testPipeline({ store: dead, slack, clock: { now: () => new Date() } });
    const budgetMs = 8_000;
    const started = Date.now();
    const result = await ingest(
      decodeValue({ Records: ['dead-1', 'dead-2', 'dead-3', 'dead-4'].map((id) => record(id)) }),
      p.deps,
      { deadline: started + budgetMs - 4_000, storeDeadline: started + budgetMs - 4_000 },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(budgetMs);
    expect(result.notStored.length).toBeGreaterThanOrEqual(4);
    expect(result.notStored.map((n) => n.id)).toEqual(expect.arrayContaining(['signin:dead-4']));
    expect(posts()).toHaveLength(0);
  });
});

describe('records built to break the pipeline', () => {
  it.each([
    ['a 1 MB user agent', { userAgent: 'Mozilla/5.0 '.repeat(90_000) }],
    ['a 5,000-character eventID', { eventID: `long-${'x'.repeat(5_000)}` }],
    ['an account id spelled constructor', { recipientAccountId: 'constructor' }],
    ['an account id spelled __proto__', { recipientAccountId: '__proto__' }],
    ['a user agent ending in a lone surrogate', { userAgent: `${'a'.repeat(2_990)}😀`.slice(0, -1) }],
    ['a user name ending in a lone surrogate', { userIdentity: { type: 'IAMUser', userName: 'eve\ud83d' } }],
    ['a numeric eventTime out of range', { eventTime: 1e20 }],
    ['an unreadable eventTime', { eventTime: 'yesterday at noon' }],
  ])('%s still gives exactly one card', async (_name, extra) => {
    const p = testPipeline({ store, slack, clock });
    const id = `odd-${Math.random().toString(36).slice(2)}`;
    const value = record(id, extra as Record<string, unknown>);
    const result = await ingest(decodeValue({ Records: [value, value] }), p.deps);
    expect(result).toMatchObject({ signIns: 2, posted: 1, rejected: [], notStored: [] });
    expect(posts()).toHaveLength(1);
  });
});

describe('the alarm card', () => {
  it('names the root sign-in behind an alarm even when 501 other steps were stored in the same minutes', async () => {
    const p = testPipeline({ store, slack, clock });
    const at = new Date(now.getTime() - 3 * 60_000);
    const iso = (ms: number) => new Date(at.getTime() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const noise = Array.from({ length: 501 }, (_, i) =>
      recordFrom('signin/aws-docs-cloudtrail-guide/04-iam-user-checkmfa-u2f.json', {
        eventID: `noise-${i}`,
        eventTime: iso(1000 + i),
      }),
    );
    await ingest(decodeValue({ Records: [record('behind-alarm', { eventTime: iso(0) }), ...noise] }), p.deps);
    slack.reset();
    const alarm = {
      AlarmName: 'signin-console-success-root',
      AlarmDescription: null,
      AWSAccountId: '111122223333',
      NewStateValue: 'ALARM',
      NewStateReason:
        'Threshold Crossed: 1 datapoint [1.0] was greater than or equal to the threshold (1.0).',
      StateChangeTime: now.toISOString().replace('Z', '+0000'),
      Region: 'US East (N. Virginia)',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:signin-console-success-root',
      OldStateValue: 'OK',
      Trigger: {
        MetricName: 'ConsoleSigninSuccessRoot',
        Namespace: 'SigninAlerts',
        Period: 60,
        EvaluationPeriods: 1,
      },
    };
    await expect(ingest(decodeValue(alarm), p.deps)).resolves.toMatchObject({ alarms: 1, posted: 1 });
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain('behind-alarm');
  });
});
