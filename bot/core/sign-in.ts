// The normalized shapes the rest of the bot works with, whatever the input path was.
import type { Severity } from '../../shared/severity';
import type { Place } from './geo';

export const IDENTITY_TYPES = [
  'Root',
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'IdentityCenterUser',
  'Unknown',
] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export type Outcome = 'success' | 'failure';
export type Mfa = 'yes' | 'no' | 'idp' | 'unknown';
export { SEVERITIES, type Severity } from '../../shared/severity';

/** How an AssumedRole session reached the console, when the record tells. */
export type Federation = 'identity-center' | 'saml' | 'switch-role' | 'federation' | null;

export interface SignIn {
  readonly eventId: string;
  /** True when the record had no eventID and the id is a hash of its content. */
  readonly eventIdDerived: boolean;
  readonly eventName: string;
  /** ISO 8601 (UTC), or null when the record's time is missing or unreadable. */
  readonly time: string | null;
  readonly outcome: Outcome | null;
  readonly failureReason: string | null;
  readonly errorCode: string | null;
  readonly identityType: IdentityType;
  /** userIdentity.type as recorded, kept when it maps to Unknown (SAMLUser, AWSService, …). */
  readonly rawIdentityType: string | null;
  /** A readable name: "root", "alice", "nicholas.hakmiller (DevAdmin)", … */
  readonly principal: string;
  readonly arn: string | null;
  readonly federation: Federation;
  readonly roleName: string | null;
  readonly sessionName: string | null;
  /** recipientAccountId (the member account on organization trails), else userIdentity.accountId. */
  readonly accountId: string | null;
  readonly identityAccountId: string | null;
  readonly sourceIp: string | null;
  readonly region: string | null;
  readonly userAgent: string | null;
  readonly mfa: Mfa;
  readonly mfaDevice: string | null;
  readonly loginTo: string | null;
  readonly switchFrom: string | null;
  readonly credentialType: string | null;
}

export interface ClassifiedSignIn extends SignIn {
  readonly severity: Severity;
  /**
   * Where the source address was when the sign-in arrived (country and network from the bundled data), kept
   * with the record. Absent when nobody looked it up yet (a record stored before there was geo data, or one
   * read back from CloudTrail): `placeOf(sourceIp, geo)` finds it then.
   */
  readonly place?: Place;
}

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** The state as one of CloudWatch's three, or null for anything else a notification may say. */
export const knownAlarmState = (state: string): AlarmState | null =>
  (ALARM_STATES as readonly string[]).includes(state) ? (state as AlarmState) : null;

export interface AlarmNotification {
  readonly kind: 'alarm';
  /** SNS MessageId when delivered through SNS; a content hash otherwise. */
  readonly notificationId: string;
  readonly alarmName: string;
  readonly alarmArn: string | null;
  readonly description: string | null;
  readonly state: AlarmState | string;
  readonly previousState: string | null;
  readonly reason: string;
  /** Region code (from AlarmArn or TopicArn), never the display name. */
  readonly region: string | null;
  readonly regionDisplayName: string | null;
  readonly accountId: string | null;
  /** ISO 8601 time of the state change. */
  readonly time: string | null;
  /** Seconds the alarm looks back over (Period × EvaluationPeriods), when known. */
  readonly windowSeconds: number | null;
  readonly metricName: string | null;
  readonly namespace: string | null;
}
