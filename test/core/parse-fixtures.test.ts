import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { classifySignIn } from '../../bot/core/classify';
import { type DecodedItem, decodeBytes, decodeText, decodeValue } from '../../bot/core/decode-input';
import type { SignIn } from '../../bot/core/sign-in';
import {
  fixtureJson,
  fixturePath,
  listFixtures,
  readFixture,
  recordFrom,
  subscriptionEvent,
} from '../helpers/fixtures';

const decodeFile = (rel: string): DecodedItem[] => decodeBytes(readFileSync(fixturePath(rel)));
const signIns = (items: DecodedItem[]): SignIn[] =>
  items.flatMap((i) => (i.kind === 'signin' ? [i.signIn] : []));
const only = (rel: string): SignIn => {
  const found = signIns(decodeFile(rel));
  expect(found).toHaveLength(1);
  return found[0] as SignIn;
};

describe('every published sign-in fixture', () => {
  const all = listFixtures('signin');
  const valid = all.filter((f) => !f.endsWith('.invalid-json.txt'));
  const invalid = all.filter((f) => f.endsWith('.invalid-json.txt'));

  it('covers the published corpus', () => {
    expect(valid).toHaveLength(57);
    expect(invalid).toHaveLength(7);
  });

  it.each(valid)('%s parses into sign-ins with nothing rejected', (rel) => {
    const items = decodeFile(rel);
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([]);
    const found = signIns(items);
    expect(found.length).toBeGreaterThan(0);
    for (const s of found) {
      expect(s.eventId).not.toBe('');
      expect(s.principal).not.toBe('');
      expect(['yes', 'no', 'idp', 'unknown']).toContain(s.mfa);
    }
  });

  it.each(invalid)('%s is rejected with a position and a reason', (rel) => {
    const items = decodeFile(rel);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'rejected',
      position: expect.stringMatching(/^line \d+ column \d+$/),
    });
    expect((items[0] as { message: string }).message).toMatch(/^invalid JSON: /);
  });

  it('keeps all 59 sign-ins when every published file, broken ones included, is one concatenated stream', () => {
    const stream = all.map((rel) => readFixture(rel).trim()).join('\n');
    const items = decodeText(stream);
    expect(signIns(items)).toHaveLength(59);
    const rejected = items.filter((i) => i.kind === 'rejected');
    expect(rejected).toHaveLength(invalid.length);
    for (const r of rejected) expect(r.position).toMatch(/^line \d+/);
  });

  it('yields one sign-in per valid record (57 files, one of them three JSON lines)', () => {
    const total = valid.reduce((n, rel) => n + signIns(decodeFile(rel)).length, 0);
    expect(total).toBe(59);
  });
});

