// What people may do about an alert, and what each step changes: the responder loop as pure decisions.
// Every change returns the next response (version + 1) for one conditional write on the version read, so
// two clicks at the same moment give one winner; the loser decides again on what the winner wrote. Timers
// (reminders, timeouts, a page or a redraw to retry) are derived from the response, never kept apart.
import type {
  Actor,
  AlertResponse,
  AskState,
  AuditAction,
  AuditEvent,
  PostedMessage,
  ResponseState,
} from '../ports';
import { BOT_ACTOR } from '../ports';
import { burstBehind } from './burst';

/** A storm card's counter as far as timers go: behind the group's count means a redraw is due at `redrawAt`. */
export interface CounterState {
  readonly count: number;
  readonly drawnCount: number;
  readonly redrawAt?: string;
}

export interface ResponsePolicy {
  /** A "was this you?" DM unanswered this long escalates; a reminder goes at half of it. */
  readonly askTimeoutMs: number;
  /** A critical alert unacknowledged this long escalates; a reminder goes at half of it. */
  readonly ackTimeoutMs: number;
  /** How soon work handed to the worker (an ask, a page, a redraw) is looked at again if it is not done. */
  readonly retryMs: number;
  /** How long a page sender holds its claim before someone else may send the page. */
  readonly pageLeaseMs: number;
}

export const DEFAULT_POLICY: ResponsePolicy = {
  askTimeoutMs: 30 * 60_000,
  ackTimeoutMs: 15 * 60_000,
  retryMs: 2 * 60_000,
  pageLeaseMs: 2 * 60_000,
};

/** What the alert is, as far as responding goes. */
export interface AlertFacts {
  /** A critical alert needs a responder's acknowledgement (a "yes, it was me" alone does not resolve it). */
  readonly needsAck: boolean;
  /** Only sign-ins have someone to ask. */
  readonly askable: boolean;
}

/** A critical alert needs a responder's acknowledgement; only sign-ins have someone to ask. */
export const alertFacts = (alert: { readonly kind: string; readonly severity: string }): AlertFacts => ({
  needsAck: alert.severity === 'critical',
  askable: alert.kind === 'signin',
});

/** Who is acting, as the caller found out (configured responders, the alert's subject). */
export interface ActorFacts {
  readonly actor: Actor;
  readonly isResponder: boolean;
  /** The person the alert is about: may answer their DM, never acknowledge or escalate their own alert. */
  readonly isSubject: boolean;
  /** The Slack request (user + action time): a retry of it is recognised. */
  readonly requestKey?: string;
}

export type ResponderAction =
  | { readonly kind: 'acknowledge' }
  | { readonly kind: 'escalate'; readonly reason: string }
  | { readonly kind: 'request-ask' }
  | { readonly kind: 'asked'; readonly user: string; readonly dm: PostedMessage }
  | { readonly kind: 'not-asked'; readonly reason: string }
  | { readonly kind: 'answer'; readonly answer: 'yes' | 'no'; readonly note?: string }
  | { readonly kind: 'remind-ask' }
  | { readonly kind: 'remind-ack' }
  | { readonly kind: 'page-claim' }
  | { readonly kind: 'page-sent' }
  | { readonly kind: 'page-failed'; readonly error: string }
  | { readonly kind: 'drawn'; readonly version: number };

export type Decision =
  | { readonly kind: 'changed'; readonly next: AlertResponse; readonly event: AuditEvent | null }
  /** Not allowed, or already done by someone: `reason` is what the person who clicked is told. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The same Slack request again (a retry): nothing to do, nothing to say. */
  | { readonly kind: 'duplicate' };

/** At most this many audit events are kept with the alert (the oldest first go; the thread keeps them all). */
const MAX_EVENTS = 100;

const mention = (actor: Actor): string => (actor === BOT_ACTOR ? 'signins' : `<@${actor}>`);
/** Slack's date token (localised for each reader), with the ISO time as the fallback. */
const when = (iso: string): string =>
  `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso}>`;
const by = (a: { by: Actor; at: string }): string => `${mention(a.by)} ${when(a.at)}`;

export const initialResponse = (postedAt: Date, subject?: AlertResponse['subject']): AlertResponse => ({
  state: 'open',
  version: 1,
  drawnVersion: 1,
  postedAt: postedAt.toISOString(),
  ...(subject ? { subject } : {}),
  events: [{ at: postedAt.toISOString(), actor: BOT_ACTOR, action: 'posted' }],
});

