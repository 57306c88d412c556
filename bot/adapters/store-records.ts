// What the store writes and reads back: values are clipped to fit DynamoDB's limits on the way in (400 KB an
// item, 2048 bytes a partition key, 1024 bytes a sort key) and validated on the way out, never cast.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SEVERITIES } from '../../shared/severity';
import { PENDING_INDEX, TABLE_INDEXES, TABLE_KEYS } from '../../shared/table-schema';
import type { RecentSuccess } from '../core/baseline-types';
import { SPECIAL_ADDRESS_LABELS } from '../core/geo';
import type { FirstSeenFlag, FirstSeenWhat } from '../core/query';
import { emptyTally, type Tally, type UserTally } from '../core/rollup';
import { type ClassifiedSignIn, IDENTITY_TYPES, type IdentityType } from '../core/sign-in';
import { MATCHER_FIELDS, type Silence } from '../core/silence-types';
import {
  type AlertRecord,
  type BurstState,
  DELIVERY_STATUSES,
  type NewAlert,
  RESPONSE_STATES,
} from '../ports';

/** Longest stored string value; a 1 MB user agent is kept as its first 2,048 characters. */
export const MAX_STORED_STRING = 2048;
/** Ids longer than this are hashed where they form a key. */
const MAX_KEY_ID = 200;

/** Clips by code point, so that no surrogate pair is cut in half. */
export const clipString = (value: string, max: number): string => {
  if (value.length <= max) return value;
  const end = /[\ud800-\udbff]/.test(value.charAt(max - 2)) ? max - 2 : max - 1;
  return `${value.slice(0, end)}…`;
};

/** An id usable inside a key: itself when short, else a hash that stays unique. */
export const keyId = (id: string): string =>
  id.length <= MAX_KEY_ID ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;

/**
 * Eight characters (48 bits) of a value's hash, for attribute names inside a rollup or a baseline: fixed
 * length whatever an attacker typed, and no collision in practice among the few thousand names of one item.
 */
export const shortId = (value: string): string =>
  createHash('sha256').update(value).digest('base64url').slice(0, 8);

export const signInKey = (eventId: string) => ({
  [TABLE_KEYS.partitionKey]: `SIGNIN#${keyId(eventId)}`,
  [TABLE_KEYS.sortKey]: 'SIGNIN',
});
export const alertKey = (alertId: string) => ({
  [TABLE_KEYS.partitionKey]: `ALERT#${keyId(alertId)}`,
  [TABLE_KEYS.sortKey]: 'ALERT',
});
/** Undelivered alerts, one partition per severity: the sweeper serves critical before medium, then by age. */
export const pendingPartition = (severity: (typeof SEVERITIES)[number]): string =>
  `PENDING#${SEVERITIES.indexOf(severity)}-${severity}`;
/**
 * Posted alerts with responder work to come (a reminder, a timeout, a page or a redraw to retry), by due time.
 * The same sparse index as undelivered alerts: an alert is in one partition or the other, never both.
 */
export const TIMER_PARTITION = 'RESPONSE#due';

/** A new alert as stored: pending and due now, in its severity's partition of the due index. */
export const newAlertItem = (alert: NewAlert, now: Date): Record<string, unknown> => {
  const nowIso = now.toISOString();
  const record: AlertRecord = {
    ...alert,
    status: 'pending',
    attempts: 0,
    dueAt: nowIso,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  return {
    ...alertKey(alert.alertId),
    ...record,
    [PENDING_INDEX.partitionKey]: pendingPartition(alert.severity),
    [PENDING_INDEX.sortKey]: nowIso,
    // No expiry while undelivered: an alert is never deleted before it reached Slack or people.
  };
};

/** The byTime index's partition of a time: its UTC day. */
export const byTimePartition = (iso: string): string => `DAY#${iso.slice(0, 10)}`;

/** Keys, index keys and bookkeeping: not part of the record the caller stored. */
const INTERNAL = new Set<string>([
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  TABLE_KEYS.ttlAttribute,
  ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
  'receivedAt',
  'responseVersion',
  'silencedBy',
]);
export const strip = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k)));

