// The pure decisions on silences: a silence's state, whether it matches a sign-in, the guardrails a new one
// must pass, which CloudWatch alarms it covers, and the one decision whether a sign-in is posted (`decide`).
import { SIGNIN_ALARMS, type SignInAlarmDefinition } from '../../shared/alarms';
import { assertNever } from './assert-never';
import { ipInRange, normalizeIpRange } from './ip-range';
import { userKey } from './query';
import { type Routing, routeFor } from './routing';
import { type ClassifiedSignIn, IDENTITY_TYPES } from './sign-in';
import type { Matcher, MatcherField, Silence, SilenceDraft, SilenceState } from './silence-types';

/** Alertmanager has no cap; ours keeps a forgotten silence from hiding sign-ins for weeks. */
export const DEFAULT_MAX_SILENCE_MS = 7 * 86_400_000;

/** "Not root": every identity type but Root. */
export const NOT_ROOT = '!Root';

const time = (iso: string): number => Date.parse(iso);

/**
 * Cancelled: expired from the cancel time. Otherwise pending before `startsAt`, active until `endsAt`.
 * Unreadable times compare as false everywhere, so such a silence is expired and never holds anything back.
 */
export const silenceState = (s: Silence, now: Date): SilenceState => {
  const t = now.getTime();
  if (s.cancelled && t >= time(s.cancelled.at)) return 'expired';
  if (t < time(s.startsAt)) return 'pending';
  if (t < time(s.endsAt)) return 'active';
  return 'expired';
};

const lower = (text: string): string => text.trim().toLowerCase();

const matcherMatches = (signIn: ClassifiedSignIn, m: Matcher): boolean => {
  switch (m.field) {
    case 'principal':
      return userKey(signIn) === lower(m.value);
    case 'identityType':
      return m.value === NOT_ROOT ? signIn.identityType !== 'Root' : signIn.identityType === m.value;
    case 'account':
      return signIn.accountId === m.value.trim();
    case 'sourceIp':
      return ipInRange(signIn.sourceIp, m.value);
    case 'region':
      return signIn.region !== null && lower(signIn.region) === lower(m.value);
    case 'outcome':
      return signIn.outcome === m.value;
    case 'userAgent':
      // An empty needle would match every agent: checkSilence refuses it, and here it matches nothing.
      return lower(m.value) !== '' && (signIn.userAgent ?? '').toLowerCase().includes(lower(m.value));
    default:
      return assertNever(m.field);
  }
};

/** Every matcher matches (AND). */
export const matchesSignIn = (signIn: ClassifiedSignIn, silence: Pick<Silence, 'matchers'>): boolean =>
  silence.matchers.every((m) => matcherMatches(signIn, m));

const FIELD_WORDS: Record<MatcherField, string> = {
  principal: 'user',
  identityType: 'identity type',
  account: 'account',
  sourceIp: 'IP',
  region: 'region',
  outcome: 'outcome',
  userAgent: 'user agent',
};

const valueProblem = (m: Matcher): string | null => {
  const v = m.value.trim();
  if (v === '') return `Give the ${FIELD_WORDS[m.field]} matcher a value, or leave it out.`;
  switch (m.field) {
    case 'identityType':
      // Compared as given (not trimmed), as matching compares them.
      return m.value === NOT_ROOT || (IDENTITY_TYPES as readonly string[]).includes(m.value)
        ? null
        : `Use one of ${[...IDENTITY_TYPES, NOT_ROOT].join(', ')} as the identity type.`;
    case 'account':
      return /^\d{12}$/.test(v) ? null : 'Give the account as its 12-digit id.';
    case 'sourceIp':
      return normalizeIpRange(v)
        ? null
        : 'Give the IP as an address or a CIDR range, such as 203.0.113.0/24.';
    case 'outcome':
      return m.value === 'success' || m.value === 'failure' ? null : 'Use success or failure as the outcome.';
    default:
      return null;
  }
};

const excludesRoot = (m: Matcher): boolean =>
  (m.field === 'identityType' && m.value !== 'Root') ||
  (m.field === 'principal' && lower(m.value) !== 'root');

const namesRoot = (m: Matcher): boolean =>
  (m.field === 'identityType' && m.value === 'Root') ||
  (m.field === 'principal' && lower(m.value) === 'root');

const UNITS = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
] as const;

