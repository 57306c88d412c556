// The events worker Lambda handler end to end: real dynalite, a fake Slack Web API over HTTP.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import { ENV } from '../../shared/env-keys';
import { ensureGeoData } from '../../shared/geo-data-build';
import { fixtureJson, readFixture, recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, startLambdaEnv } from '../helpers/lambda-env';

let env: LambdaTestEnv;
let handler: typeof WorkerHandler;

beforeAll(async () => {
  // As on Lambda: the geo data read from a directory (the layer's /opt/geo there).
  env = await startLambdaEnv({ [ENV.geoDir]: ensureGeoData() });
  ({ handler } = await import('../../bot/handlers/events-worker'));
});
afterAll(() => env.close());
beforeEach(() => env.slack.reset());

const withId = (rel: string, eventID: string, extra: Record<string, unknown> = {}) =>
  recordFrom(rel, { eventID, ...extra });
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const STOP_LOGGING = 'trail-change/panther-stoplogging-assumedrole.json';
const posts = () => env.slack.callsTo('chat.postMessage');
/**
 * A failure from an address of its own: the same failure from the fixture's address as an earlier test's would be
 * counted on that test's storm card (bot/core/burst.ts) instead of posting a card of its own.
 */
const ownFailure = (eventID: string, ip: string) => withId(IAM_FAIL, eventID, { sourceIPAddress: ip });
/** Runs the sweeper's pipeline as the scheduled Lambda would, at a later time. */
const sweepAt = async (at: number) => {
  const { lambdaRuntime } = await import('../../bot/pipeline/lambda-runtime');
  const { sweepPendingAlerts } = await import('../../bot/pipeline/sweep');
  const { deps } = await lambdaRuntime();
  // Deadlines are read on the same clock as the rest of the delivery.
  return sweepPendingAlerts({ ...deps, clock: { now: () => new Date(at) } }, { deadline: at + 20_000 });
};

