// `signins doctor` against every AWS call mocked (aws-sdk-client-mock) and the fake Slack Web API: a healthy
// installation, each way one can break, and the offline case run as a user runs it (a child process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  DescribeSubscriptionFiltersCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedAlarmNames } from '../../bot/adapters/aws-alarm-probe';
import { createAwsHealthClients } from '../../bot/adapters/aws-health-probe';
import { createSlackClient } from '../../bot/adapters/slack-client';
import { type DoctorParts, runDoctor } from '../../bot/cli/doctor-command';
import { main } from '../../bot/cli/main';
import type { Silence } from '../../bot/core/silence-types';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { FakeSlack } from '../helpers/fake-slack';
import { runCli } from './run-cli';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const LOG_GROUP = 'aws-cloudtrail-logs-signins';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/signins-trail`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:SignInsSlackSecret-AbCdEf`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:SignIns-SigninSuccessRootTopic`;
const BOT_TOKEN = 'xoxb-1111-2222-doctor-must-never-print-this';
const NOW = new Date('2026-11-25T10:00:00.000Z');

const cloudTrail = mockClient(CloudTrailClient);
const logs = mockClient(CloudWatchLogsClient);
const cloudWatch = mockClient(CloudWatchClient);
const secrets = mockClient(SecretsManagerClient);
let slack: FakeSlack;

beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(() => slack.stop());

/** Every AWS call answers as a healthy installation would. */
const healthyAws = (): void => {
  for (const mock of [cloudTrail, logs, cloudWatch, secrets]) mock.reset();
  cloudTrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        Name: 'signins-trail',
        TrailARN: TRAIL_ARN,
        IsMultiRegionTrail: true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:*`,
      },
      // A trail that writes to S3 only is not the one that feeds the bot.
      { Name: 'audit-s3-only', TrailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/audit-s3-only` },
    ],
  });
  cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP }] });
  logs.on(DescribeSubscriptionFiltersCommand).resolves({
    subscriptionFilters: [
      {
        filterName: 'SignIns-EventsWorker',
        logGroupName: LOG_GROUP,
        destinationArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:SignIns-EventsWorker`,
      },
    ],
  });
  logs.on(DescribeMetricFiltersCommand).resolves({
    metricFilters: SIGNIN_ALARMS.map((a) => ({ filterName: a.name, logGroupName: LOG_GROUP })),
  });
  cloudWatch
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: expectedAlarmNames(undefined).map((AlarmName) => ({ AlarmName })) });
  cloudWatch.on(DescribeAlarmHistoryCommand).resolves({
    AlarmHistoryItems: [
      {
        AlarmName: 'signin-console-success-root',
        HistoryItemType: 'Action',
        Timestamp: new Date('2026-11-24T08:00:00Z'),
        HistorySummary: `Successfully executed action ${TOPIC}`,
      },
    ],
  });
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ botToken: BOT_TOKEN, signingSecret: 'shh' }) });
};

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  SIGNINS_CHANNEL: 'C0SIGNINS',
  SIGNINS_ROUTING: JSON.stringify({ channels: { critical: 'C0SECPAGE' } }),
  SIGNINS_SECRET_ARN: SECRET_ARN,
  SLACK_API_URL: slack.url,
  ...extra,
});

const parts = (silences?: DoctorParts['silences']): DoctorParts => ({
  aws: createAwsHealthClients(REGION),
  slack: (token) => createSlackClient(token, { slackApiUrl: slack.url, timeoutMs: 2_000 }),
  clock: { now: () => NOW },
  silences,
});

const doctor = async (extraEnv: NodeJS.ProcessEnv = {}, options = {}, silences?: DoctorParts['silences']) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDoctor(
    options,
    env(extraEnv),
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    parts(silences),
  );
  return { code, out, err, text: out.join('\n') };
};

const line = (lines: readonly string[], start: string): string => {
  const found = lines.find((l) => l.startsWith(start));
  if (!found) throw new Error(`no line starting with "${start}" in:\n${lines.join('\n')}`);
  return found;
};

beforeEach(() => {
  healthyAws();
  slack.reset();
});