/** "7 days", "36 hours": exact, so that the maximum a problem states is the real one. */
const durationWords = (ms: number): string => {
  const [size, unit] = UNITS.find(([size]) => ms % size === 0) ?? [1_000, 'second'];
  const n = Math.round(ms / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
};

export interface SilenceContext {
  /** Slack user id, or "cli:<name>". */
  readonly author: string;
  /** The user keys the identity map ties to the author: nobody silences alerts about themselves. */
  readonly authorUserKeys: readonly string[];
  readonly isResponder: boolean;
  readonly maxMs: number;
  readonly now: Date;
}

export type SilenceCheck = { readonly ok: true } | { readonly ok: false; readonly problems: string[] };

/** The guardrails a silence must pass before it is made; each problem says how to fix it. */
export const checkSilence = (draft: SilenceDraft, ctx: SilenceContext): SilenceCheck => {
  const problems: string[] = [];
  if (!ctx.isResponder)
    problems.push('Only responders may silence alerts: ask one of them to make this silence.');
  if (draft.matchers.length === 0)
    problems.push(
      'Name at least one matcher, such as `user alice` or `ip 203.0.113.0/24`, to say what to silence.',
    );
  for (const m of draft.matchers) {
    const problem = valueProblem(m);
    if (problem && !problems.includes(problem)) problems.push(problem);
  }
  if (draft.reason.trim() === '')
    problems.push('Give a reason after `because`, so that others know why it is quiet.');
  problems.push(...timeProblems(draft, ctx));
  if (draft.matchers.length > 0 && !draft.matchers.some(excludesRoot) && !draft.matchers.some(namesRoot))
    problems.push(
      'This silence could hold back root sign-ins: add `type nonroot` to leave root out, or `root` to mean it.',
    );
  const own = new Set(ctx.authorUserKeys.map(lower));
  if (draft.matchers.some((m) => m.field === 'principal' && own.has(lower(m.value))))
    problems.push('Nobody may silence alerts about themselves: ask another responder to make this silence.');
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
};

const timeProblems = (draft: SilenceDraft, ctx: SilenceContext): string[] => {
  const now = ctx.now.getTime();
  const start = draft.startsAt === undefined ? now : time(draft.startsAt);
  const end = time(draft.endsAt);
  if (!Number.isFinite(start)) return ['Give the start as a date and time, such as 2026-11-20T09:00Z.'];
  if (!Number.isFinite(end)) return ['Give the end as a date and time, or a duration such as `for 4h`.'];
  const problems: string[] = [];
  // Without a start it starts now: "end in the future" says the same, once.
  if (end <= start && draft.startsAt !== undefined) problems.push('Make the silence end after it starts.');
  if (end <= now) problems.push('Make the silence end in the future: this end has already passed.');
  const max = durationWords(ctx.maxMs);
  if (end - start > ctx.maxMs) problems.push(`Make the silence shorter: it may last at most ${max}.`);
  if (start - now > ctx.maxMs)
    problems.push(`Start the silence sooner: it may start at most ${max} from now.`);
  return problems;
};

const coversAlarm = (matchers: readonly Matcher[], alarm: SignInAlarmDefinition): boolean => {
  const types = matchers.filter((m) => m.field === 'identityType');
  const needed = alarm.scope === 'root' ? 'Root' : NOT_ROOT;
  return (
    types.length > 0 &&
    types.every((m) => m.value === needed) &&
    matchers.every((m) => m.field !== 'outcome' || m.value === alarm.outcome)
  );
};

/**
 * The sign-in alarms (base names) the matchers cover entirely: every sign-in the alarm counts would match.
 * Only identity type and outcome say that; any other matcher narrows the silence below a whole alarm.
 */
export const alarmsCovered = (matchers: readonly Matcher[]): string[] =>
  matchers.every((m) => m.field === 'identityType' || m.field === 'outcome')
    ? SIGNIN_ALARMS.filter((a) => coversAlarm(matchers, a)).map((a) => a.name)
    : [];

export type AlertDecision =
  | { readonly post: false; readonly why: 'routing' }
  | { readonly post: false; readonly why: 'silenced'; readonly silence: Silence }
  | { readonly post: true; readonly channel: string };

/**
 * Whether a sign-in is posted, and where. Routing first (a severity that is not posted is not posted, silence
 * or none), then the active matching silence that ends last (ties by id, so every worker names the same one).
 * `signIn.severity` is final: any baseline step is applied before.
 */
export const decide = (
  signIn: ClassifiedSignIn,
  silences: readonly Silence[],
  routing: Routing,
  defaultChannel: string,
  now: Date,
): AlertDecision => {
  const route = routeFor(routing, defaultChannel, signIn.severity, signIn.accountId);
  if (!route.post) return { post: false, why: 'routing' };
  const holding = silences
    .filter((s) => silenceState(s, now) === 'active' && matchesSignIn(signIn, s))
    .sort((a, b) => time(b.endsAt) - time(a.endsAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const silence = holding[0];
  return silence ? { post: false, why: 'silenced', silence } : { post: true, channel: route.channel };
};

/** "s-" and 6 hex digits: short enough to type in `/signins unsilence`. */
export const silenceId = (random: () => number): string => {
  const n = Math.min(0xffffff, Math.max(0, Math.floor(random() * 0x1000000)));
  return `s-${n.toString(16).padStart(6, '0')}`;
};

const matcherWords = (m: Matcher): string => {
  switch (m.field) {
    case 'principal':
      return `user ${m.value}`;
    case 'identityType':
      return m.value === NOT_ROOT ? 'not root' : m.value === 'Root' ? 'root' : `type ${m.value}`;
    case 'account':
      return `account ${m.value}`;
    case 'sourceIp':
      return `IP ${m.value}`;
    case 'region':
      return `region ${m.value}`;
    case 'outcome':
      return m.value === 'success' ? 'succeeded' : m.value === 'failure' ? 'failed' : `outcome ${m.value}`;
    case 'userAgent':
      return `user agent containing "${m.value}"`;
    default:
      return assertNever(m.field);
  }
};

/** "user alice · IP 203.0.113.0/24 · failed". Plain text with the values as given: callers escape it. */
export const describeMatchers = (matchers: readonly Matcher[]): string =>
  matchers.length === 0 ? 'every sign-in' : matchers.map(matcherWords).join(' · ');
