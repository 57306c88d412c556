// Every input shape the bot accepts, detected automatically, down to sign-ins, tamper records and alarm
// notifications: CloudWatch Logs subscription events (base64 + gzip), CloudTrail log files
// ({"Records":[…]}, .json or .json.gz), JSON lines or concatenated JSON (`jq '.Records[]'`), a single
// record, LookupEvents output, SNS events carrying alarm notifications, bare alarm messages and
// EventBridge "AWS Console Sign In" events. One bad piece never hides the rest.
import { looksLikeAlarmMessage, normalizeAlarm } from './alarm-notification';
import { looksLikeCloudTrailRecord } from './cloudtrail-record';
import { parseJson, printable, readJsonStream, type StreamEntry } from './json-values';
import { isSignInRecord, normalizeSignIn } from './normalize-sign-in';
import {
  bytesToText,
  FILE_INFLATE_LIMIT,
  InputTooLargeError,
  inflate,
  isGzip,
  SUBSCRIPTION_INFLATE_LIMIT,
} from './raw-input';
import type { AlarmNotification, SignIn } from './sign-in';
import { isTrailChangeRecord, normalizeTrailChange, type TrailChange } from './trail-change';

export { FILE_INFLATE_LIMIT, InputTooLargeError, SUBSCRIPTION_INFLATE_LIMIT } from './raw-input';

export type DecodedItem =
  | { readonly kind: 'signin'; readonly position: string; readonly signIn: SignIn }
  | { readonly kind: 'trail-change'; readonly position: string; readonly change: TrailChange }
  | { readonly kind: 'alarm'; readonly position: string; readonly alarm: AlarmNotification }
  | { readonly kind: 'rejected'; readonly position: string; readonly message: string }
  | { readonly kind: 'skipped'; readonly position: string; readonly reason: string };

export interface DecodeOptions {
  /** Most bytes one gzip input may inflate to (a file, stdin). */
  readonly maxInflatedBytes?: number;
  /** Most bytes one subscription payload (awslogs.data) may inflate to. */
  readonly maxSubscriptionBytes?: number;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (base: string, part: string): string => (base ? `${base}.${part}` : part);
const describe = (err: unknown): string => printable(err instanceof Error ? err.message : String(err));
const rejected = (position: string, message: string): DecodedItem => ({
  kind: 'rejected',
  position,
  message,
});

interface Context {
  readonly maxSubscriptionBytes: number;
}

/** The one parse-or-reject step for JSON found inside an input (SNS Message, log event, CloudTrailEvent). */
const parseOrReject = (
  text: string,
  position: string,
  what: string,
  then: (value: unknown) => DecodedItem[],
): DecodedItem[] => {
  const parsed = parseJson(text);
  return parsed.ok ? then(parsed.value) : [rejected(position, `${what}: ${parsed.reason}`)];
};

/**
 * Decodes raw bytes (a file, stdin, a Lambda payload) of any supported shape. Binary, UTF-16 and
 * unreadable gzip input is one rejection; gzip inflating past the limit throws InputTooLargeError.
 */
export const decodeBytes = (bytes: Uint8Array, options: DecodeOptions = {}): DecodedItem[] => {
  let data: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      data = inflate(bytes, options.maxInflatedBytes ?? FILE_INFLATE_LIMIT);
    } catch (err) {
      if (err instanceof InputTooLargeError) throw err;
      return [rejected('gzip', `not a readable gzip stream: ${describe(err)}`)];
    }
  }
  const text = bytesToText(data);
  return 'problem' in text ? [rejected('', text.problem)] : decodeText(text.text, options);
};

// A value is placed by its line (and column when another value started on that line); an error by
// its line and column when the parser told where, else by the line where the bad value starts.
const streamPosition = (entry: StreamEntry, sameLine: boolean): string =>
  (entry.ok ? sameLine : entry.exact) ? `line ${entry.line} column ${entry.column}` : `line ${entry.line}`;

/**
 * Decodes text: one JSON document, or a stream of them (JSON lines, pretty-printed values one after
 * another). Each value of a stream is placed by its line; a bad one is rejected with its line (and
 * column when known) and the values around it are kept.
 */
export const decodeText = (text: string, options: DecodeOptions = {}): DecodedItem[] => {
  const ctx: Context = { maxSubscriptionBytes: options.maxSubscriptionBytes ?? SUBSCRIPTION_INFLATE_LIMIT };
  const trimmed = text.replace(/^\uFEFF/, '');
  if (trimmed.trim() === '') return [rejected('', 'empty input')];
  const entries = readJsonStream(trimmed);
  const single = entries.length === 1;
  let lastLine = 0;
  return entries.flatMap((entry) => {
    const sameLine = entry.line === lastLine;
    lastLine = entry.line;
    const position = single && entry.ok ? '' : streamPosition(entry, sameLine);
    return entry.ok
      ? valueItems(entry.value, ctx, position, 0)
      : [rejected(position, `invalid JSON: ${entry.reason}`)];
  });
};

/**
 * How a batch reached the bot: a CloudWatch Logs subscription, an EventBridge rule (the fast path), SNS, or a
 * file/stream the CLI read. The card says which path delivered a sign-in first.
 */
export type DeliveryPath = 'eventbridge' | 'logs' | 'sns' | 'file';

/**
 * The AWS path a Lambda event came through, read from its envelope alone (nothing is decoded); undefined for
 * anything else (a bare record invoked by hand, a redriven dead-letter message of unknown origin).
 */
export const deliveryPathOf = (event: unknown): DeliveryPath | undefined => {
  if (!isObject(event)) return undefined;
  if ('awslogs' in event) return 'logs';
  if (typeof event['detail-type'] === 'string' && isObject(event.detail)) return 'eventbridge';
  const [first] = Array.isArray(event.Records) ? event.Records : [];
  if (isObject(first) && (first.EventSource === 'aws:sns' || isObject(first.Sns))) return 'sns';
  return undefined;
};

