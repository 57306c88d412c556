// The published fixtures as seeds for fuzzing, and the envelopes the bot accepts around them: a CloudTrail
// log file, JSON lines, concatenated pretty JSON, the CloudWatch Logs subscription payload (base64 of gzip),
// SNS alarm events, EventBridge events and LookupEvents output.
import { gzipSync } from 'node:zlib';
import { listFixtures, readFixture } from '../helpers/fixtures';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const parsed = (rel: string): Json => JSON.parse(readFixture(rel)) as Json;
const isRecordFile = (rel: string): boolean =>
  rel.endsWith('.json') && !rel.startsWith('signin/aws-cli-examples/');

/** The sign-in records (one per file, or a log file's Records, or an array's items); LookupEvents output and broken samples excluded. */
export const SIGN_IN_RECORDS: readonly JsonObject[] = listFixtures('signin')
  .filter(isRecordFile)
  .flatMap((rel) => {
    const value = parsed(rel);
    if (Array.isArray(value)) return value as JsonObject[];
    const records = (value as JsonObject).Records;
    return Array.isArray(records) ? (records as JsonObject[]) : [value as JsonObject];
  });

export const TRAIL_CHANGE_RECORDS: readonly JsonObject[] = listFixtures('trail-change').map(
  (rel) => parsed(rel) as JsonObject,
);

/** SNS events carrying alarm notifications, and one bare alarm message. */
export const ALARM_INPUTS: readonly Json[] = listFixtures('cloudwatch-alarm-sns').map(parsed);

/** Subscription payloads as published: encoded envelopes, decoded DATA and CONTROL messages. */
export const SUBSCRIPTION_INPUTS: readonly Json[] = listFixtures('subscription-filter')
  .filter((rel) => rel.endsWith('.json'))
  .map(parsed);

export const LOOKUP_EVENTS_OUTPUT: Json = parsed(
  'signin/aws-cli-examples/lookup-events-consolelogin-assumedrole.json',
);

/** Text fixtures that are not valid JSON as published (JSON lines, doc samples with elisions). */
export const TEXT_INPUTS: readonly string[] = listFixtures('signin')
  .filter((rel) => !rel.endsWith('.json'))
  .concat(listFixtures('subscription-filter').filter((rel) => rel.endsWith('.txt')))
  .map(readFixture);

export const clone = <T extends Json>(value: T): T => structuredClone(value);

export const logsPayload = (messages: readonly Json[]): JsonObject => ({
  messageType: 'DATA_MESSAGE',
  owner: '111122223333',
  logGroup: 'aws-cloudtrail-logs-signins',
  logStream: '111122223333_CloudTrail_us-east-1',
  subscriptionFilters: ['signins'],
  logEvents: messages.map((message, i) => ({
    id: `359543650879506638422706657374543648404059302496324${String(10000 + i)}`,
    timestamp: 1_700_000_000_000 + i,
    message,
  })),
});

/** The CloudWatch Logs → Lambda envelope around a (possibly mutated) decoded payload. */
export const awslogs = (payload: Json): JsonObject => ({
  awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') },
});

/** An EventBridge "AWS Console Sign In via CloudTrail" event around a record. */
export const eventBridgeEvent = (detail: Json): JsonObject => ({
  version: '0',
  id: '6f2a4e8b-1c8d-4b9e-9d0a-3f1b2c3d4e5f',
  'detail-type': 'AWS Console Sign In via CloudTrail',
  source: 'aws.signin',
  account: '111122223333',
  time: '2026-11-20T09:20:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

/** `aws cloudtrail lookup-events` output: each record as a JSON string in CloudTrailEvent. */
export const lookupEvents = (events: readonly Json[]): JsonObject => ({
  Events: events.map((event, i) => ({
    EventId: `lookup-${i}`,
    EventName: 'ConsoleLogin',
    ReadOnly: 'false',
    Username: 'root',
    EventTime: '2026-11-20T09:20:00Z',
    Resources: [],
    CloudTrailEvent: event,
  })),
  NextToken: null,
});

/** An SNS event (as Lambda receives it) carrying `message`, the Message JSON string or anything else. */
export const snsEvent = (message: Json): JsonObject => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:111122223333:signins:0b8a2f1e',
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: 'arn:aws:sns:us-east-1:111122223333:signins',
        Subject: 'ALARM: "signin-console-success-root" in US East (N. Virginia)',
        Message: message,
        Timestamp: '2026-11-20T09:20:00.000Z',
      },
    },
  ],
});
