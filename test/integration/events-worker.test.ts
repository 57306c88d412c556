// The events worker Lambda handler end to end: real dynalite, a fake Slack Web API over HTTP.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import { fixtureJson, readFixture, recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, startLambdaEnv } from '../helpers/lambda-env';

let env: LambdaTestEnv;
let handler: typeof WorkerHandler;

beforeAll(async () => {
  env = await startLambdaEnv();
  ({ handler } = await import('../../bot/handlers/events-worker'));
});
afterAll(() => env.close());
beforeEach(() => env.slack.reset());

const withId = (rel: string, eventID: string, extra: Record<string, unknown> = {}) =>
  recordFrom(rel, { eventID, ...extra });
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const posts = () => env.slack.callsTo('chat.postMessage');

describe('events worker', () => {
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
    expect(String(posts()[0]?.args.text)).toMatch(/^CRITICAL: Console sign-in succeeded — root/);
  });

  it('gives one card for a record delivered twice, in one batch or in two', async () => {
    const record = withId(ROOT, 'w-dup');
    await handler(subscriptionEvent([record, record]));
    await handler(subscriptionEvent([record]));
    expect(posts()).toHaveLength(1);
  });

  it('stores and posts the good records of a batch and reports the bad one', async () => {
    const logged: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((line) => {
      logged.push(String(line));
      return true;
    });
    const result = await handler(
      subscriptionEvent([withId(ROOT, 'w-good-1'), withId(IAM_FAIL, 'w-good-2')], {
        raw: ['{"eventSource": "signin.amazonaws.com"'],
      }),
    );
    spy.mockRestore();
    expect(result).toMatchObject({ signIns: 2, posted: 2, rejected: 1 });
    expect(posts()).toHaveLength(2);
    const rejection = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'input rejected');
    expect(rejection).toMatchObject({
      level: 'warn',
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

  it('posts once when Slack answers 500 and then 200 (the client retries)', async () => {
    env.slack.failNext('chat.postMessage', { status: 500 });
    const result = await handler(subscriptionEvent([withId(ROOT, 'w-500')]));
    expect(result).toMatchObject({ posted: 1, failed: 0 });
    expect(posts()).toHaveLength(1);
    expect(env.slack.attempts.filter((a) => a.method === 'chat.postMessage')).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After and posts once', async () => {
    env.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await handler(subscriptionEvent([withId(ROOT, 'w-429')]));
    expect(posts()).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('fails the invocation after saving the good work when Slack stays down; the retry posts only what is missing', async () => {
    const batch = subscriptionEvent([withId(IAM_FAIL, 'w-down-1'), withId(ROOT, 'w-down-2')]);
    env.slack.failNext('chat.postMessage', {}, { status: 500 }, { status: 500 }, { status: 500 });
    await expect(handler(batch)).rejects.toThrow(/1 delivery failure\(s\): /);
    expect(posts()).toHaveLength(1);

    await expect(handler(batch)).resolves.toMatchObject({ posted: 1, duplicates: 1, failed: 0 });
    expect(posts().map((p) => String(p.args.text).split(':')[0])).toEqual(['MEDIUM', 'CRITICAL']);
  });

  it('leaves to the sweeper what a slow Slack leaves no time for, and the sweeper posts it', async () => {
    env.slack.failNext('chat.postMessage', { delayMs: 600 });
    // 20 s of the remaining time is kept back: this invocation has 0.5 s for posting.
    const context = { getRemainingTimeInMillis: () => 20_500 };
    const batch = subscriptionEvent([
      withId(ROOT, 'w-slow-1'),
      withId(IAM_FAIL, 'w-slow-2'),
      withId(ROOT, 'w-slow-3'),
    ]);
    await expect(handler(batch, context)).resolves.toMatchObject({
      signIns: 3,
      posted: 1,
      deferred: 2,
      failed: 0,
    });
    expect(posts()).toHaveLength(1);

    const { handler: sweeper } = await import('../../bot/handlers/sweeper');
    await expect(sweeper({}, { getRemainingTimeInMillis: () => 50_000 })).resolves.toMatchObject({
      retried: 2,
      posted: 2,
    });
    expect(posts().map((p) => String(p.args.text).split(':')[0])).toEqual(['CRITICAL', 'MEDIUM', 'CRITICAL']);
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