/** The ask as first drawn, before anything was sent: requested by the bot, or not asked and why. */
export const initialAsk = (
  at: Date,
  plan: { readonly ask: true } | { readonly ask: false; readonly reason: string },
): AskState =>
  plan.ask
    ? { status: 'requested', requestedBy: BOT_ACTOR, requestedAt: at.toISOString() }
    : { status: 'not-asked', requestedBy: BOT_ACTOR, requestedAt: at.toISOString(), reason: plan.reason };

const refused = (reason: string): Decision => ({ kind: 'refused', reason });

/** Changes the card does not show (it says "paging…" whether the page is due or being sent). */
const LOOKS_THE_SAME = new Set<ResponderAction['kind']>([
  'page-claim',
  'page-failed',
  'remind-ask',
  'remind-ack',
]);

/** The drawn version after a write: still current if it was and the change does not show. */
export const carriedDrawn = (r: AlertResponse, looksTheSame: boolean): number =>
  looksTheSame && r.drawnVersion === r.version ? r.version + 1 : r.drawnVersion;

/** Why an actor may not act on an alert as a responder, or null when they may. */
const responderRefusal = (who: ActorFacts, verb: string): string | null => {
  if (who.actor === BOT_ACTOR) return null;
  if (who.isSubject)
    return `This alert is about you, so someone else must ${verb} it (you can still answer the "was this you?" message).`;
  if (!who.isResponder)
    return `Only responders can ${verb} alerts (SIGNINS_RESPONDERS); ask one of them, or an admin to add you.`;
  return null;
};

const alreadyResolved = (r: AlertResponse): string | null =>
  r.resolved ? `This alert was already resolved by ${by(r.resolved)}.` : null;

