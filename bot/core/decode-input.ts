// Every input shape the bot accepts, detected automatically, down to sign-ins and alarm notifications:
// CloudWatch Logs subscription events (base64 + gzip), CloudTrail log files ({"Records":[…]}, .json or
// .json.gz), JSON lines, a single record, LookupEvents output, SNS events carrying alarm notifications,
// bare alarm messages and EventBridge "AWS Console Sign In" events. One bad piece never hides the rest.
import { gunzipSync } from 'node:zlib';
import { looksLikeAlarmMessage, normalizeAlarm } from './alarm-notification';
import { looksLikeCloudTrailRecord } from './cloudtrail-record';
import { isSignInRecord, normalizeSignIn } from './normalize-sign-in';
import type { AlarmNotification, SignIn } from './sign-in';

export type DecodedItem =
  | { readonly kind: 'signin'; readonly position: string; readonly signIn: SignIn }
  | { readonly kind: 'alarm'; readonly position: string; readonly alarm: AlarmNotification }
  | { readonly kind: 'rejected'; readonly position: string; readonly message: string }
  | { readonly kind: 'skipped'; readonly position: string; readonly reason: string };

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (base: string, part: string): string => (base ? `${base}.${part}` : part);
const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const GZIP_MAGIC = [0x1f, 0x8b];

/** Decodes raw bytes (a file, stdin, a Lambda payload) of any supported shape. */
export const decodeBytes = (bytes: Uint8Array): DecodedItem[] => {
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(bytes);
    } catch (err) {
      return [
        { kind: 'rejected', position: 'gzip', message: `not a readable gzip stream: ${describe(err)}` },
      ];
    }
    return decodeText(inflated.toString('utf8'));
  }
  return decodeText(Buffer.from(bytes).toString('utf8'));
};

