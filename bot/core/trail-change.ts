// A record that stops, deletes or blinds the trail, or cuts the log pipeline from the trail to the bot
// (the tamper events of shared/health-alarms.ts). The subscription filter forwards them with the
// sign-ins; each one becomes a card of its own.
import { LOG_PIPELINE_TAMPER_EVENTS, TRAIL_TAMPER_EVENTS } from '../../shared/health-alarms';
import type { CloudTrailRecord } from './cloudtrail-record';
import { cloudTrailRecordSchema, field } from './cloudtrail-record';
import { type Identity, identityOf } from './identity';
import { InvalidRecordError, stableId, usableId } from './normalize-sign-in';
import { toIsoTime } from './time';

export const CLOUDTRAIL_EVENT_SOURCE = 'cloudtrail.amazonaws.com';
export const LOGS_EVENT_SOURCE = 'logs.amazonaws.com';

export type TrailTamperEvent = (typeof TRAIL_TAMPER_EVENTS)[number];
export type LogPipelineTamperEvent = (typeof LOG_PIPELINE_TAMPER_EVENTS)[number];
export type TrailChangeEvent = TrailTamperEvent | LogPipelineTamperEvent;
export type TrailChangeSource = typeof CLOUDTRAIL_EVENT_SOURCE | typeof LOGS_EVENT_SOURCE;

/** What the call was aimed at, as the request named it. */
export interface TrailChangeTarget {
  /** Trail name or ARN (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors). */
  readonly trail: string | null;
  readonly logGroup: string | null;
  /** Subscription or metric filter name. */
  readonly filter: string | null;
}

/** changed: the call succeeded. denied: refused for lack of permission. failed: any other error. */
export type TrailChangeOutcome = 'changed' | 'denied' | 'failed';

export interface TrailChange {
  readonly eventId: string;
  /** True when the record had no eventID and the id is a hash of its content. */
  readonly eventIdDerived: boolean;
  readonly eventName: TrailChangeEvent;
  readonly eventSource: TrailChangeSource;
  /** ISO 8601 (UTC), or null when the record's time is missing or unreadable. */
  readonly time: string | null;
  readonly who: Identity;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly region: string | null;
  /** recipientAccountId, else userIdentity.accountId. */
  readonly accountId: string | null;
  readonly target: TrailChangeTarget;
  readonly outcome: TrailChangeOutcome;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

const includes = (list: readonly string[], name: unknown): boolean =>
  typeof name === 'string' && list.includes(name);

/** Is this parsed JSON value one of the tamper records? */
export const isTrailChangeRecord = (value: unknown): boolean => {
  if (value === null || typeof value !== 'object') return false;
  const { eventSource, eventName } = value as Record<string, unknown>;
  if (eventSource === CLOUDTRAIL_EVENT_SOURCE) return includes(TRAIL_TAMPER_EVENTS, eventName);
  if (eventSource === LOGS_EVENT_SOURCE) return includes(LOG_PIPELINE_TAMPER_EVENTS, eventName);
  return false;
};

// AccessDenied (most services), AccessDeniedException (CloudWatch Logs), Client.UnauthorizedOperation.
const DENIED = /AccessDenied|Unauthorized|Forbidden/i;

const outcomeOf = (record: CloudTrailRecord): TrailChangeOutcome => {
  if (!record.errorCode && !record.errorMessage) return 'changed';
  return DENIED.test(record.errorCode ?? '') ? 'denied' : 'failed';
};

const targetOf = (record: CloudTrailRecord): TrailChangeTarget => {
  const request = record.requestParameters;
  return {
    // PutEventSelectors names the trail `trailName`; the other trail calls `name`.
    trail:
      field(request, 'name') ??
      field(request, 'trailName') ??
      field(record.responseElements, 'trailARN') ??
      null,
    logGroup: field(request, 'logGroupName') ?? null,
    filter: field(request, 'filterName') ?? null,
  };
};

/** Throws InvalidRecordError with a readable message when the record cannot be a tamper record. */
export const normalizeTrailChange = (raw: unknown): TrailChange => {
  const parsed = cloudTrailRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidRecordError(parsed.error.issues[0]?.message ?? 'not a CloudTrail record');
  }
  const record = parsed.data;
  if (!isTrailChangeRecord(record)) {
    throw new InvalidRecordError(
      `${record.eventSource} ${record.eventName} is not a trail or log pipeline change`,
    );
  }
  return {
    eventId: usableId(record.eventID) ?? stableId(raw),
    eventIdDerived: usableId(record.eventID) === undefined,
    eventName: record.eventName as TrailChangeEvent,
    eventSource: record.eventSource as TrailChangeSource,
    time: toIsoTime(record.eventTime),
    who: identityOf(record),
    sourceIp: record.sourceIPAddress ?? null,
    userAgent: record.userAgent ?? null,
    region: record.awsRegion ?? null,
    accountId: record.recipientAccountId ?? record.userIdentity?.accountId ?? null,
    target: targetOf(record),
    outcome: outcomeOf(record),
    errorCode: record.errorCode ?? null,
    errorMessage: record.errorMessage ?? null,
  };
};

/** The alert id of a tamper card: its own namespace, never colliding with a sign-in's eventID. */
export const trailChangeAlertId = (change: Pick<TrailChange, 'eventId'>): string =>
  `change:${change.eventId}`;

/** "trail example-trail", "log group X, filter Y", … or null when the request named nothing. */
export const describeTarget = (target: TrailChangeTarget): string | null => {
  const parts = [
    target.trail ? `trail ${target.trail}` : null,
    target.logGroup ? `log group ${target.logGroup}` : null,
    target.filter ? `filter ${target.filter}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : null;
};