export const decide = (
  response: AlertResponse,
  action: ResponderAction,
  who: ActorFacts,
  facts: AlertFacts,
  now: Date,
  policy: ResponsePolicy = DEFAULT_POLICY,
): Decision => {
  if (who.requestKey && response.events.some((e) => e.requestKey === who.requestKey))
    return { kind: 'duplicate' };
  const at = now.toISOString();
  const change = (patch: Partial<AlertResponse>, audit: AuditAction | null, note?: string): Decision => {
    const event: AuditEvent | null = audit
      ? {
          at,
          actor: who.actor,
          action: audit,
          ...(note ? { note } : {}),
          ...(who.requestKey ? { requestKey: who.requestKey } : {}),
        }
      : null;
    const next: AlertResponse = {
      ...response,
      // A change the card does not show keeps a card that was current, current.
      drawnVersion: carriedDrawn(response, LOOKS_THE_SAME.has(action.kind)),
      ...patch,
      version: response.version + 1,
      events: event ? [...response.events, event].slice(-MAX_EVENTS) : response.events,
    };
    return { kind: 'changed', next, event };
  };
  const escalation = (reason: string): Partial<AlertResponse> => ({
    escalated: { by: who.actor, at, reason },
    page: { status: 'due', attempts: 0 },
  });

  switch (action.kind) {
    case 'acknowledge': {
      const no = responderRefusal(who, 'acknowledge') ?? alreadyResolved(response);
      if (no) return refused(no);
      if (response.acknowledged)
        return refused(`This alert was already acknowledged by ${by(response.acknowledged)}.`);
      const acknowledged = { by: who.actor, at };
      // A "yes, it was me" waited only for this: the alert is done (even if someone escalated meanwhile).
      if (response.confirmed)
        return change({ acknowledged, state: 'resolved', resolved: acknowledged }, 'resolved');
      return change({ acknowledged, state: 'acknowledged' }, 'acknowledged');
    }
    case 'escalate': {
      const no = responderRefusal(who, 'escalate') ?? alreadyResolved(response);
      if (no) return refused(no);
      // The state decides, not a timer: an alert is paged once, however many ways it escalates.
      if (response.escalated)
        return refused(
          `This alert was already escalated by ${by(response.escalated)} (${response.escalated.reason}).`,
        );
      return change({ ...escalation(action.reason), state: 'escalated' }, 'escalated', action.reason);
    }
    case 'request-ask': {
      if (!facts.askable) return refused('Only sign-in alerts have someone to ask.');
      const no = responderRefusal(who, 'ask about') ?? alreadyResolved(response);
      if (no) return refused(no);
      const ask = response.ask;
      if (ask && ask.status !== 'not-asked')
        return refused(
          ask.status === 'requested'
            ? 'The question is on its way already.'
            : `${ask.user ? mention(ask.user) : 'They'} ${ask.status === 'answered' ? 'already answered' : 'was already asked'}${ask.askedAt ? ` ${when(ask.askedAt)}` : ''}.`,
        );
      return change(
        { ask: { status: 'requested', requestedBy: who.actor, requestedAt: at } },
        'ask-requested',
      );
    }
    case 'asked': {
      if (response.ask?.status !== 'requested') return refused('No question was waiting to be asked.');
      return change(
        {
          ask: { ...response.ask, status: 'asked', user: action.user, dm: action.dm, askedAt: at },
          subject: { user: action.user },
        },
        'asked',
      );
    }
    case 'not-asked': {
      if (response.ask?.status !== 'requested') return refused('No question was waiting to be asked.');
      return change(
        {
          ask: { ...response.ask, status: 'not-asked', reason: action.reason },
          subject: { ...response.subject, reason: action.reason },
        },
        'not-asked',
        action.reason,
      );
    }
    case 'answer': {
      const ask = response.ask;
      if (!ask || ask.user !== who.actor || (ask.status !== 'asked' && ask.status !== 'answered'))
        return refused('This question was not asked of you.');
      if (ask.status === 'answered')
        return refused(
          `You already answered "${ask.answer === 'yes' ? 'yes, it was me' : "no, it wasn't me"}"${ask.answeredAt ? ` ${when(ask.answeredAt)}` : ''}.`,
        );
      const answered: AskState = {
        ...ask,
        status: 'answered',
        answer: action.answer,
        answeredAt: at,
        ...(action.note ? { note: action.note } : {}),
      };
      if (action.answer === 'no') {
        const reason = `${mention(who.actor)} says it wasn't them`;
        return change(
          {
            ask: answered,
            denied: { by: who.actor, at, ...(action.note ? { note: action.note } : {}) },
            // Denied reads before everything else on the card; paged unless it was already.
            state: 'denied',
            ...(response.escalated || response.resolved ? {} : escalation(reason)),
          },
          'denied',
          action.note,
        );
      }
      const confirmed = { by: who.actor, at };
      // Resolved unless a responder's acknowledgement is still needed (a critical alert, such as root).
      const done = !facts.needsAck || response.acknowledged !== undefined;
      return change(
        {
          ask: answered,
          confirmed,
          state: done ? 'resolved' : 'confirmed',
          ...(done ? { resolved: confirmed } : {}),
        },
        'confirmed',
      );
    }
    case 'remind-ask':
      return change({ ask: response.ask && { ...response.ask, remindedAt: at } }, 'reminded', 'ask');
    case 'remind-ack':
      return change({ ackRemindedAt: at }, 'reminded', 'acknowledge');
    case 'page-claim': {
      const page = response.page;
      if (!page || page.status === 'sent') return refused('No page is due.');
      if (page.status === 'sending' && page.until && page.until > at) return refused('Being sent.');
      const until = new Date(now.getTime() + policy.pageLeaseMs).toISOString();
      return change({ page: { ...page, status: 'sending', until, attempts: page.attempts + 1 } }, null);
    }
    case 'page-sent':
      return change(
        { page: { status: 'sent', sentAt: at, attempts: response.page?.attempts ?? 1 } },
        'paged',
      );
    case 'page-failed':
      return change(
        {
          page: {
            status: 'due',
            attempts: response.page?.attempts ?? 1,
            lastError: action.error.slice(0, 500),
          },
        },
        'page-failed',
        action.error.slice(0, 200),
      );
    case 'drawn':
      if (action.version !== response.version) return refused('Changed since it was drawn.');
      return change({ drawnVersion: response.version + 1 }, null);
    default:
      return action satisfies never;
  }
};

/** Work the sweeper owes an alert at `now`, in the order it should be done. */
export type DueWork =
  | { readonly kind: 'page' }
  | { readonly kind: 'ask' }
  | { readonly kind: 'remind-ask' }
  | { readonly kind: 'remind-ack' }
  | { readonly kind: 'escalate'; readonly reason: string }
  | { readonly kind: 'redraw' }
  /** A storm card's counter is behind its group's count (bot/core/burst.ts). */
  | { readonly kind: 'redraw-counter' };

