// Every input shape the bot accepts, detected automatically, down to sign-ins, tamper records and alarm
// notifications: CloudWatch Logs subscription events (base64 + gzip), CloudTrail log files
// ({"Records":[…]}, .json or .json.gz), JSON lines or concatenated JSON (`jq '.Records[]'`), a single
// record, LookupEvents output, SNS events carrying alarm notifications, bare alarm messages and
// EventBridge "AWS Console Sign In" events. One bad piece never hides the rest. Files and stdin can be decoded
// as they arrive (StreamDecoder), in memory bounded by one record, not by the input.
import { looksLikeAlarmMessage, normalizeAlarm } from './alarm-notification';
import { looksLikeCloudTrailRecord } from './cloudtrail-record';
import {
  type ContainerKind,
  type JsonParse,
  JsonStreamReader,
  parseJson,
  printable,
  type StreamEntry,
  type StreamEvent,
} from './json-values';
import { isSignInRecord, normalizeSignIn } from './normalize-sign-in';
import {
  bytesToText,
  FILE_INFLATE_LIMIT,
  InputTooLargeError,
  inflate,
  isGzip,
  SNIFF_LENGTH,
  SUBSCRIPTION_INFLATE_LIMIT,
  textProblem,
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
  const placed = new PlacedItems(contextOf(options));
  return [...placed.take(new JsonStreamReader().end(text.replace(/^\uFEFF/, ''))), ...placed.end()];
};

/**
 * Decodes bytes that arrive in pieces (a file or stdin read as a stream) as decodeBytes decodes them whole,
 * holding one record at a time. Gzip is the caller's to inflate. Binary or UTF-16 input is one rejection,
 * given by `end()`; `refused` says so as soon as the first bytes show it, so the rest need not be read.
 */
export class StreamDecoder {
  /** The first bytes, until there are enough to tell text from binary; null from then on. */
  private head: Uint8Array[] | null = [];
  private headLength = 0;
  private problem: string | undefined;
  private started = false;
  private readonly utf8 = new TextDecoder();
  private readonly reader = new JsonStreamReader();
  private readonly placed: PlacedItems;

  constructor(options: DecodeOptions = {}) {
    this.placed = new PlacedItems(contextOf(options));
  }

  get refused(): boolean {
    return this.problem !== undefined;
  }

  write(bytes: Uint8Array): DecodedItem[] {
    if (this.problem !== undefined) return [];
    if (this.head) {
      this.head.push(bytes);
      this.headLength += bytes.length;
      if (this.headLength < SNIFF_LENGTH) return [];
      return this.placed.take(this.reader.push(this.textOfHead()));
    }
    return this.placed.take(this.reader.push(this.textOf(bytes)));
  }

  end(): DecodedItem[] {
    const text = this.head ? this.textOfHead() : '';
    if (this.problem !== undefined) return [rejected('', this.problem)];
    return [...this.placed.take(this.reader.end(text + this.utf8.decode())), ...this.placed.end()];
  }

  private textOfHead(): string {
    const head = Buffer.concat(this.head ?? []);
    this.head = null;
    this.problem = textProblem(head);
    return this.problem === undefined ? this.textOf(head) : '';
  }

  private textOf(bytes: Uint8Array): string {
    const text = this.utf8.decode(bytes, { stream: true });
    if (this.started) return text;
    this.started = text !== '';
    return text.replace(/^\uFEFF/, '');
  }
}

const contextOf = (options: DecodeOptions): Context => ({
  maxSubscriptionBytes: options.maxSubscriptionBytes ?? SUBSCRIPTION_INFLATE_LIMIT,
});

/**
 * The reader's values and elements as items, each placed: by line (and column when another value started on
 * that line) in a stream, nowhere for a lone good document, by index inside a log file.
 */
class PlacedItems {
  private first: { entry: StreamEntry } | null = null;
  private seen = 0;
  private lastLine = 0;
  private container: { kind: ContainerKind; base: string } | null = null;

  constructor(private readonly ctx: Context) {}

