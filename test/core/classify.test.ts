import { signInsBehindAlarm } from '../../bot/core/alarm-match';
import { classifyAlarm, classifySignIn } from '../../bot/core/classify';
import type { AlarmNotification, SignIn } from '../../bot/core/sign-in';

const signIn = (overrides: Partial<SignIn>): SignIn => ({
  eventId: 'e1',
  eventIdDerived: false,
  eventName: 'ConsoleLogin',
  time: '2026-11-20T09:15:00.000Z',
  outcome: 'success',
  failureReason: null,
  errorCode: null,
  identityType: 'IAMUser',
  rawIdentityType: 'IAMUser',
  principal: 'anaya',
  arn: null,
  federation: null,
  roleName: null,
  sessionName: null,
  accountId: '111122223333',
  identityAccountId: '111122223333',
  sourceIp: '192.0.2.0',
  region: 'us-east-1',
  userAgent: null,
  mfa: 'yes',
  mfaDevice: null,
  loginTo: null,
  switchFrom: null,
  credentialType: null,
  ...overrides,
});

describe('default severity', () => {
  it.each([
    [
      'a root sign-in that succeeds is critical, MFA or not',
      { identityType: 'Root', mfa: 'yes' },
      'critical',
    ],
    ['a root sign-in that fails is high', { identityType: 'Root', outcome: 'failure' }, 'high'],
    ['a root sign-in with no recorded outcome is high', { identityType: 'Root', outcome: null }, 'high'],
    ['a root password change is high', { identityType: 'Root', eventName: 'PasswordUpdated' }, 'high'],
    ['an IAM user signing in without MFA is high', { mfa: 'no' }, 'high'],
    ['any failed sign-in is medium', { outcome: 'failure', identityType: 'AssumedRole' }, 'medium'],
    [
      'a failed Identity Center credential is medium',
      { eventName: 'CredentialVerification', outcome: 'failure', identityType: 'Unknown' },
      'medium',
    ],
    ['a sign-in with MFA is low', { mfa: 'yes' }, 'low'],
    [
      'an SSO sign-in is low (MFA is the IdP’s business)',
      { identityType: 'AssumedRole', federation: 'identity-center', mfa: 'idp' },
      'low',
    ],
    ['an MFA check is info', { eventName: 'CheckMfa', mfa: 'unknown' }, 'info'],
    [
      'a credential challenge is info',
      { eventName: 'CredentialChallenge', identityType: 'Unknown', mfa: 'unknown' },
      'info',
    ],
    [
      'a federation sign-in token is info',
      { eventName: 'GetSigninToken', outcome: null, identityType: 'AssumedRole' },
      'info',
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(classifySignIn(signIn(overrides as Partial<SignIn>))).toBe(expected);
  });
});

const alarm = (alarmName: string, state = 'ALARM'): AlarmNotification => ({
  kind: 'alarm',
  notificationId: 'n1',
  alarmName,
  alarmArn: null,
  description: null,
  state,
  previousState: 'OK',
  reason: 'Threshold Crossed',
  region: 'us-east-1',
  regionDisplayName: null,
  accountId: '111122223333',
  time: '2026-11-20T09:20:00.000Z',
  windowSeconds: 60,
  metricName: null,
  namespace: null,
});

describe('alarm severity', () => {
  it('follows the sign-ins the alarm counts', () => {
    expect(classifyAlarm(alarm('signin-console-success-root'))).toBe('critical');
    expect(classifyAlarm(alarm('signin-console-failure-root'))).toBe('high');
    expect(classifyAlarm(alarm('signin-console-failure-iam'))).toBe('medium');
    expect(classifyAlarm(alarm('signin-console-success-iam'))).toBe('low');
  });
  it('treats any other alarm as high and recoveries as info', () => {
    expect(classifyAlarm(alarm('DatabaseConnections'))).toBe('high');
    expect(classifyAlarm(alarm('signin-console-success-root', 'OK'))).toBe('info');
  });
});

describe('pipeline-health alarm severity', () => {
  it.each([
    ['prod-signins-health-no-log-events', 'ALARM', 'critical'],
    ['signins-health-trail-tampering', 'ALARM', 'critical'],
    ['prod-signins-health-no-log-events', 'OK', 'low'],
    ['prod-signins-health-failure-queue', 'INSUFFICIENT_DATA', 'medium'],
  ] as const)('%s in %s is %s', (name, state, expected) => {
    expect(classifyAlarm(alarm(name, state))).toBe(expected);
  });

  it('posts the recovery of a health alarm (low is posted by default), unlike a sign-in alarm recovery', () => {
    expect(classifyAlarm(alarm('prod-signins-health-worker-errors', 'OK'))).not.toBe('info');
    expect(classifyAlarm(alarm('prod-signin-console-success-root', 'OK'))).toBe('info');
  });
});

describe('sign-ins behind an alarm', () => {
  it('include every account of an organization trail, not only the account that owns the alarm', () => {
    const member = {
      ...signIn({ identityType: 'Root', accountId: '444455556666' }),
      severity: 'critical' as const,
    };
    const iam = { ...signIn({ accountId: '444455556666' }), severity: 'low' as const };
    expect(signInsBehindAlarm(alarm('signin-console-success-root'), [member, iam])).toEqual([member]);
  });
});