describe('signins doctor on a healthy installation', () => {
  it('says which region it checked, prints a tick for every check and exits 0', async () => {
    const { code, out } = await doctor();
    expect(out[0]).toBe(`signins doctor: checking the installation in ${REGION}`);
    const checks = out.slice(1);
    expect(checks.every((l) => l.startsWith('✓ '))).toBe(true);
    expect(checks).toEqual(
      expect.arrayContaining([
        '✓ trail signins-trail is logging and delivering',
        `✓ log group ${LOG_GROUP} exists`,
        `✓ subscription filter SignIns-EventsWorker sends ${LOG_GROUP} to the bot`,
        '✓ no alarm action failed in the last 7 days',
        '✓ the bot is in channel C0SIGNINS',
        '✓ the bot is in channel C0SECPAGE',
      ]),
    );
    expect(code).toBe(0);
  });

  it('asks Slack with the token from the secret, and never prints it', async () => {
    const { text } = await doctor();
    expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual([BOT_TOKEN]);
    expect(slack.callsTo('conversations.history').map((c) => [c.args.channel, c.args.limit])).toEqual([
      ['C0SIGNINS', '1'],
      ['C0SECPAGE', '1'],
    ]);
    expect(text).not.toContain(BOT_TOKEN);
  });

  it('looks at the last 7 days of each alarm’s actions', async () => {
    await doctor();
    const calls = cloudWatch.commandCalls(DescribeAlarmHistoryCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.AlarmName)).toEqual(expectedAlarmNames(undefined));
    expect(calls[0]).toMatchObject({
      HistoryItemType: 'Action',
      StartDate: new Date('2026-11-18T10:00:00.000Z'),
      EndDate: NOW,
    });
  });
});

describe('signins doctor on a broken installation', () => {
  it('says the trail stopped logging and how to start it', async () => {
    cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { code, out } = await doctor();
    expect(line(out, '✗ trail signins-trail is not logging')).toContain(
      `aws cloudtrail start-logging --name ${TRAIL_ARN}`,
    );
    expect(code).toBe(1);
  });

  it('says the log group is missing', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: `${LOG_GROUP}-archive` }] });
    const { code, out } = await doctor();
    expect(line(out, `✗ log group ${LOG_GROUP} does not exist`)).toContain('npx cdk deploy');
    expect(line(out, '? the subscription filter')).toContain(`log group ${LOG_GROUP} does not exist`);
    expect(code).toBe(1);
  });

  it('says the subscription filter to the worker is missing', async () => {
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });
    const { code, out } = await doctor();
    expect(line(out, `✗ no subscription filter sends ${LOG_GROUP} to a Lambda function`)).toContain(
      'npx cdk deploy',
    );
    expect(code).toBe(1);
  });

  it('names the alarm whose SNS action failed, its topic, and the topic policy fix', async () => {
    cloudWatch.on(DescribeAlarmHistoryCommand, { AlarmName: 'signin-console-success-root' }).resolves({
      AlarmHistoryItems: [
        {
          AlarmName: 'signin-console-success-root',
          HistoryItemType: 'Action',
          Timestamp: new Date('2026-11-24T09:00:00Z'),
          HistorySummary: `Failed to execute action ${TOPIC}. Received error: "Resource: arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:signin-console-success-root is not authorized to perform: SNS:Publish on resource: ${TOPIC} because no resource-based policy allows the SNS:Publish action"`,
        },
      ],
    });
    const { code, out } = await doctor();
    const failed = line(out, `✗ alarm signin-console-success-root could not notify ${TOPIC}`);
    expect(failed).toContain('is not authorized to perform: SNS:Publish');
    expect(failed).toContain('must let cloudwatch.amazonaws.com publish');
    expect(code).toBe(1);
  });

  it('lists the alarms that are missing, with the prefix given', async () => {
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'prod-signin-console-success-root' }] });
    const { code, out } = await doctor({}, { prefix: 'prod' });
    const missing = line(out, '✗ alarms missing:');
    expect(missing).toContain('prod-signin-console-failure-root');
    expect(missing).not.toContain('prod-signin-console-success-root,');
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames).toContain(
      'prod-signins-health-trail-tampering',
    );
    expect(code).toBe(1);
  });

  it('says the secret still holds the placeholder, and cannot check Slack without a token', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'Qw8rT5yU2iO9pA3sD6fG1hJ4kL7zX0cV' });
    const { code, out } = await doctor();
    expect(line(out, `✗ Slack secret ${SECRET_ARN} still holds the placeholder`)).toContain(
      `aws secretsmanager put-secret-value --secret-id ${SECRET_ARN}`,
    );
    expect(line(out, '? Slack token')).toContain('the Slack secret is not usable');
    expect(slack.calls).toHaveLength(0);
    expect(code).toBe(1);
  });

  it('says which secret field is wrong without quoting its value', async () => {
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ botToken: 'xapp-not-a-bot-token-secret', signingSecret: 's' }),
    });
    const { out, text } = await doctor();
    expect(line(out, `✗ Slack secret ${SECRET_ARN} is not usable: botToken`)).toBeDefined();
    expect(text).not.toContain('xapp-not-a-bot-token-secret');
  });

  it('says Slack refused the token', async () => {
    slack.failNext('auth.test', { slackError: 'invalid_auth' });
    const { code, out } = await doctor();
    expect(line(out, '✗ Slack refused the bot token (invalid_auth)')).toContain('reinstall the Slack app');
    expect(line(out, '? the bot in channel C0SIGNINS')).toContain('Slack did not accept the token');
    expect(code).toBe(1);
  });

  it('says the bot is not in a channel and to invite it', async () => {
    slack.failNext('conversations.history', { slackError: 'not_in_channel' });
    const { code, out } = await doctor();
    expect(line(out, '✗ the bot is not in channel C0SIGNINS')).toContain('/invite @signins in C0SIGNINS');
    expect(out).toContain('✓ the bot is in channel C0SECPAGE');
    expect(code).toBe(1);
  });

  it('keeps going when one call is not allowed, and says which', async () => {
    cloudWatch
      .on(DescribeAlarmsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { code, out } = await doctor();
    expect(line(out, '? the alarms')).toContain(
      'cloudwatch:DescribeAlarms is not allowed for these credentials',
    );
    expect(out).toContain('✓ the bot is in channel C0SIGNINS');
    expect(code).toBe(1);
  });

  it('stops with one line when the credentials are refused', async () => {
    cloudTrail
      .on(DescribeTrailsCommand)
      .rejects(Object.assign(new Error('expired'), { name: 'ExpiredTokenException' }));
    await expect(doctor()).rejects.toThrow(/^doctor: AWS refused the credentials \(ExpiredTokenException\)/);
  });
});

