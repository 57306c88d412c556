// A sign-in built in code for tests that need many of them or one odd field: a successful IAM user console
// sign-in with MFA, every field set, which `over` changes. Tests read from published records use fixtures.ts.
import type { ClassifiedSignIn } from '../../bot/core/sign-in';

export const syntheticSignIn = (over: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn => ({
  eventId: 'e-1',
  eventIdDerived: false,
  eventName: 'ConsoleLogin',
  time: '2026-11-20T10:00:00.000Z',
  outcome: 'success',
  failureReason: null,
  errorCode: null,
  identityType: 'IAMUser',
  rawIdentityType: 'IAMUser',
  principal: 'alice',
  arn: null,
  federation: null,
  roleName: null,
  sessionName: null,
  accountId: '111122223333',
  identityAccountId: '111122223333',
  sourceIp: '203.0.113.7',
  region: 'us-east-1',
  userAgent: null,
  mfa: 'yes',
  mfaDevice: null,
  loginTo: null,
  switchFrom: null,
  credentialType: null,
  severity: 'low',
  ...over,
});