describe('events worker', () => {
  it('puts the country and network on each card, and flags US → JP in 30 min as impossible travel', async () => {
    const IAM = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
    const home = withId(IAM, 'w-travel-1', { sourceIPAddress: '8.8.8.8', eventTime: '2026-11-20T09:00:00Z' });
    const away = withId(IAM, 'w-travel-2', {
      sourceIPAddress: '133.11.0.1',
      eventTime: '2026-11-20T09:30:00Z',
    });
    // Two deliveries, as two log batches: the baseline in the table carries the first to the second.
    await handler(subscriptionEvent([home]));
    await handler(subscriptionEvent([away]));
    const [first, second] = posts().map((p) => ({
      text: String(p.args.text),
      blocks: JSON.stringify(p.args.blocks),
    }));
    expect(first?.text).toContain('from 8.8.8.8 (🇺🇸 United States · AS15169 Google LLC)');
    expect(first?.blocks).not.toContain('impossible travel');
    expect(second?.text).toMatch(
      /^HIGH: .* from 133\.11\.0\.1 \(🇯🇵 Japan · AS2501 The University of Tokyo\)/,
    );
    expect(second?.blocks).toContain('Raised to high: impossible travel: US → JP in 30 min');
  });

  it('posts one card per sign-in to the configured channel, without unfurling', async () => {
    const result = await handler(subscriptionEvent([withId(ROOT, 'w-1')]));
    expect(result).toMatchObject({ signIns: 1, posted: 1, rejected: 0, failed: 0 });
    expect(posts()).toHaveLength(1);
    // Form-encoded on the wire, as the Web API client sends it.
    expect(posts()[0]?.args).toMatchObject({
      channel: 'C0SIGNINS',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(posts()[0]?.token).toBe('xoxb-test');
    expect(String(posts()[0]?.args.text)).toMatch(
      /^CRITICAL: Root user signed in without MFA in account 111122223333/,
    );
  });

  it('gives one card for a record delivered twice, in one batch or in two', async () => {
    const record = withId(ROOT, 'w-dup');
    await handler(subscriptionEvent([record, record]));
    await handler(subscriptionEvent([record]));
    expect(posts()).toHaveLength(1);
  });

  it('stores and posts the good records of a batch and reports the bad one', async () => {
    const logged: string[] = [];
    const capture = (line: unknown) => {
      logged.push(String(line));
      return true;
    };
    // Powertools writes warnings and errors to stderr, the rest to stdout.
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const result = await handler(
      subscriptionEvent([withId(ROOT, 'w-good-1'), withId(IAM_FAIL, 'w-good-2')], {
        raw: ['{"eventSource": "signin.amazonaws.com"'],
      }),
    );
    for (const spy of spies) spy.mockRestore();
    expect(result).toMatchObject({ signIns: 2, posted: 2, rejected: 1 });
    expect(posts()).toHaveLength(2);
    const rejection = logged
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'input rejected');
    expect(rejection).toMatchObject({
      level: 'WARN',
      position: 'logEvents[2]',
      reason: expect.stringContaining('not a JSON record'),
    });
  });

  it('stores info-level steps without posting them', async () => {
    const result = await handler(
      subscriptionEvent([withId('signin/aws-docs-cloudtrail-guide/04-iam-user-checkmfa-u2f.json', 'w-info')]),
    );
    expect(result).toMatchObject({ signIns: 1, posted: 0, storedOnly: 1 });
    expect(posts()).toHaveLength(0);
    const store = new DynamoSignInStore(env.dynamo.client, {
      tableName: env.dynamo.tableName,
      retentionDays: 1,
    });
    expect(await store.getSignIn('w-info')).toMatchObject({ eventName: 'CheckMfa', severity: 'info' });
  });

  it('keeps a card whose post got a 500 pending; the sweeper checks the channel and posts it once', async () => {
    env.slack.failNext('chat.postMessage', { status: 500 });
    const result = await handler(subscriptionEvent([withId(ROOT, 'w-500')]));
    expect(result).toMatchObject({ posted: 0, deferred: 1, notStored: 0 });
    expect(posts()).toHaveLength(0);
    await expect(sweepAt(Date.now() + 61_000)).resolves.toMatchObject({ posted: 1 });
    expect(posts()).toHaveLength(1);
    // The 500 may have come after Slack stored the card: the channel was searched before the second post.
    expect(env.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
  });

  it('never sleeps on a 429: the card waits for Retry-After and the sweeper posts it once', async () => {
    env.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 30 });
    const started = Date.now();
    await expect(handler(subscriptionEvent([withId(ROOT, 'w-429')]))).resolves.toMatchObject({ deferred: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(sweepAt(Date.now() + 1_000)).resolves.toMatchObject({ retried: 0 });
    await expect(sweepAt(Date.now() + 31_000)).resolves.toMatchObject({ posted: 1 });
    expect(posts()).toHaveLength(1);
  });

  it('does not fail the invocation for Slack trouble: the good work is kept and the sweeper owns the rest', async () => {
    const batch = subscriptionEvent([ownFailure('w-down-1', '198.51.100.21'), withId(ROOT, 'w-down-2')]);
    env.slack.failNext('chat.postMessage', { status: 500 }, { status: 500 });
    await expect(handler(batch)).resolves.toMatchObject({ posted: 0, deferred: 2, notStored: 0 });
    // A redelivery of the same batch before the retry time changes nothing.
    await expect(handler(batch)).resolves.toMatchObject({ posted: 0, duplicates: 2 });
    await expect(sweepAt(Date.now() + 61_000)).resolves.toMatchObject({ posted: 2 });
    // Most severe first.
    expect(posts().map((p) => String(p.args.text).split(':')[0])).toEqual(['CRITICAL', 'MEDIUM']);
  });

  it('fails the invocation only when a record could not be stored, so that Lambda retries it', async () => {
    const save = jest
      .spyOn(DynamoSignInStore.prototype, 'createAlert')
      .mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'));
    try {
      const batch = subscriptionEvent([withId(ROOT, 'w-unstored')]);
      await expect(handler(batch)).rejects.toThrow(/1 record\(s\) not stored: ProvisionedThroughput/);
      expect(posts()).toHaveLength(0);
      await expect(handler(batch)).resolves.toMatchObject({ posted: 1, notStored: 0 });
    } finally {
      save.mockRestore();
    }
  });

  it('leaves to the sweeper what a slow Slack leaves no time for, and the sweeper posts it', async () => {
    env.slack.failNext('chat.postMessage', { delayMs: 2_500 });
    // HANDLER_SAFETY_MS.slack (15 s) of the remaining time is kept back: this invocation has 3 s for Slack, and
    // after the first (slow) post less than the 1 s a call needs.
    const context = { getRemainingTimeInMillis: () => 18_000 };
    const batch = subscriptionEvent([
      withId(ROOT, 'w-slow-1'),
      ownFailure('w-slow-2', '198.51.100.22'),
      withId(ROOT, 'w-slow-3'),
    ]);
    await expect(handler(batch, context)).resolves.toMatchObject({ signIns: 3, posted: 1, deferred: 2 });
    expect(posts()).toHaveLength(1);
    await expect(sweepAt(Date.now())).resolves.toMatchObject({ retried: 2, posted: 2 });
    expect(posts().map((p) => String(p.args.text).split(':')[0])).toEqual(['CRITICAL', 'CRITICAL', 'MEDIUM']);
  });

  it('turns a StopLogging record from the subscription filter into one critical card', async () => {
    const stop = fixtureJson<Record<string, unknown>>(STOP_LOGGING);
    const batch = subscriptionEvent([{ ...stop, eventID: 'w-stop-logging' }]);
    await expect(handler(batch)).resolves.toMatchObject({ changes: 1, posted: 1 });
    await expect(handler(batch)).resolves.toMatchObject({ changes: 1, posted: 0, duplicates: 1 });
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0]?.args.text)).toMatch(/^CRITICAL/);
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain('CloudTrail logging stopped');
  });

  it('names the stored sign-ins behind a sign-in alarm', async () => {
    const signInTime = new Date(Date.now() - 6 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await handler(subscriptionEvent([withId(ROOT, 'w-alarm-root', { eventTime: signInTime })]));
    env.slack.reset();
    const sns = fixtureJson<{ Records: { Sns: { Message: string; MessageId: string } }[] }>(
      'cloudwatch-alarm-sns/ts-comment-eu-south-1-alarm-REAL.json',
    );
    const message = JSON.parse(sns.Records[0]?.Sns.Message ?? '{}');
    Object.assign(message, {
      AlarmName: 'signin-console-success-root',
      AWSAccountId: '111122223333',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:signin-console-success-root',
      StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
      Trigger: {
        ...message.Trigger,
        MetricName: 'ConsoleSigninSuccessRoot',
        Namespace: 'SigninAlerts',
        Period: 60,
      },
    });
    const event = {
      Records: [
        {
          ...sns.Records[0],
          Sns: { ...sns.Records[0]?.Sns, MessageId: 'alarm-msg-1', Message: JSON.stringify(message) },
        },
      ],
    };
    await expect(handler(event)).resolves.toMatchObject({ alarms: 1, posted: 1 });
    await expect(handler(event)).resolves.toMatchObject({ alarms: 1, posted: 0, duplicates: 1 });
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0]?.args.text)).toContain('CRITICAL: alarm signin-console-success-root is ALARM');
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain('(event w-alarm-root)');
  });

  it('decodes the published subscription envelope and answers a control message without posting', async () => {
    await expect(
      handler(
        JSON.parse(readFixture('subscription-filter/aws-lambda-go-cloudwatch-logs-event-encoded.json')),
      ),
    ).resolves.toMatchObject({
      rejected: 2,
      posted: 0,
    });
    const control = readFixture('subscription-filter/vector-control-message-decoded.json');
    const { gzipSync } = await import('node:zlib');
    await expect(handler({ awslogs: { data: gzipSync(control).toString('base64') } })).resolves.toMatchObject(
      { skipped: 1, posted: 0 },
    );
    expect(posts()).toHaveLength(0);
  });
});
