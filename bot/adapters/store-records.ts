// What the store writes and reads back: values are clipped to fit DynamoDB's limits on the way in (400 KB an
// item, 2048 bytes a partition key, 1024 bytes a sort key) and validated on the way out, never cast.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES } from '../../shared/severity';
import { type ClassifiedSignIn, IDENTITY_TYPES } from '../core/sign-in';
import { type AlertRecord, DELIVERY_STATUSES, RESPONSE_STATES } from '../ports';

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

export const clipSignIn = (signIn: ClassifiedSignIn): ClassifiedSignIn =>
  Object.fromEntries(
    Object.entries(signIn).map(([k, v]) => [k, typeof v === 'string' ? clipString(v, MAX_STORED_STRING) : v]),
  ) as unknown as ClassifiedSignIn;

const text = z.string().nullable();

export const storedSignInSchema = z.object({
  eventId: z.string(),
  eventIdDerived: z.boolean(),
  eventName: z.string(),
  time: text,
  outcome: z.enum(['success', 'failure']).nullable(),
  failureReason: text,
  errorCode: text,
  identityType: z.enum(IDENTITY_TYPES),
  rawIdentityType: text,
  principal: z.string(),
  arn: text,
  federation: z.enum(['identity-center', 'saml', 'switch-role', 'federation']).nullable(),
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

// Verified by the zod schema; the Block type is narrower than what zod checks at the top level.
export const readAlert = (item: Record<string, unknown>): AlertRecord =>
  parseWith(storedAlertSchema, 'alert', item) as unknown as AlertRecord;

export const readSignIn = (item: Record<string, unknown>): ClassifiedSignIn =>
  parseWith(storedSignInSchema, 'sign-in', item);