const lineColumn = (text: string, message: string): string => {
  const pos = /position (\d+)/.exec(message);
  if (!pos) return '';
  const offset = Number(pos[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
};

const jsonError = (message: string): string =>
  `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)$/, '')}`;

/** Decodes text: one JSON document, or JSON lines (one document per line). */
export const decodeText = (text: string): DecodedItem[] => {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return [{ kind: 'rejected', position: '', message: 'empty input' }];
  try {
    return decodeValue(JSON.parse(trimmed));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // JSON lines: every line starts a document. Pretty-printed JSON has indented lines, so it never
    // qualifies, and a truncated line in JSON lines costs only that line.
    const lines = trimmed.split(/\r?\n/);
    const jsonLines = lines.length > 1 && lines.every((l) => l.trim() === '' || /^[{[]/.test(l.trimStart()));
    if (!jsonLines) {
      return [
        { kind: 'rejected', position: lineColumn(trimmed, err.message), message: jsonError(err.message) },
      ];
    }
    return lines.flatMap((line, i) => {
      if (line.trim() === '') return [];
      const position = `line ${i + 1}`;
      try {
        return decodeValue(JSON.parse(line), position);
      } catch (lineErr) {
        return [{ kind: 'rejected' as const, position, message: jsonError(describe(lineErr)) }];
      }
    });
  }
};

const fromRecord = (value: unknown, position: string): DecodedItem => {
  if (!looksLikeCloudTrailRecord(value)) {
    return { kind: 'rejected', position, message: 'not a CloudTrail record (no eventSource)' };
  }
  if (!isSignInRecord(value)) {
    return { kind: 'skipped', position, reason: `not a sign-in event (${String(value.eventSource)})` };
  }
  try {
    return { kind: 'signin', position, signIn: normalizeSignIn(value) };
  } catch (err) {
    return { kind: 'rejected', position, message: describe(err) };
  }
};

const fromAlarm = (message: unknown, position: string, sns?: Obj): DecodedItem => {
  try {
    const context = sns
      ? {
          messageId: typeof sns.MessageId === 'string' ? sns.MessageId : undefined,
          topicArn: typeof sns.TopicArn === 'string' ? sns.TopicArn : undefined,
        }
      : {};
    return { kind: 'alarm', position, alarm: normalizeAlarm(message, context) };
  } catch (err) {
    return { kind: 'rejected', position, message: describe(err) };
  }
};

const fromSnsRecord = (record: Obj, position: string): DecodedItem => {
  const sns = isObject(record.Sns) ? record.Sns : undefined;
  if (!sns || typeof sns.Message !== 'string') {
    return { kind: 'rejected', position, message: 'SNS record without a Message' };
  }
  let message: unknown;
  try {
    message = JSON.parse(sns.Message);
  } catch (err) {
    return { kind: 'rejected', position, message: `SNS Message is not JSON: ${describe(err)}` };
  }
  if (looksLikeAlarmMessage(message)) return fromAlarm(message, position, sns);
  if (looksLikeCloudTrailRecord(message)) return fromRecord(message, position);
  return { kind: 'rejected', position, message: 'SNS Message is neither an alarm notification nor a record' };
};

/** Decodes the CloudWatch Logs subscription payload once it is unpacked (SIGNIN-FACTS.md §6). */
const fromLogsMessage = (value: Obj, position: string): DecodedItem[] => {
  if (value.messageType === 'CONTROL_MESSAGE') {
    return [{ kind: 'skipped', position, reason: 'CloudWatch Logs control message' }];
  }
  if (!Array.isArray(value.logEvents)) {
    return [{ kind: 'rejected', position, message: 'subscription message without logEvents' }];
  }
  return value.logEvents.map((event, i) => {
    const where = at(position, `logEvents[${i}]`);
    const message = isObject(event) ? event.message : undefined;
    if (typeof message !== 'string')
      return { kind: 'rejected', position: where, message: 'log event without a message' };
    try {
      return fromRecord(JSON.parse(message), where);
    } catch (err) {
      return {
        kind: 'rejected',
        position: where,
        message: `log event is not a JSON record: ${describe(err)}`,
      };
    }
  });
};

const fromAwsLogs = (awslogs: unknown, position: string): DecodedItem[] => {
  const data = isObject(awslogs) ? awslogs.data : undefined;
  if (typeof data !== 'string') return [{ kind: 'rejected', position, message: 'awslogs without data' }];
  let decoded: unknown;
  try {
    decoded = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  } catch (err) {
    return [
      {
        kind: 'rejected',
        position: at(position, 'awslogs.data'),
        message: `not base64 gzip JSON: ${describe(err)}`,
      },
    ];
  }
  if (!isObject(decoded)) return [{ kind: 'rejected', position, message: 'awslogs data is not an object' }];
  return fromLogsMessage(decoded, position);
};

/** Decodes an already-parsed JSON value (a Lambda event, a file's content, one JSON line). */
const MAX_ARRAY_NESTING = 4;

export const decodeValue = (value: unknown, position = '', depth = 0): DecodedItem[] => {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_NESTING)
      return [{ kind: 'rejected', position, message: 'arrays nested too deep' }];
    return value.flatMap((v, i) => decodeValue(v, `${position}[${i}]`, depth + 1));
  }
  if (!isObject(value)) return [{ kind: 'rejected', position, message: 'expected a JSON object' }];
  if ('awslogs' in value) return fromAwsLogs(value.awslogs, position);
  if ('logEvents' in value && 'messageType' in value) return fromLogsMessage(value, position);
  if (Array.isArray(value.Records)) {
    return value.Records.map((record, i) => {
      const where = at(position, `Records[${i}]`);
      if (isObject(record) && (record.EventSource === 'aws:sns' || isObject(record.Sns))) {
        return fromSnsRecord(record, where);
      }
      return fromRecord(record, where);
    });
  }
  if (Array.isArray(value.Events)) {
    return value.Events.map((event, i) => {
      const where = at(position, `Events[${i}]`);
      const text = isObject(event) ? event.CloudTrailEvent : undefined;
      if (typeof text !== 'string')
        return { kind: 'rejected', position: where, message: 'event without CloudTrailEvent' };
      try {
        return fromRecord(JSON.parse(text), where);
      } catch (err) {
        return {
          kind: 'rejected',
          position: where,
          message: `CloudTrailEvent is not JSON: ${describe(err)}`,
        };
      }
    });
  }
  if (looksLikeAlarmMessage(value)) return [fromAlarm(value, position)];
  if (typeof value['detail-type'] === 'string' && isObject(value.detail))
    return [fromRecord(value.detail, position)];
  if (looksLikeCloudTrailRecord(value)) return [fromRecord(value, position)];
  return [
    {
      kind: 'rejected',
      position,
      message: 'unrecognised input: not a CloudTrail record, log file, subscription or SNS event',
    },
  ];
};
