// Storms as one card: failed sign-ins of one principal (the hidden user name included) from one address, close
// together in event time, are one group; the group's first sign-in posts the card and the rest only count on
// it. What must never hide inside a group (root, any success) keeps its own card. Pure: the store applies these
// rules with atomic, conditional writes.
import type { ClassifiedSignIn } from './sign-in';
import { SEVERITIES, type Severity } from './sign-in';

/** A group stays open while its sign-ins come within this long of its last one (event time). */
export const DEFAULT_BURST_WINDOW_MS = 10 * 60_000;
/**
 * A card's counter is redrawn at most this often: Slack allows about one message a second per channel, and the
 * other cards need the room. https://api.slack.com/methods/chat.update (Tier 3, and the channel's own limit).
 */
export const BURST_REDRAW_MS = 12_000;
/** This many failures in one group is a brute force: the card goes to at least high and says so. */
export const BRUTE_FORCE_FAILURES = 10;
/** Distinct users and addresses kept for the card (the key fixes both, so one each is the rule). */
export const BURST_LISTED = 5;

/** A group's counters as the store keeps them on its card's alert. */
export interface BurstCounters {
  readonly count: number;
  readonly failures: number;
  /** Event times (ISO) of the group's first and last sign-in. */
  readonly first: string;
  readonly last: string;
  /** Principals and source addresses as recorded, at most BURST_LISTED each. */
  readonly users: readonly string[];
  readonly ips: readonly string[];
}

/** Which group a sign-in would join: account, principal as recorded, source address and outcome. */
export const burstKey = (s: ClassifiedSignIn, channel: string): string =>
  JSON.stringify([channel, s.accountId, s.identityType, s.principal, s.sourceIp, s.outcome]);

export type BurstExemption = 'root' | 'success' | 'no-time';

/**
 * Why a sign-in must keep its own card, or null when it may join a storm. Only failures form storms:
 * - a success is always news of its own: the one success inside a storm of failures is the attack working,
 *   and a success from an address the person shares with an attacker (an office NAT) must not be counted away
 *   on the person's earlier card; "was this you?" asks about one sign-in, not a group;
 * - a root sign-in always has its own card;
 * - a failure whose severity the baseline raised (a new country, a new IP without MFA) still joins: its storm's
 *   first card shows the raise and says why, and the attempts after it are that storm, not one card each
 *   (failures never teach the baseline, so every attempt from the new place would be raised again);
 * - without an event time a sign-in cannot be placed in a window.
 */
export const burstExemption = (s: ClassifiedSignIn): BurstExemption | null => {
  if (s.identityType === 'Root') return 'root';
  if (s.outcome !== 'failure') return 'success';
  if (eventMs(s.time) === null) return 'no-time';
  return null;
};

const eventMs = (iso: string | null): number | null => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
};

/**
 * The longest a storm's card counts for: a slow brute force (an attempt every few minutes) would otherwise stay
 * on one card for days, edited far up the channel where nobody sees it change. After an hour it starts anew.
 */
export const MAX_BURST_SPAN_MS = 60 * 60_000;

/**
 * Whether sign-ins from `first` to `last` belong to a group spanning `group`: each within the window of it, and
 * the group's whole span, with them, no longer than MAX_BURST_SPAN_MS.
 */
export const joinsBurst = (
  group: Pick<BurstCounters, 'first' | 'last'>,
  run: Pick<BurstCounters, 'first' | 'last'>,
  windowMs: number,
): boolean =>
  Date.parse(run.first) <= Date.parse(group.last) + windowMs &&
  Date.parse(run.last) >= Date.parse(group.first) - windowMs &&
  Math.max(Date.parse(run.last), Date.parse(group.last)) -
    Math.min(Date.parse(run.first), Date.parse(group.first)) <=
    MAX_BURST_SPAN_MS;

/** One group's share of a batch: its members in event-time order, none further than the window from the last. */
export interface BurstRun<T> {
  readonly key: string;
  readonly members: readonly T[];
  readonly first: string;
  readonly last: string;
}

/**
 * A batch's groupable sign-ins cut into runs: by key, in event-time order, a new run wherever the gap to the
 * previous sign-in is longer than the window or the run would span more than MAX_BURST_SPAN_MS. Each run is one
 * store update however many sign-ins it holds.
 */
export const burstRuns = <T extends { readonly signIn: ClassifiedSignIn; readonly key: string }>(
  items: readonly T[],
  windowMs: number,
): BurstRun<T>[] => {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const list = byKey.get(item.key);
    if (list) list.push(item);
    else byKey.set(item.key, [item]);
  }
  const runs: BurstRun<T>[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => (eventMs(a.signIn.time) ?? 0) - (eventMs(b.signIn.time) ?? 0));
    let current: T[] = [];
    const close = () => {
      const head = current[0];
      const tail = current[current.length - 1];
      if (head && tail)
        runs.push({ key, members: current, first: head.signIn.time ?? '', last: tail.signIn.time ?? '' });
      current = [];
    };
    for (const item of sorted) {
      const at = eventMs(item.signIn.time) ?? 0;
      const prev = current[current.length - 1];
      const head = current[0];
      if (prev && at - (eventMs(prev.signIn.time) ?? 0) > windowMs) close();
      else if (head && at - (eventMs(head.signIn.time) ?? 0) > MAX_BURST_SPAN_MS) close();
      current.push(item);
    }
    close();
  }
  return runs;
};