/** Decodes an already-parsed JSON value (a Lambda event, a file's content). */
export const decodeValue = (value: unknown, options: DecodeOptions = {}): DecodedItem[] =>
  valueItems(
    value,
    { maxSubscriptionBytes: options.maxSubscriptionBytes ?? SUBSCRIPTION_INFLATE_LIMIT },
    '',
    0,
  );

const fromRecord = (value: unknown, position: string): DecodedItem => {
  if (!looksLikeCloudTrailRecord(value)) {
    return rejected(position, 'not a CloudTrail record (no eventSource)');
  }
  try {
    if (isSignInRecord(value)) return { kind: 'signin', position, signIn: normalizeSignIn(value) };
    if (isTrailChangeRecord(value))
      return { kind: 'trail-change', position, change: normalizeTrailChange(value) };
  } catch (err) {
    return rejected(position, describe(err));
  }
  return {
    kind: 'skipped',
    position,
    reason: `not a sign-in event (${printable(String(value.eventSource))})`,
  };
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
    return rejected(position, describe(err));
  }
};

const fromSnsRecord = (record: Obj, position: string): DecodedItem[] => {
  const sns = isObject(record.Sns) ? record.Sns : undefined;
  if (!sns || typeof sns.Message !== 'string') return [rejected(position, 'SNS record without a Message')];
  return parseOrReject(sns.Message, position, 'SNS Message is not JSON', (message) => {
    if (looksLikeAlarmMessage(message)) return [fromAlarm(message, position, sns)];
    if (looksLikeCloudTrailRecord(message)) return [fromRecord(message, position)];
    return [rejected(position, 'SNS Message is neither an alarm notification nor a record')];
  });
};

/** Decodes the CloudWatch Logs subscription payload once it is unpacked (SIGNIN-FACTS.md §6). */
const fromLogsMessage = (value: Obj, position: string): DecodedItem[] => {
  if (value.messageType === 'CONTROL_MESSAGE') {
    return [{ kind: 'skipped', position, reason: 'CloudWatch Logs control message' }];
  }
  if (!Array.isArray(value.logEvents)) return [rejected(position, 'subscription message without logEvents')];
  return value.logEvents.flatMap((event, i) => {
    const where = at(position, `logEvents[${i}]`);
    const message = isObject(event) ? event.message : undefined;
    if (typeof message !== 'string') return [rejected(where, 'log event without a message')];
    return parseOrReject(message, where, 'log event is not a JSON record', (record) => [
      fromRecord(record, where),
    ]);
  });
};

/** base64 → gzip → JSON, capped: one oversized or broken payload is rejected, the batch goes on. */
const fromAwsLogs = (awslogs: unknown, ctx: Context, position: string): DecodedItem[] => {
  const data = isObject(awslogs) ? awslogs.data : undefined;
  if (typeof data !== 'string') return [rejected(position, 'awslogs without data')];
  const where = at(position, 'awslogs.data');
  let text: string;
  try {
    const inflated = bytesToText(inflate(Buffer.from(data, 'base64'), ctx.maxSubscriptionBytes));
    if ('problem' in inflated) return [rejected(where, inflated.problem)];
    text = inflated.text;
  } catch (err) {
    if (err instanceof InputTooLargeError) return [rejected(where, `subscription payload ${err.message}`)];
    return [rejected(where, `not base64 gzip JSON: ${describe(err)}`)];
  }
  return parseOrReject(text, where, 'not base64 gzip JSON', (decoded) =>
    isObject(decoded)
      ? fromLogsMessage(decoded, position)
      : [rejected(position, 'awslogs data is not an object')],
  );
};

const fromLookupEvents = (events: readonly unknown[], position: string): DecodedItem[] =>
  events.flatMap((event, i) => {
    const where = at(position, `Events[${i}]`);
    const text = isObject(event) ? event.CloudTrailEvent : undefined;
    if (typeof text !== 'string') return [rejected(where, 'event without CloudTrailEvent')];
    return parseOrReject(text, where, 'CloudTrailEvent is not JSON', (record) => [fromRecord(record, where)]);
  });

const MAX_ARRAY_NESTING = 4;

const valueItems = (value: unknown, ctx: Context, position: string, depth: number): DecodedItem[] => {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_NESTING) return [rejected(position, 'arrays nested too deep')];
    return value.flatMap((v, i) => valueItems(v, ctx, `${position}[${i}]`, depth + 1));
  }
  if (!isObject(value)) return [rejected(position, 'expected a JSON object')];
  if ('awslogs' in value) return fromAwsLogs(value.awslogs, ctx, position);
  if ('logEvents' in value && 'messageType' in value) return fromLogsMessage(value, position);
  if (Array.isArray(value.Records)) {
    return value.Records.flatMap((record, i) => {
      const where = at(position, `Records[${i}]`);
      if (isObject(record) && (record.EventSource === 'aws:sns' || isObject(record.Sns))) {
        return fromSnsRecord(record, where);
      }
      return [fromRecord(record, where)];
    });
  }
  if (Array.isArray(value.Events)) return fromLookupEvents(value.Events, position);
  if (looksLikeAlarmMessage(value)) return [fromAlarm(value, position)];
  if (typeof value['detail-type'] === 'string' && isObject(value.detail))
    return [fromRecord(value.detail, position)];
  if (looksLikeCloudTrailRecord(value)) return [fromRecord(value, position)];
  return [
    rejected(position, 'unrecognised input: not a CloudTrail record, log file, subscription or SNS event'),
  ];
};