describe('normalizing sign-ins', () => {
  it('names the root user and reports a root sign-in without MFA as critical', () => {
    const s = only('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json');
    expect(s).toMatchObject({
      identityType: 'Root',
      principal: 'root',
      outcome: 'success',
      mfa: 'no',
      accountId: '111122223333',
    });
    expect(classifySignIn(s)).toBe('critical');
  });

  it('reads MFAUsed case-insensitively ("YES" in the AWS root example)', () => {
    expect(only('signin/aws-docs-cloudtrail-guide/07-root-success-mfa.json').mfa).toBe('yes');
  });

  it('shows a hidden IAM user name as such, with the failure reason', () => {
    const s = only('signin/web-sources/pwnedlabs-writeup-iam-failure-HIDDEN-go-http-client-REAL.json');
    expect(s).toMatchObject({
      identityType: 'IAMUser',
      principal: 'unknown user (name hidden by AWS)',
      outcome: 'failure',
      failureReason: 'No username found in supplied account',
      userAgent: 'Go-http-client/1.1',
    });
  });

  it('accepts the lower-case "AwsConsoleSignin" event type of the IAM guide', () => {
    const s = only('signin/aws-docs-iam-guide/failure-no-username-HIDDEN_DUE_TO_SECURITY_REASONS.json');
    expect(s.principal).toBe('unknown user (name hidden by AWS)');
  });

  it('names an IAM Identity Center session by user and permission set, MFA left to the IdP', () => {
    const s = only('signin/panther-analysis/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json');
    expect(s).toMatchObject({
      identityType: 'AssumedRole',
      federation: 'identity-center',
      principal: 'nicholas.hakmiller (DevAdmin)',
      roleName: 'AWSReservedSSO_DevAdmin_635426549a280cc6',
      sessionName: 'nicholas.hakmiller',
      mfa: 'idp',
      region: 'us-west-2',
      time: '2024-06-02T19:41:40.000Z',
    });
    expect(classifySignIn(s)).toBe('low');
  });

  it('never reports "no MFA" for a SAML sign-in', () => {
    const s = only('signin/panther-analysis/saml-assumedrole-okta.json');
    expect(s.mfa).toBe('idp');
    expect(only('signin/panther-analysis/iam-user-success-samlproviderarn.json').mfa).toBe('idp');
  });

  it('reads Identity Center outcomes from serviceEventDetails and MFA from the credential types', () => {
    expect(
      only('signin/aws-docs-identity-center/pw-totp-5-userauthentication-password-totp.json'),
    ).toMatchObject({
      eventName: 'UserAuthentication',
      identityType: 'Unknown',
      principal: 'user1',
      outcome: 'success',
      mfa: 'yes',
    });
    expect(
      only('signin/aws-docs-identity-center/failed-2-credentialverification-password-failure.json').outcome,
    ).toBe('failure');
    expect(only('signin/aws-docs-identity-center/external-idp-userauthentication-success.json').mfa).toBe(
      'idp',
    );
  });

  it('keeps the 2026 policy denials as failures with errorCode and reason', () => {
    const s = only(
      'signin/web-sources/aws-signin-guide-2026-iam-failure-denied-by-resource-based-policy.json',
    );
    expect(s).toMatchObject({
      outcome: 'failure',
      errorCode: 'AccessDenied',
      failureReason: 'Authorization denied because of a resource-based policy',
    });
  });

  it('describes a cross-account SwitchRole with its source principal', () => {
    const s = only('signin/tstibbs-cloud-core/switchrole-success-cross-account.json');
    expect(s).toMatchObject({
      eventName: 'SwitchRole',
      federation: 'switch-role',
      principal: 'OrganizationAccountAccessRole/AllAccountAdminUser',
      switchFrom: 'arn:aws:iam::parent-account-id-here:user/AllAccountAdminUser',
    });
  });

  it('gives a record without eventID a stable content id, the same on every delivery', () => {
    const a = only('signin/panther-analysis/root-failure-minimal.json');
    const b = only('signin/panther-analysis/root-failure-minimal.json');
    expect(a.eventIdDerived).toBe(true);
    expect(a.eventId).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(a.eventId).toBe(b.eventId);
  });

  it('takes the account from recipientAccountId on organization trails, keeping the identity account', () => {
    const record = recordFrom('signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json', {
      recipientAccountId: '444455556666',
    });
    const [item] = decodeValue(record);
    expect(item).toMatchObject({
      kind: 'signin',
      signIn: { accountId: '444455556666', identityAccountId: '111122223333' },
    });
  });

  it('keeps "AWS Internal" and IPv6 source addresses as they are', () => {
    const base = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
    const [internal] = signIns(decodeValue(recordFrom(base, { sourceIPAddress: 'AWS Internal' })));
    const [v6] = signIns(decodeValue(recordFrom(base, { sourceIPAddress: '2001:db8:85a3::8a2e:370:7334' })));
    expect(internal?.sourceIp).toBe('AWS Internal');
    expect(v6?.sourceIp).toBe('2001:db8:85a3::8a2e:370:7334');
  });

  it('reads unreadable times as null rather than inventing one', () => {
    expect(
      only('signin/panther-analysis/root-externalidpdirectorylogin-failure-REAL-redacted.json').time,
    ).toBeNull();
  });
});