describe('signins doctor on sign-in alarms whose actions are off', () => {
  const silence = (over: Partial<Silence>): Silence => ({
    id: 's-7f3a2c',
    matchers: [{ field: 'principal', value: 'pentest-bot' }],
    startsAt: '2026-11-25T08:00:00.000Z',
    endsAt: '2026-11-25T12:00:00.000Z',
    author: 'U0ALICE',
    reason: 'pen test',
    createdAt: '2026-11-25T08:00:00.000Z',
    updatedAt: '2026-11-25T08:00:01.000Z',
    channel: 'C0SIGNINS',
    held: 0,
    alarms: ['signin-console-success-iam', 'signin-console-failure-iam'],
    alarmsDisabledAt: '2026-11-25T08:00:01.000Z',
    ...over,
  });

  /** The four sign-in alarms as DescribeAlarms lists them, `off` with their actions disabled. */
  const alarmsWithActionsOff = (off: readonly string[], prefix?: string) => {
    const named = (name: string) => (prefix ? `${prefix}-${name}` : name);
    cloudWatch.on(DescribeAlarmsCommand, { AlarmTypes: ['MetricAlarm'], NextToken: undefined }).resolves({
      MetricAlarms: SIGNIN_ALARMS.map((a) => ({
        AlarmName: named(a.name),
        ActionsEnabled: !off.includes(a.name),
      })),
    });
    // The existence check asks for every alarm at once (MaxRecords set); it still finds them all.
    cloudWatch
      .on(DescribeAlarmsCommand, { MaxRecords: 100 })
      .resolves({ MetricAlarms: expectedAlarmNames(prefix).map((AlarmName) => ({ AlarmName })) });
  };

  it('says which alarm was left off with no silence in force, and how to switch it back on', async () => {
    alarmsWithActionsOff(['signin-console-failure-iam']);
    const ended = silence({ endsAt: '2026-11-25T09:30:00.000Z' });
    const cancelled = silence({ id: 's-0cance', cancelled: { by: 'U0BOB', at: '2026-11-25T09:00:00.000Z' } });
    const { code, out } = await doctor({}, {}, async () => [ended, cancelled]);
    expect(out).toContain(
      '✗ alarm signin-console-failure-iam has its actions disabled and no silence covers it — fix: ' +
        `\`aws cloudwatch enable-alarm-actions --region ${REGION} --alarm-names signin-console-failure-iam\``,
    );
    expect(code).toBe(1);
  });

  it('is content while an active silence covers the alarm, and names it', async () => {
    alarmsWithActionsOff(['signin-console-success-iam', 'signin-console-failure-iam']);
    const asked: Date[] = [];
    const { code, out } = await doctor({}, {}, async (since) => {
      asked.push(since);
      return [silence({})];
    });
    expect(out).toContain(
      '✓ alarm signin-console-failure-iam has its actions off while silence s-7f3a2c lasts (until 2026-11-25T12:00:00.000Z)',
    );
    expect(out).toContain(
      '✓ alarm signin-console-success-iam has its actions off while silence s-7f3a2c lasts (until 2026-11-25T12:00:00.000Z)',
    );
    expect(asked).toEqual([NOW]);
    expect(code).toBe(0);
  });

  it('does not count a silence that covers other alarms, or one not started yet', async () => {
    alarmsWithActionsOff(['signin-console-success-root']);
    const pending = silence({
      startsAt: '2026-11-25T11:00:00.000Z',
      alarms: ['signin-console-success-root'],
    });
    const { out } = await doctor({}, {}, async () => [silence({}), pending]);
    expect(
      out.some((l) => l.startsWith('✗ alarm signin-console-success-root has its actions disabled')),
    ).toBe(true);
  });

  it('reads the four prefixed sign-in alarms, and the silences only when one is off', async () => {
    alarmsWithActionsOff([], 'prod');
    let read = 0;
    const { out } = await doctor({}, { prefix: 'prod' }, async () => {
      read += 1;
      return [];
    });
    expect(out).toContain("✓ the sign-in alarms' actions are on");
    expect(read).toBe(0);
    const asked = cloudWatch
      .commandCalls(DescribeAlarmsCommand)
      .map((c) => c.args[0].input)
      .find((input) => input.MaxRecords === undefined);
    expect(asked?.AlarmNames).toEqual(SIGNIN_ALARMS.map((a) => `prod-${a.name}`));
    expect(out.filter((l) => l.includes('has its actions'))).toEqual([]);
  });

  it('cannot tell without the silences, and says where they come from', async () => {
    alarmsWithActionsOff(['signin-console-failure-root']);
    const { out } = await doctor();
    expect(out).toContain(
      '? alarm signin-console-failure-root has its actions disabled (could not check: no SIGNINS_TABLE to read the silences from (set it to the stack output TableName))',
    );
    const failed = await doctor({}, {}, async () => {
      throw new Error('ResourceNotFoundException: Requested resource not found');
    });
    expect(failed.out).toContain(
      '? alarm signin-console-failure-root has its actions disabled (could not check: the silences could not be read: ResourceNotFoundException: Requested resource not found)',
    );
    expect(failed.code).toBe(1);
  });
});