  take(events: readonly StreamEvent[]): DecodedItem[] {
    const out: DecodedItem[] = [];
    for (const event of events) {
      if (event.type === 'element') out.push(...this.element(event.index, event.parsed));
      else if (event.type === 'cut')
        out.push(rejected(this.placeIn(event.index), `invalid JSON: ${event.reason}`));
      else {
        // A second value: the first is not alone, so it is placed by its line.
        out.push(...this.release(false));
        this.seen += 1;
        const { line } = event.type === 'open' ? event : event.entry;
        const sameLine = line === this.lastLine;
        this.lastLine = line;
        this.container = null;
        if (event.type === 'open') {
          const base = event.first ? '' : sameLine ? `line ${line} column ${event.column}` : `line ${line}`;
          this.container = { kind: event.container, base };
        } else if (this.seen === 1) this.first = { entry: event.entry };
        else out.push(...this.entryItems(event.entry, streamPosition(event.entry, sameLine)));
      }
    }
    return out;
  }

  end(): DecodedItem[] {
    if (this.seen === 0) return [rejected('', 'empty input')];
    return this.release(this.seen === 1);
  }

  private release(alone: boolean): DecodedItem[] {
    const held = this.first?.entry;
    this.first = null;
    if (!held) return [];
    return this.entryItems(held, alone && held.ok ? '' : streamPosition(held, false));
  }

  private entryItems(entry: StreamEntry, position: string): DecodedItem[] {
    return entry.ok
      ? valueItems(entry.value, this.ctx, position, 0)
      : [rejected(position, `invalid JSON: ${entry.reason}`)];
  }

  private placeIn(index: number | null): string {
    const { kind, base } = this.container ?? { kind: 'array', base: '' };
    if (index === null) return at(base, kind);
    return kind === 'array' ? `${base}[${index}]` : at(base, `${kind}[${index}]`);
  }

  private element(index: number, parsed: JsonParse): DecodedItem[] {
    const where = this.placeIn(index);
    if (!parsed.ok) return [rejected(where, `invalid JSON: ${parsed.reason}`)];
    switch (this.container?.kind) {
      case 'Records':
        return fromRecordsElement(parsed.value, where);
      case 'Events':
        return fromLookupEvent(parsed.value, where);
      default:
        return valueItems(parsed.value, this.ctx, where, 1);
    }
  }
}

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
  valueItems(value, contextOf(options), '', 0);

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

const fromLookupEvent = (event: unknown, where: string): DecodedItem[] => {
  const text = isObject(event) ? event.CloudTrailEvent : undefined;
  if (typeof text !== 'string') return [rejected(where, 'event without CloudTrailEvent')];
  return parseOrReject(text, where, 'CloudTrailEvent is not JSON', (record) => [fromRecord(record, where)]);
};

const fromRecordsElement = (record: unknown, where: string): DecodedItem[] =>
  isObject(record) && (record.EventSource === 'aws:sns' || isObject(record.Sns))
    ? fromSnsRecord(record, where)
    : [fromRecord(record, where)];

const MAX_ARRAY_NESTING = 4;

const valueItems = (value: unknown, ctx: Context, position: string, depth: number): DecodedItem[] => {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_NESTING) return [rejected(position, 'arrays nested too deep')];
    return value.flatMap((v, i) => valueItems(v, ctx, `${position}[${i}]`, depth + 1));
  }
  if (!isObject(value)) return [rejected(position, 'expected a JSON object')];
  if ('awslogs' in value) return fromAwsLogs(value.awslogs, ctx, position);
  if ('logEvents' in value && 'messageType' in value) return fromLogsMessage(value, position);
  if (Array.isArray(value.Records))
    return value.Records.flatMap((record, i) => fromRecordsElement(record, at(position, `Records[${i}]`)));
  if (Array.isArray(value.Events))
    return value.Events.flatMap((event, i) => fromLookupEvent(event, at(position, `Events[${i}]`)));
  if (looksLikeAlarmMessage(value)) return [fromAlarm(value, position)];
  if (typeof value['detail-type'] === 'string' && isObject(value.detail))
    return [fromRecord(value.detail, position)];
  if (looksLikeCloudTrailRecord(value)) return [fromRecord(value, position)];
  return [
    rejected(position, 'unrecognised input: not a CloudTrail record, log file, subscription or SNS event'),
  ];
};
