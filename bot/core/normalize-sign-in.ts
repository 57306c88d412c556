// One CloudTrail record from signin.amazonaws.com → one normalized SignIn.
import { createHash } from 'node:crypto';
import type { CloudTrailRecord } from './cloudtrail-record';
import { cloudTrailRecordSchema, field, SIGNIN_EVENT_SOURCE } from './cloudtrail-record';
import { identityOf, mfaOf } from './identity';
import type { Outcome, SignIn } from './sign-in';
import { toIsoTime } from './time';

export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

/** Console events keep the outcome in responseElements, Identity Center ones in serviceEventDetails. */
const outcomeOf = (record: CloudTrailRecord): Outcome | null => {
  const value =
    field(record.responseElements, record.eventName) ?? field(record.serviceEventDetails, record.eventName);
  if (value?.toLowerCase() === 'success') return 'success';
  if (value?.toLowerCase() === 'failure') return 'failure';
  return record.errorCode || record.errorMessage ? 'failure' : null;
};

// A record without eventID still needs a stable id for idempotency: hash its canonical JSON.
/**
 * An id a record carries, when it can serve as one: printable ASCII, at most 128 characters (CloudTrail's are
 * 36-character UUIDs, SNS MessageIds the same). Anything else would overflow Slack's 2,000-character button
 * values and DynamoDB's key size, or smuggle text into ids: the record then gets a derived id instead.
 */
export const usableId = (id: string | undefined): string | undefined =>
  id !== undefined && /^[\x21-\x7e]{1,128}$/.test(id) ? id : undefined;

export const stableId = (raw: unknown): string => {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `sha256-${createHash('sha256')
    .update(JSON.stringify(canonical(raw)))
    .digest('hex')
    .slice(0, 32)}`;
};

export const isSignInRecord = (value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  (value as Record<string, unknown>).eventSource === SIGNIN_EVENT_SOURCE;

/** Throws InvalidRecordError with a readable message when the record cannot be a sign-in. */
export const normalizeSignIn = (raw: unknown): SignIn => {
  const parsed = cloudTrailRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRecordError(issue?.message ?? 'not a CloudTrail record');
  }
  const record = parsed.data;
  if (record.eventSource !== SIGNIN_EVENT_SOURCE) {
    throw new InvalidRecordError(`eventSource is ${record.eventSource}, not ${SIGNIN_EVENT_SOURCE}`);
  }
  const identity = identityOf(record);
  const outcome = outcomeOf(record);
  const extra = record.additionalEventData;
  return {
    eventId: usableId(record.eventID) ?? stableId(raw),
    eventIdDerived: usableId(record.eventID) === undefined,
    eventName: record.eventName,
    time: toIsoTime(record.eventTime),
    outcome,
    failureReason: outcome === 'failure' ? (record.errorMessage ?? record.errorCode ?? null) : null,
    errorCode: record.errorCode ?? null,
    ...identity,
    accountId: record.recipientAccountId ?? record.userIdentity?.accountId ?? null,
    identityAccountId: record.userIdentity?.accountId ?? null,
    sourceIp: record.sourceIPAddress ?? null,
    region: record.awsRegion ?? null,
    userAgent: record.userAgent ?? null,
    mfa: mfaOf(record, identity),
    mfaDevice: field(extra, 'MFAIdentifier') ?? null,
    loginTo: field(extra, 'LoginTo') ?? null,
    switchFrom: field(extra, 'SwitchFrom') ?? null,
    credentialType: field(extra, 'CredentialType') ?? field(extra, 'MfaType') ?? null,
  };
};