/** The distinct values of a run, the first few: what the card lists. */
export const listed = (values: readonly (string | null)[]): string[] =>
  [...new Set(values.filter((v): v is string => v !== null && v !== ''))].slice(0, BURST_LISTED);

export const isBruteForce = (b: Pick<BurstCounters, 'failures'>): boolean =>
  b.failures >= BRUTE_FORCE_FAILURES;

/** The group's severity: a brute force is at least high. */
export const burstSeverity = (severity: Severity, b: Pick<BurstCounters, 'failures'>): Severity =>
  isBruteForce(b) && SEVERITIES.indexOf(severity) > SEVERITIES.indexOf('high') ? 'high' : severity;

/** Whole minutes from the group's first to its last sign-in, at least 1. */
export const burstMinutes = (b: Pick<BurstCounters, 'first' | 'last'>): number =>
  Math.max(1, Math.ceil((Date.parse(b.last) - Date.parse(b.first)) / 60_000));

const number = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${number(n)} ${n === 1 ? one : many}`;

/** "09:04:58" (UTC) of an ISO time. */
const clock = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 19) : 'unknown';
};

/** "1,234 failed sign-ins": failures only when all of them failed (the outcome is part of the key). */
export const burstCountWords = (b: Pick<BurstCounters, 'count' | 'failures'>): string =>
  b.failures > 0 && b.failures === b.count
    ? plural(b.count, 'failed sign-in', 'failed sign-ins')
    : plural(b.count, 'sign-in', 'sign-ins');

/**
 * The card's rollup line, in plain words with record values as given (the renderer neutralises them):
 * "1,234 failed sign-ins as alice from 203.0.113.7 · first 09:00:03 · last 09:04:58 UTC · 1 user, 1 IP".
 */
export const burstWords = (b: BurstCounters, clipValue: (v: string) => string): string => {
  const user = b.users[0];
  const ip = b.ips[0];
  const more = (n: number) => (n >= BURST_LISTED ? '+' : '');
  return [
    `${burstCountWords(b)}${user ? ` as ${clipValue(user)}` : ''}${ip ? ` from ${clipValue(ip)}` : ''}`,
    `first ${clock(b.first)}`,
    `last ${clock(b.last)} UTC`,
    `${plural(b.users.length, 'user', 'users')}${more(b.users.length)}, ${plural(b.ips.length, 'IP', 'IPs')}${more(b.ips.length)}`,
  ].join(' · ');
};

/** Why a brute force is high: "brute force: 1,234 failed sign-ins in 5 min". */
export const bruteForceWords = (b: Pick<BurstCounters, 'failures' | 'first' | 'last'>): string =>
  `brute force: ${plural(b.failures, 'failed sign-in', 'failed sign-ins')} in ${burstMinutes(b)} min`;

/** The card shows fewer sign-ins than the group has: it is due for a redraw. */
export const burstBehind = (b: { readonly count: number; readonly drawnCount: number }): boolean =>
  b.count > b.drawnCount;

/** When the counter may next be redrawn: now, unless a redraw (or Slack's Retry-After) says later. */
export const burstRedrawDue = (b: { readonly redrawAt?: string }, now: Date): Date => {
  const at = b.redrawAt ? Date.parse(b.redrawAt) : Number.NaN;
  return Number.isFinite(at) && at > now.getTime() ? new Date(at) : now;
};

/** A group's failures that lead up to one of them: how many, and their first and last event times. */
export interface FailureChain {
  readonly failures: number;
  readonly first: string;
  readonly last: string;
}

const sameGroup = (a: ClassifiedSignIn, b: ClassifiedSignIn): boolean =>
  a.accountId === b.accountId &&
  a.identityType === b.identityType &&
  a.principal === b.principal &&
  a.sourceIp === b.sourceIp;

/**
 * The failures of `s`'s group among `known` (any sign-ins; `s` may be among them) that chain up to `s` as a
 * storm does: each within `windowMs` of the next, the whole no longer than MAX_BURST_SPAN_MS, `s` included.
 * Routing that posts only high and critical keeps single failures out of Slack, so no storm card counts them:
 * this is how such a failure is found to be the tenth of a brute force, which is high and must be posted.
 */
export const failuresLeadingTo = (
  s: ClassifiedSignIn,
  known: readonly ClassifiedSignIn[],
  windowMs: number,
): FailureChain => {
  const at = eventMs(s.time);
  const own = { failures: 1, first: s.time ?? '', last: s.time ?? '' };
  if (at === null || s.outcome !== 'failure') return own;
  const earlier = new Map<string, number>();
  for (const k of known) {
    const t = eventMs(k.time);
    if (k.eventId === s.eventId || k.outcome !== 'failure' || t === null || t > at || !sameGroup(k, s))
      continue;
    earlier.set(k.eventId, t);
  }
  let failures = 1;
  let first = at;
  for (const t of [...earlier.values()].sort((a, b) => b - a)) {
    if (first - t > windowMs || at - t > MAX_BURST_SPAN_MS) break;
    failures += 1;
    first = t;
  }
  return { failures, first: new Date(first).toISOString(), last: s.time ?? '' };
};
