import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { type ContextKey, readContext } from '../../infra/context';

const from =
  (values: Record<string, unknown>) =>
  (key: ContextKey): unknown =>
    values[key];
const read = (values: Record<string, unknown>) => readContext(from(values), Object.keys(values));

describe('context mistakes are refused at synth, by name', () => {
  it.each([
    [
      { channel: 'C0123ABCD', alarmEmail: 'sec@example.com, not-an-address' },
      /alarmEmail: "not-an-address" is not an e-mail/,
    ],
    [
      { channel: 'C0123ABCD', escalationEmail: 'oncall at example.com' },
      /escalationEmail: .* is not an e-mail/,
    ],
    [
      { channel: 'C0123ABCD', rootSmsNumber: '555-0123' },
      /rootSmsNumber: "555-0123" is not a phone number in E\.164/,
    ],
    [{ channel: 'C0123ABCD', escalationSms: '+0123' }, /escalationSms/],
    [{ channel: '#aws-signins' }, /channel "#aws-signins" is not a Slack channel ID: use the ID/],
    [{ channel: 'C0123ABCD', retentionDays: '0' }, /retentionDays must be a whole number from 1 to 3650/],
    [{ channel: 'C0123ABCD', stackName: 'bad name!' }, /stackName must start with a letter/],
    [
      { channel: 'C0123ABCD', existingSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack' },
      /existingSecret must be the secret's name or its complete ARN/,
    ],
    [{ channel: 'C0123ABCD', organizationId: 'bad' }, /organizationId must look like o-a1b2c3d4e5/],
    [
      { channel: 'C0123ABCD', routing: '{"channels":{"critical":"#sec-page"}}' },
      /routing: "#sec-page" is not a Slack channel ID/,
    ],
    [{ channel: 'C0123ABCD', deadManHours: '0' }, /deadManHours must be a whole number from 1 to 24/],
    [{ channel: 'C0123ABCD', deadManHours: '25' }, /deadManHours/],
    [{ channel: 'C0123ABCD', deadManHours: '2.5' }, /deadManHours/],
    [{ channel: 'C0123ABCD', routing: '{"post":["urgent"]}' }, /routing is invalid at post\.0/],
    [{ channel: 'C0123ABCD', routing: '{"channels": ' }, /routing must be JSON/],
    [{ channel: 'C0123ABCD', organizationTrail: 'true' }, /needs organizationId/],
    [
      { channel: 'C0123ABCD', organizationTrail: true, organizationId: 'o-1', existingLogGroup: 'lg' },
      /cannot be combined/,
    ],
    [{ channel: 'C0123ABCD', alarmNamePrefix: 'prod env' }, /alarmNamePrefix must be/],
    [{ chanel: 'C1' }, /unknown context key "chanel" \(did you mean "channel"\?\)/],
    [
      { channel: 'C0123ABCD', deadmanHours: 3 },
      /unknown context key "deadmanHours" \(did you mean "deadManHours"\?\)/,
    ],
    [
      { channel: 'C0123ABCD', responders: 'U0ALICE,@bob' },
      /responders: "@bob" is not a Slack user id \(U…, W…: a profile's ⋮ menu → Copy member ID\) or user group id \(S…\)/,
    ],
    [{ channel: 'C0123ABCD', responders: 'C0123ABCD' }, /responders: "C0123ABCD" is not a Slack user id/],
    [{ channel: 'C0123ABCD', oncall: 'S0OPS,U0ALICE' }, /oncall is one Slack user or user group id/],
    [{ channel: 'C0123ABCD', oncall: 's0ops' }, /oncall: "s0ops" is not a Slack user id/],
    [{ channel: 'C0123ABCD', identityMap: '{"iamUsers":' }, /identityMap must be JSON/],
    [{ channel: 'C0123ABCD', identityMap: '["U0ALICE"]' }, /identityMap must be a JSON object/],
    [
      { channel: 'C0123ABCD', identityMap: 'no-such-map.json' },
      /identityMap: no file "no-such-map\.json" \(in .+\); give inline JSON/,
    ],
    [{ channel: 'C0123ABCD', autoAsk: 'failures' }, /autoAsk must be success, all, off, got "failures"/],
    [
      { channel: 'C0123ABCD', askTimeoutMinutes: '0' },
      /askTimeoutMinutes must be a whole number from 1 to 1440/,
    ],
    [{ channel: 'C0123ABCD', ackTimeoutMinutes: '1441' }, /ackTimeoutMinutes must be a whole number/],
    [{ channel: 'C0123ABCD', ackTimeoutMinutes: '7.5' }, /ackTimeoutMinutes/],
    [
      { channel: 'C0123ABCD', historyRegions: 'us-east-1,Frankfurt' },
      /^historyRegions must list AWS region codes, comma-separated \(such as us-east-1,eu-west-1\); "Frankfurt" is not one$/,
    ],
    [{ channel: 'C0123ABCD', historyRegions: ['us-east-1', 'EU-WEST-1'] }, /"EU-WEST-1" is not one/],
    [
      { channel: 'C0123ABCD', maxSilenceDays: '0' },
      /^maxSilenceDays must be a whole number from 1 to 90, got "0"$/,
    ],
    [{ channel: 'C0123ABCD', maxSilenceDays: '91' }, /maxSilenceDays must be a whole number from 1 to 90/],
    [{ channel: 'C0123ABCD', maxSilenceDays: '1w' }, /maxSilenceDays/],
    [
      { channel: 'C0123ABCD', deferIndexes: 'byTime' },
      /^deferIndexes: "byTime" cannot be left out; only byUser or byIp can, for one deploy$/,
    ],
    [
      { channel: 'C0123ABCD', historyRegion: 'us-east-1' },
      /unknown context key "historyRegion" \(did you mean "historyRegions"\?\)/,
    ],
    [
      { channel: 'C0123ABCD', responder: 'U0ALICE' },
      /unknown context key "responder" \(did you mean "responders"\?\)/,
    ],
  ])('%j', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });

  it("ignores the keys CDK itself puts in the context (feature flags, aws:cdk:*, cached lookups, cdk.json's own)", () => {
    const settings = read({
      channel: 'C0123ABCD',
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
      '@aws-cdk/core:checkSecretUsage': true,
      'cli-telemetry': false,
      'acknowledged-issue-numbers': [],
      'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
    });
    expect(settings.stackProps.alerts.slackChannel).toBe('C0123ABCD');
  });

  it('mails and texts escalations and pipeline health to the alarm people unless told otherwise', () => {
    const defaults = read({
      channel: 'C0123ABCD',
      alarmEmail: 'sec@example.com',
      rootSmsNumber: '+15555550123',
    });
    expect(defaults.stackProps.alerts.escalationRecipients).toEqual({
      emails: ['sec@example.com'],
      smsNumbers: ['+15555550123'],
    });
    const own = read({
      channel: 'C0123ABCD',
      alarmEmail: 'sec@example.com',
      rootSmsNumber: '+15555550123',
      escalationEmail: 'oncall@example.com',
      escalationSms: '+15555550199',
    });
    expect(own.stackProps.alerts.escalationRecipients).toEqual({
      emails: ['oncall@example.com'],
      smsNumbers: ['+15555550199'],
    });
  });

  it('reads deadManHours from the command line or cdk.json', () => {
    expect(read({ channel: 'C0123ABCD', deadManHours: '12' }).stackProps.alerts.deadManHours).toBe(12);
    expect(read({ channel: 'C0123ABCD', deadManHours: 1 }).stackProps.alerts.deadManHours).toBe(1);
  });
});

describe('infra/app.ts with a wrong context', () => {
  const repo = path.join(__dirname, '..', '..');
  // How the CDK CLI hands `-c key=value` to the app.
  const synth = (context: Record<string, unknown>) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), 'infra/app.ts'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CDK_CONTEXT_JSON: JSON.stringify(context) },
    });

  it.each([
    ['no channel', {}, /^signins: Set the Slack channel ID to post to: npx cdk deploy -c channel=C0123ABCD$/],
    [
      'a typo in a key',
      { chanel: 'C1' },
      /^signins: unknown context key "chanel" \(did you mean "channel"\?\)/,
    ],
    [
      'a retention CloudWatch Logs refuses',
      { channel: 'C0123ABCD', logRetentionDays: '31' },
      /^signins: logRetentionDays/,
    ],
    [
      'routing the bot refuses',
      { channel: 'C0123ABCD', routing: '{"post":["urgent"]}' },
      /^signins: routing is invalid/,
    ],
    [
      'a phone number not in E.164',
      { channel: 'C0123ABCD', rootSmsNumber: '0123' },
      /^signins: rootSmsNumber/,
    ],
    ['a bad e-mail address', { channel: 'C0123ABCD', alarmEmail: 'security' }, /^signins: alarmEmail/],
    [
      'a dead-man period out of range',
      { channel: 'C0123ABCD', deadManHours: '48' },
      /^signins: deadManHours/,
    ],
    [
      'a responder given by name instead of id',
      { channel: 'C0123ABCD', responders: 'alice' },
      /^signins: responders: "alice" is not a Slack user id/,
    ],
    [
      'an identity map too large for the functions',
      {
        channel: 'C0123ABCD',
        identityMap: JSON.stringify({
          iamUsers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`user${i}`, `U0USER${i}`])),
        }),
      },
      /^signins: the EventsWorker's environment would be about \d+ bytes, over Lambda's 4096/,
    ],
  ])('%s: one line on stderr, no stack trace, exit 1', (_case, context, message) => {
    const result = synth(context);
    const lines = result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(1);
  });
});