const plus = (iso: string, ms: number): number => Date.parse(iso) + ms;
const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/** What is still to come, each with the time it falls due. */
const schedule = (
  r: AlertResponse,
  facts: AlertFacts,
  policy: ResponsePolicy,
  updatedAt: number,
  counter: CounterState | undefined,
): { at: number; work: DueWork }[] => {
  const out: { at: number; work: DueWork }[] = [];
  if (counter && burstBehind(counter)) {
    const at = counter.redrawAt ? Date.parse(counter.redrawAt) : Number.NaN;
    out.push({ at: Number.isFinite(at) ? at : updatedAt, work: { kind: 'redraw-counter' } });
  }
  const page = r.page;
  if (page?.status === 'due')
    out.push({ at: updatedAt + (page.attempts > 0 ? policy.retryMs : 0), work: { kind: 'page' } });
  if (page?.status === 'sending' && page.until)
    out.push({ at: Date.parse(page.until), work: { kind: 'page' } });
  const ask = r.ask;
  if (ask?.status === 'requested')
    out.push({ at: plus(ask.requestedAt, policy.retryMs), work: { kind: 'ask' } });
  const open = !r.resolved && r.state !== 'denied';
  if (ask?.status === 'asked' && ask.askedAt && open) {
    // Once escalated, a reminder would promise an escalation that already happened.
    if (!ask.remindedAt && !r.escalated)
      out.push({ at: plus(ask.askedAt, policy.askTimeoutMs / 2), work: { kind: 'remind-ask' } });
    if (!r.escalated)
      out.push({
        at: plus(ask.askedAt, policy.askTimeoutMs),
        work: {
          kind: 'escalate',
          reason: `no answer from ${mention(ask.user ?? BOT_ACTOR)} in ${minutes(policy.askTimeoutMs)}`,
        },
      });
  }
  if (facts.needsAck && !r.acknowledged && !r.resolved) {
    if (!r.ackRemindedAt && !r.escalated)
      out.push({ at: plus(r.postedAt, policy.ackTimeoutMs / 2), work: { kind: 'remind-ack' } });
    if (!r.escalated)
      out.push({
        at: plus(r.postedAt, policy.ackTimeoutMs),
        work: { kind: 'escalate', reason: `not acknowledged in ${minutes(policy.ackTimeoutMs)}` },
      });
  }
  if (r.drawnVersion !== r.version) out.push({ at: updatedAt + policy.retryMs, work: { kind: 'redraw' } });
  return out;
};

/** The work due now, pages first (they reach people outside Slack), then escalations. */
export const dueWork = (
  r: AlertResponse,
  facts: AlertFacts,
  policy: ResponsePolicy,
  now: Date,
  updatedAt: Date,
  counter?: CounterState,
): DueWork[] => {
  const rank: Record<DueWork['kind'], number> = {
    page: 0,
    escalate: 1,
    ask: 2,
    'remind-ask': 3,
    'remind-ack': 4,
    redraw: 5,
    'redraw-counter': 6,
  };
  const due = schedule(r, facts, policy, updatedAt.getTime(), counter)
    .filter((s) => s.at <= now.getTime())
    .map((s) => s.work)
    .sort((a, b) => rank[a.kind] - rank[b.kind]);
  // One escalation at most: the first reason wins.
  return due.filter((w, i) => w.kind !== 'escalate' || due.findIndex((d) => d.kind === 'escalate') === i);
};

/** When the sweeper should next look at the alert; null when nothing is left to do. */
export const nextTimer = (
  r: AlertResponse,
  facts: AlertFacts,
  policy: ResponsePolicy,
  updatedAt: Date,
  counter?: CounterState,
): Date | null => {
  const times = schedule(r, facts, policy, updatedAt.getTime(), counter).map((s) => s.at);
  return times.length === 0 ? null : new Date(Math.min(...times));
};

export const STATE_LABEL: Record<ResponseState, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  confirmed: 'Confirmed, awaiting acknowledgement',
  denied: 'Denied',
  resolved: 'Resolved',
};

export { by as actorAt, mention, when as slackWhen };
