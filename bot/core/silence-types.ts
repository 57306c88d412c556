// Silences, after Alertmanager's: matchers, a start and an end, an author and a required reason. The pure
// decisions on them (state, match, guardrails, `decide`) are in silence.ts; this file is their shape.

export const MATCHER_FIELDS = [
  'principal',
  'identityType',
  'account',
  'sourceIp',
  'region',
  'outcome',
  'userAgent',
] as const;
export type MatcherField = (typeof MATCHER_FIELDS)[number];

/**
 * One condition on a sign-in. principal: a `userKey` (lower case); identityType: one of IDENTITY_TYPES;
 * account: a 12-digit id; sourceIp: an address or a CIDR range (normalized); region: a code; outcome:
 * success | failure; userAgent: a substring, compared without case.
 */
export interface Matcher {
  readonly field: MatcherField;
  readonly value: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  /** Short and typeable: "s-7f3a2c". */
  readonly id: string;
  /** All must match (AND); at least one. */
  readonly matchers: readonly Matcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  /** A Slack user id, or "cli:<name>" from the terminal. */
  readonly author: string;
  readonly reason: string;
  readonly createdAt: string;
  /** Changed by every update: an update applies only to the version it read. */
  readonly updatedAt: string;
  /** Where it was announced, and where its end is announced. */
  readonly channel: string | null;
  /** Ended early by `unsilence`. */
  readonly cancelled?: { readonly by: string; readonly at: string };
  /** Sign-ins it held back (stored and counted, not posted). */
  readonly held: number;
  /** The CloudWatch alarms (of the four) whose actions it disables while active. */
  readonly alarms: readonly string[];
  /** When the sweeper disabled / re-enabled those alarms' actions. */
  readonly alarmsDisabledAt?: string;
  readonly alarmsEnabledAt?: string;
  /** When its end was announced in the channel. */
  readonly endAnnouncedAt?: string;
}

/** A silence as asked for, before the guardrails and an id. */
export interface SilenceDraft {
  readonly matchers: readonly Matcher[];
  /** Absent: now. */
  readonly startsAt?: string;
  readonly endsAt: string;
  readonly reason: string;
}