/**
 * A sign-in as stored: long values clipped, and empty (null) ones left out, which reads back as null. A
 * third of a sign-in's fields are usually empty: the store writes 100,000 a day, and each costs its size.
 */
export const clipSignIn = (signIn: ClassifiedSignIn): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(signIn)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, typeof v === 'string' ? clipString(v, MAX_STORED_STRING) : v]),
  );

/** Absent (left out when empty) reads as null. */
const text = z.string().nullable().default(null);

const nullableText = z.string().nullable().catch(null);
const placeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('public'),
    ip: z.string(),
    geo: z.object({
      country: nullableText,
      asn: z.number().int().nullable().catch(null),
      network: nullableText,
    }),
  }),
  z.object({ kind: z.literal('special'), label: z.enum(SPECIAL_ADDRESS_LABELS) }),
  z.object({ kind: z.literal('none') }),
]);

export const storedSignInSchema = z.object({
  eventId: z.string(),
  eventIdDerived: z.boolean(),
  eventName: z.string(),
  time: text,
  outcome: z.enum(['success', 'failure']).nullable().default(null),
  failureReason: text,
  errorCode: text,
  identityType: z.enum(IDENTITY_TYPES),
  rawIdentityType: text,
  principal: z.string(),
  arn: text,
  federation: z.enum(['identity-center', 'saml', 'switch-role', 'federation']).nullable().default(null),
  roleName: text,
  sessionName: text,
  accountId: text,
  identityAccountId: text,
  sourceIp: text,
  region: text,
  userAgent: text,
  mfa: z.enum(['yes', 'no', 'idp', 'unknown']),
  mfaDevice: text,
  loginTo: text,
  switchFrom: text,
  credentialType: text,
  severity: z.enum(SEVERITIES),
  // Where the address was when the sign-in arrived. A place this code cannot read is dropped, not the sign-in:
  // it is looked up again from the address.
  place: placeSchema.optional().catch(undefined),
});

// Blocks are our own rendering, written by this code: checked for shape at the top level only.
const messageSchema = z.object({ text: z.string(), blocks: z.array(z.looseObject({ type: z.string() })) });

const actorAt = z.object({ by: z.string(), at: z.string() });
const posted = z.object({ channel: z.string(), ts: z.string() });

export const storedResponseSchema = z.object({
  state: z.enum(RESPONSE_STATES),
  version: z.number().int().positive(),
  drawnVersion: z.number().int().nonnegative(),
  postedAt: z.string(),
  acknowledged: actorAt.optional(),
  escalated: actorAt.extend({ reason: z.string() }).optional(),
  confirmed: actorAt.optional(),
  denied: actorAt.extend({ note: z.string().optional() }).optional(),
  resolved: actorAt.optional(),
  ask: z
    .object({
      status: z.enum(['requested', 'asked', 'not-asked', 'answered']),
      requestedBy: z.string(),
      requestedAt: z.string(),
      user: z.string().optional(),
      dm: posted.optional(),
      askedAt: z.string().optional(),
      reason: z.string().optional(),
      remindedAt: z.string().optional(),
      answer: z.enum(['yes', 'no']).optional(),
      answeredAt: z.string().optional(),
      note: z.string().optional(),
    })
    .optional(),
  page: z
    .object({
      status: z.enum(['due', 'sending', 'sent']),
      until: z.string().optional(),
      sentAt: z.string().optional(),
      attempts: z.number().int().nonnegative(),
      lastError: z.string().optional(),
    })
    .optional(),
  ackRemindedAt: z.string().optional(),
  subject: z.object({ user: z.string().optional(), reason: z.string().optional() }).optional(),
  events: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      note: z.string().optional(),
      requestKey: z.string().optional(),
    }),
  ),
});