describe('signins doctor as a user runs it', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'signins-doctor-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  // No credentials anywhere: an empty HOME (no ~/.aws), no keys, no instance metadata (run-cli's clean env).
  const run = (args: string[], extra: NodeJS.ProcessEnv) => runCli(args, { env: { HOME: home, ...extra } });

  it('without credentials: one clear line, exit 1, no stack trace, no hang', async () => {
    const { code, stderr, ms } = await run(['doctor'], { AWS_REGION: REGION });
    expect(stderr.trim().split('\n')).toEqual([
      'signins: doctor: cannot reach AWS (no credentials found): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(15_000);
  });

  it('without a region: one line that says how to give one', async () => {
    const { code, stderr } = await run(['doctor'], {});
    expect(stderr.trim()).toBe(
      'signins: doctor: cannot reach AWS (no region): pass --region or set AWS_REGION',
    );
    expect(code).toBe(1);
  });

  it('with AWS out of reach: one line, exit 1, within the client timeouts', async () => {
    const { code, stderr, ms } = await run(['doctor', '--region', REGION], {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
      // A closed port on this machine: the connection is refused at once.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^signins: doctor: cannot reach AWS \(ECONNREFUSED\): check the network/);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(15_000);
  });

  it('exits 2 on an unknown option', async () => {
    const err: string[] = [];
    const code = await main(['doctor', '--bogus'], { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^signins: doctor: Unknown option '--bogus'/);
  });
});