describe('input shapes', () => {
  const record = fixtureJson('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json');

  it('decodes the CloudWatch Logs subscription envelope (base64 + gzip)', () => {
    const items = decodeValue(subscriptionEvent([record]));
    expect(items).toEqual([expect.objectContaining({ kind: 'signin', position: 'logEvents[0]' })]);
  });

  it('decodes the published Lambda-guide envelope and rejects its non-CloudTrail messages one by one', () => {
    const items = decodeText(
      readFixture('subscription-filter/aws-lambda-go-cloudwatch-logs-event-encoded.json'),
    );
    expect(items.map((i) => [i.kind, i.position])).toEqual([
      ['rejected', 'logEvents[0]'],
      ['rejected', 'logEvents[1]'],
    ]);
  });

  it('ignores CloudWatch Logs control messages', () => {
    const items = decodeText(readFixture('subscription-filter/vector-control-message-decoded.json'));
    expect(items).toEqual([expect.objectContaining({ kind: 'skipped' })]);
  });

  it('decodes CloudTrail log files as stored in S3, plain or gzipped, skipping other services', () => {
    const file = JSON.stringify({
      Records: [record, { ...record, eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }],
    });
    for (const bytes of [Buffer.from(file), gzipSync(file)]) {
      expect(decodeBytes(bytes).map((i) => [i.kind, i.position])).toEqual([
        ['signin', 'Records[0]'],
        ['skipped', 'Records[1]'],
      ]);
    }
  });

  it('decodes JSON lines, rejecting only the broken line', () => {
    const text = `${JSON.stringify(record)}\n{"eventSource": oops}\n${JSON.stringify({ ...record, eventID: 'other' })}\n`;
    expect(decodeText(text).map((i) => [i.kind, i.position])).toEqual([
      ['signin', 'line 1'],
      ['rejected', 'line 2'],
      ['signin', 'line 3'],
    ]);
  });

  it('keeps the valid JSON lines when one line is truncated', () => {
    const full = JSON.stringify(record);
    const text = `${full}\n${full.slice(0, -1)}\n${JSON.stringify({ ...record, eventID: 'after' })}`;
    expect(decodeText(text).map((i) => [i.kind, i.position])).toEqual([
      ['signin', 'line 1'],
      ['rejected', `line 2 column ${full.length}`],
      ['signin', 'line 3'],
    ]);
  });

  it('refuses absurdly nested arrays with a message, not a crash', () => {
    expect(decodeText('['.repeat(20000) + ']'.repeat(20000))).toEqual([
      expect.objectContaining({ kind: 'rejected', message: 'arrays nested too deep' }),
    ]);
  });

  it('reads a time without an offset as UTC', () => {
    const [item] = decodeValue({ ...record, eventTime: '2026-11-20T09:15:00' });
    expect(item).toMatchObject({ signIn: { time: '2026-11-20T09:15:00.000Z' } });
  });

  it('decodes LookupEvents output (records as CloudTrailEvent strings)', () => {
    const items = decodeFile('signin/aws-cli-examples/lookup-events-consolelogin-assumedrole.json');
    expect(items).toEqual([expect.objectContaining({ kind: 'signin', position: 'Events[0]' })]);
  });

  it('decodes an SNS alarm notification, taking the region code from the ARN, not the display name', () => {
    const [item] = decodeFile('cloudwatch-alarm-sns/ts-comment-eu-south-1-alarm-REAL.json');
    expect(item).toMatchObject({
      kind: 'alarm',
      alarm: {
        state: 'ALARM',
        previousState: 'OK',
        region: 'eu-south-1',
        regionDisplayName: 'EU (Milan)',
        accountId: '975050211138',
        time: '2024-07-05T15:20:44.959Z',
        notificationId: 'e1a5d850-56a8-5cb9-873c-87524725ca49',
      },
    });
  });

  it('takes the region from the TopicArn when an old alarm message has no AlarmArn', () => {
    const [item] = decodeFile('cloudwatch-alarm-sns/notify-slack-sns-event-ok-2019.json');
    expect(item).toMatchObject({
      kind: 'alarm',
      alarm: { state: 'OK', alarmArn: null, region: 'us-east-1' },
    });
  });

  it('rejects what it does not recognise, with a reason', () => {
    expect(decodeText('{"hello": "world"}')).toEqual([
      { kind: 'rejected', position: '', message: expect.stringContaining('unrecognised input') },
    ]);
    expect(decodeText('')).toEqual([{ kind: 'rejected', position: '', message: 'empty input' }]);
    expect(decodeValue({ ...record, eventName: undefined })).toEqual([
      { kind: 'rejected', position: '', message: 'eventName is missing' },
    ]);
  });
});