export const storedAlertSchema = z.object({
  alertId: z.string(),
  kind: z.enum(['signin', 'alarm', 'change', 'health']),
  subjectId: z.string(),
  severity: z.enum(SEVERITIES),
  channel: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  message: messageSchema,
  attempts: z.number().int().nonnegative(),
  dueAt: z.string(),
  leaseId: z.string().optional(),
  firstAttemptAt: z.string().optional(),
  lastOutcome: z.enum(['not-sent', 'unknown']).optional(),
  ts: z.string().optional(),
  lastError: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  response: storedResponseSchema.optional(),
});

/** The few fields the sweeper reads from the pending index. */
export const dueAlertSchema = z.object({
  alertId: z.string(),
  severity: z.enum(SEVERITIES),
  dueAt: z.string(),
});

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

const parseWith = <T>(schema: z.ZodType<T>, what: string, item: Record<string, unknown>): T => {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptRecordError(
      `stored ${what} ${String(item.pk)} is malformed: ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  return parsed.data;
};

/**
 * A burst card's counters, top-level attributes of its alert: DynamoDB's ADD works on top-level numbers and
 * sets only, and an ADD is what keeps two workers counting one group from losing each other's counts.
 */
export const BURST_ATTRS = {
  key: 'burstKey',
  count: 'burstCount',
  failures: 'burstFailures',
  first: 'burstFirst',
  last: 'burstLast',
  users: 'burstUsers',
  ips: 'burstIps',
  drawn: 'burstDrawn',
  redrawAt: 'burstRedrawAt',
} as const;

const counter = z.number().int().nonnegative();

const burstSchema = z.object({
  [BURST_ATTRS.key]: z.string(),
  [BURST_ATTRS.count]: counter,
  [BURST_ATTRS.failures]: counter.default(0),
  [BURST_ATTRS.first]: z.string(),
  [BURST_ATTRS.last]: z.string(),
  [BURST_ATTRS.users]: z.set(z.string()).default(new Set()),
  [BURST_ATTRS.ips]: z.set(z.string()).default(new Set()),
  [BURST_ATTRS.drawn]: counter.default(0),
  [BURST_ATTRS.redrawAt]: z.string().optional(),
});

/** The burst on an alert item, or undefined when it is a card of one sign-in. */
const readBurst = (item: Record<string, unknown>): BurstState | undefined => {
  if (item[BURST_ATTRS.key] === undefined) return undefined;
  const b = parseWith(burstSchema, 'burst', item);
  return {
    key: b.burstKey,
    count: b.burstCount,
    failures: b.burstFailures,
    first: b.burstFirst,
    last: b.burstLast,
    users: [...b.burstUsers].sort(),
    ips: [...b.burstIps].sort(),
    drawnCount: b.burstDrawn,
    ...(b.burstRedrawAt ? { redrawAt: b.burstRedrawAt } : {}),
  };
};

// Verified by the zod schema; the Block type is narrower than what zod checks at the top level.
export const readAlert = (item: Record<string, unknown>): AlertRecord => {
  const alert = parseWith(storedAlertSchema, 'alert', item) as unknown as AlertRecord;
  const burst = readBurst(item);
  return burst ? { ...alert, burst } : alert;
};

export const readSignIn = (item: Record<string, unknown>): ClassifiedSignIn =>
  parseWith(storedSignInSchema, 'sign-in', item);

const matcher = z.object({ field: z.enum(MATCHER_FIELDS), value: z.string() });

export const storedSilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(matcher),
  startsAt: z.string(),
  endsAt: z.string(),
  author: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  channel: z.string().nullable(),
  cancelled: actorAt.optional(),
  held: z.number().int().nonnegative(),
  alarms: z.array(z.string()),
  alarmsDisabledAt: z.string().optional(),
  alarmsEnabledAt: z.string().optional(),
  endAnnouncedAt: z.string().optional(),
});

/** Every kind of thing a baseline remembers: a Record, so that a kind added to the type must be added here. */
const WHATS: Record<FirstSeenWhat, true> = {
  ip: true,
  network: true,
  country: true,
  asn: true,
  browser: true,
  region: true,
};
const FIRST_SEEN_WHATS = Object.keys(WHATS) as [FirstSeenWhat, ...FirstSeenWhat[]];

const firstSeenSchema = z.object({
  eventId: z.string(),
  time: z.string(),
  principal: z.string(),
  what: z.enum(FIRST_SEEN_WHATS),
  value: z.string(),
});

export const readFirstSeen = (item: Record<string, unknown>): FirstSeenFlag =>
  parseWith(firstSeenSchema, 'first-seen flag', item);

export const readSilence = (item: Record<string, unknown>): Silence =>
  parseWith(storedSilenceSchema, 'silence', item);

/**
 * A rollup item's attributes. DynamoDB's ADD works on top-level attributes only, so each counter is one:
 * totals by short names; a person's as `u<id><field>` (id: `shortId` of the principalId); a source's as
 * `i<source><field>` (the address itself: at most 100 characters); a person-and-source count as
 * `p<person id><source>`.
 */
export const ROLLUP = {
  total: 'n',
  success: 'os',
  failure: 'of',
  other: 'oo',
  noMfa: 'm',
  silenced: 'sil',
  droppedUsers: 'xu',
  droppedSources: 'xi',
  /** Sets of the person ids and of the sources and pairs an item holds: their size is its cap. */
  userIds: 'zu',
  detailIds: 'zd',
} as const;
export const identityAttr = (type: IdentityType): string => `t${type}`;
/** n: sign-ins, f: failures, m: no MFA, l: newest-sign-in candidates (a set of `userMark`s). */
export const userAttr = (id: string, field: 'n' | 'f' | 'm' | 'l'): string => `u${id}${field}`;
/** n: sign-ins, f: failures. */
export const sourceAttr = (source: string, field: 'n' | 'f'): string => `i${source}${field}`;
export const pairAttr = (userId: string, source: string): string => `p${userId}${source}`;

/**
 * A person's newest-sign-in candidate in a rollup: their `lastMark` and who they are (the principalId), as
 * JSON. The mark starts with the time, so the greatest string is the newest.
 */
export const userMark = (mark: string, principal: string): string => JSON.stringify([mark, principal]);
const markSchema = z.tuple([z.string(), z.string()]);
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

const ID = '[A-Za-z0-9_-]{8}';
const USER_ATTR = new RegExp(`^u(${ID})([nfml])$`);
const SOURCE_ATTR = /^i(.+)([nf])$/s;
const PAIR_ATTR = new RegExp(`^p(${ID})(.+)$`, 's');

/** One rollup item read back; people by short id (their names are in their marks, maybe in another item). */
export interface RollupPart {
  readonly tally: Tally;
  readonly users: Map<string, { principal?: string; tally: UserTally }>;
  readonly pairs: Map<string, Map<string, number>>;
}

type TotalField =
  | 'total'
  | 'success'
  | 'failure'
  | 'other'
  | 'noMfa'
  | 'silenced'
  | 'droppedUsers'
  | 'droppedSources';
const TOTALS: Record<string, TotalField> = {
  [ROLLUP.total]: 'total',
  [ROLLUP.success]: 'success',
  [ROLLUP.failure]: 'failure',
  [ROLLUP.other]: 'other',
  [ROLLUP.noMfa]: 'noMfa',
  [ROLLUP.silenced]: 'silenced',
  [ROLLUP.droppedUsers]: 'droppedUsers',
  [ROLLUP.droppedSources]: 'droppedSources',
};
const IDENTITY_ATTRS = new Map(IDENTITY_TYPES.map((t) => [identityAttr(t), t]));

const count = z.number().int().nonnegative();
const stringSet = z.set(z.string());

/** Reads a rollup item, checking every attribute it understands (the id sets are bookkeeping). */
export const readRollup = (item: Record<string, unknown>): RollupPart => {
  const part: RollupPart = { tally: emptyTally(), users: new Map(), pairs: new Map() };
  const where = `rollup ${String(item[TABLE_KEYS.partitionKey])} ${String(item[TABLE_KEYS.sortKey])}`;
  const malformed = (name: string, what: string): never => {
    throw new CorruptRecordError(`stored ${where} is malformed: ${name} is not ${what}`);
  };
  const num = (name: string, v: unknown): number => {
    const parsed = count.safeParse(v);
    return parsed.success ? parsed.data : malformed(name, 'a count');
  };
  for (const [name, v] of Object.entries(strip(item))) {
    const total = TOTALS[name];
    const type = IDENTITY_ATTRS.get(name);
    const u = USER_ATTR.exec(name);
    const p = u ? null : PAIR_ATTR.exec(name);
    const i = u || p ? null : SOURCE_ATTR.exec(name);
    if (total) part.tally[total] += num(name, v);
    else if (type) part.tally.byIdentityType[type] = num(name, v);
    else if (u) {
      const [, id = '', field] = u;
      const user = part.users.get(id) ?? { tally: { signIns: 0, failures: 0, noMfa: 0, last: null } };
      if (field === 'n') user.tally.signIns = num(name, v);
      else if (field === 'f') user.tally.failures = num(name, v);
      else if (field === 'm') user.tally.noMfa = num(name, v);
      else {
        const marks = stringSet.safeParse(v);
        if (!marks.success) return malformed(name, 'a set');
        const newest = [...marks.data].reduce((a, b) => (b > a ? b : a), '');
        const parsed = markSchema.safeParse(parseJson(newest));
        if (!parsed.success) return malformed(name, 'a set of marks');
        [user.tally.last, user.principal] = parsed.data;
      }
      part.users.set(id, user);
    } else if (p) {
      const [, userId = '', source = ''] = p;
      const sources = part.pairs.get(userId) ?? new Map<string, number>();
      sources.set(source, num(name, v));
      part.pairs.set(userId, sources);
    } else if (i) {
      const [, source = '', field] = i;
      const tally = part.tally.sources.get(source) ?? { signIns: 0, failures: 0 };
      if (field === 'n') tally.signIns = num(name, v);
      else tally.failures = num(name, v);
      part.tally.sources.set(source, tally);
    }
  }
  return part;
};

/**
 * A person's baseline (account and user key): their sign-in count and since when, and per thing (IP, network,
 * browser family, region) how many sign-ins had it, first and last seen. Written whole, read whole.
 */
export interface RememberedUser {
  readonly count: number;
  readonly since: string | null;
  readonly last: string | null;
  /** The latest successful sign-in from each country (newest first, a few): for impossible travel. */
  readonly recent: readonly RecentSuccess[];
  /** By what, then by value: [sign-ins with it, first seen, last seen]. */
  readonly things: Readonly<Partial<Record<FirstSeenWhat, Readonly<Record<string, RememberedThing>>>>>;
}
export type RememberedThing = readonly [count: number, first: string, last: string];

const rememberedThing = z.tuple([count, z.string(), z.string()]);
const thingsSchema = z.partialRecord(z.enum(FIRST_SEEN_WHATS), z.record(z.string(), rememberedThing));
const baselineSchema = z.object({
  count,
  since: z.string().nullable(),
  last: z.string().nullable(),
  // Baselines written before impossible travel have none; one that cannot be read is started afresh.
  recent: z
    .array(z.object({ at: z.string(), country: z.string() }))
    .default([])
    .catch([]),
  things: z.string().transform((text, ctx) => {
    const parsed = thingsSchema.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: 'things is not a baseline' });
    return z.NEVER;
  }),
});

export const readBaseline = (item: Record<string, unknown>): RememberedUser =>
  parseWith(baselineSchema, 'baseline', item);

/** A baseline as stored (the things as one JSON attribute: nothing reads a part of it). */
export const baselineItem = (user: RememberedUser): Record<string, unknown> => ({
  count: user.count,
  since: user.since,
  last: user.last,
  recent: user.recent,
  things: JSON.stringify(user.things),
});
