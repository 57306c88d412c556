// The responder loop: what a click, a DM answer, a job or a timer does to an alert. Each change is one
// conditional write on the response version read (core/response.ts decides), then the card is redrawn, the
// thread gets its audit line, and slow work (asking, paging) is handed to the job queue. A request from Slack
// does only the write, the redraw and the answer; the worker and the sweeper do the rest.
import {
  BRUTE_FORCE_FAILURES,
  BURST_REDRAW_MS,
  bruteForceWords,
  burstBehind,
  burstRedrawDue,
  burstSeverity,
  isBruteForce,
} from '../core/burst';
import { subjectOf } from '../core/identity-map';
import { auditLine, composeCard, renderAskDm, stormOf } from '../core/render/response-card';
import {
  type ActorFacts,
  alertFacts,
  carriedDrawn,
  type Decision,
  type DueWork,
  decide,
  dueWork,
  initialAsk,
  initialResponse,
  mention,
  nextTimer,
  type ResponderAction,
} from '../core/response';
import { accountName, type Routing } from '../core/routing';
import type { ClassifiedSignIn } from '../core/sign-in';
import {
  type AlertRecord,
  type AlertResponse,
  type AuditEvent,
  BOT_ACTOR,
  type Clock,
  type Escalator,
  type InitialResponse,
  type JobQueue,
  type Logger,
  type Metrics,
  type Notifier,
  type PostedMessage,
  type ResponderJob,
  type SignInStore,
} from '../ports';
import type { ResponderSettings } from './config';
import { asDeliveryError } from './delivery-error';
import { pageEscalation } from './escalation-message';

export interface ResponderDeps {
  readonly store: SignInStore;
  readonly notifier: Notifier;
  readonly escalator: Escalator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly routing: Routing;
  readonly settings: ResponderSettings;
  /** Where slow work goes; without one it is done at once, in this process (the worker, the sweeper, the CLI). */
  readonly jobs?: JobQueue;
}

export type ButtonAction = 'acknowledge' | 'escalate' | 'ask';

export interface SlackRequest {
  readonly alertId: string;
  readonly user: string;
  /** Where the click came from (the card's channel, or the DM): refusals are told there. */
  readonly channel: string | undefined;
  /** user + action time: a retried request is recognised. */
  readonly requestKey: string;
  /** Epoch ms by which the answer must be given (Slack waits 3 s). */
  readonly deadline: number;
}

/** What the person who clicked is told, only them; null when the card says it all. */
export type Reply = string | null;

/** Membership answers are kept this long (group and channel members change rarely, clicks come in bursts). */
const MEMBERSHIP_TTL_MS = 60_000;
/** Time a job or a timer run may take when the caller gives no deadline. */
const DEFAULT_BUDGET_MS = 20_000;

type Applied =
  | { readonly kind: 'changed'; readonly alert: Posted; readonly event: AuditEvent | null }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'duplicate' };

/** A posted alert with its response. */
type Posted = AlertRecord & { readonly response: AlertResponse; readonly ts: string };

const isPosted = (alert: AlertRecord | null): alert is Posted =>
  alert !== null && alert.status === 'posted' && alert.ts !== undefined && alert.response !== undefined;

const oncallMention = (id: string | null): string | null =>
  id === null ? null : id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;

export class Responders {
  private readonly memberCache = new Map<string, { at: number; value: Promise<boolean> }>();

  constructor(private readonly deps: ResponderDeps) {}

  private get now(): Date {
    return this.deps.clock.now();
  }

  private budget(deadline: number): number {
    return deadline - this.deps.clock.now().getTime();
  }

  // ——— posting ———

  /** The response a card is first posted with: who it is about, and whether they are asked at once. */
  async initialFor(alert: AlertRecord): Promise<InitialResponse> {
    const now = this.now;
    const facts = alertFacts(alert);
    let response = initialResponse(now);
    if (facts.askable) {
      let signIn: ClassifiedSignIn | null;
      try {
        signIn = await this.deps.store.getSignIn(alert.subjectId);
      } catch (err) {
        // The card still goes out with its buttons and timers; the ask job finds the subject later.
        this.deps.logger.warn('sign-in not read for the ask; asking later', {
          alertId: alert.alertId,
          error: asDeliveryError(err).message,
        });
        if (this.deps.settings.autoAsk !== 'off')
          response = { ...response, ask: initialAsk(now, { ask: true }) };
        return { response, timerAt: nextTimer(response, facts, this.deps.settings.policy, now) };
      }
      const match = signIn ? subjectOf(signIn, this.deps.settings.identityMap) : null;
      if (!signIn || !match || match.kind === 'unmapped') {
        const reason = match?.kind === 'unmapped' ? match.reason : 'the sign-in record is not stored';
        // The card says why nobody was asked only where someone would have been (not on a failure, by default).
        const wouldAsk = signIn !== null && this.asksAutomatically(signIn);
        response = {
          ...response,
          ...(wouldAsk ? { ask: initialAsk(now, { ask: false, reason }) } : {}),
          subject: { reason },
        };
      } else {
        const subject = match.target.kind === 'user' ? { user: match.target.user } : {};
        response = {
          ...response,
          subject,
          ...(this.asksAutomatically(signIn) ? { ask: initialAsk(now, { ask: true }) } : {}),
        };
      }
    }
    return { response, timerAt: nextTimer(response, facts, this.deps.settings.policy, now) };
  }

  private asksAutomatically(signIn: ClassifiedSignIn): boolean {
    switch (this.deps.settings.autoAsk) {
      case 'off':
        return false;
      case 'all':
        return true;
      case 'success':
        return signIn.outcome === 'success';
      default:
        return this.deps.settings.autoAsk satisfies never;
    }
  }

  /** After the post is recorded: the ask it was posted with is sent (by the job queue, or now). */
  async afterPosted(alertId: string, initial: InitialResponse, deadline?: number): Promise<void> {
    if (initial.response.ask?.status === 'requested') await this.hand({ kind: 'ask', alertId }, deadline);
  }

  /** Hands a job over (never throws: the response timer does it later if this fails). */
  private async hand(job: ResponderJob, deadline?: number): Promise<void> {
    try {
      if (this.deps.jobs) await this.deps.jobs.enqueue(job);
      else await this.runJob(job, deadline);
    } catch (err) {
      this.deps.logger.warn('responder job not handed over; the sweeper will do it', {
        ...job,
        error: asDeliveryError(err).message,
      });
    }
  }

  // ——— requests from Slack ———

  /** Acknowledge, Escalate or Ask them, clicked on a card. */
  async button(action: ButtonAction, req: SlackRequest): Promise<Reply> {
    const alert = await this.deps.store.getAlert(req.alertId);
    if (!isPosted(alert)) return 'This alert is not known here (or not posted yet): nothing was changed.';
    let who: ActorFacts;
    try {
      who = {
        actor: req.user,
        requestKey: req.requestKey,
        isSubject: await this.isSubject(alert, req.user, req.deadline),
        isResponder: await this.isResponder(alert.channel, req.user, req.deadline),
      };
    } catch (err) {
      this.deps.logger.warn('cannot tell whether the user may respond', {
        error: asDeliveryError(err).message,
      });
      return 'Slack did not say whether you are a responder just now, so nothing was changed. Try again in a moment.';
    }
    const applied = await this.apply(
      req.alertId,
      action === 'acknowledge'
        ? { kind: 'acknowledge' }
        : action === 'escalate'
          ? { kind: 'escalate', reason: `escalated by ${mention(req.user)}` }
          : { kind: 'request-ask' },
      who,
    );
    if (applied.kind !== 'changed') return applied.kind === 'refused' ? applied.reason : null;
    await this.afterChange(applied.alert, applied.event, req.deadline);
    return null;
  }

  /** "Yes, it was me" (button) or "No, it wasn't me" (the modal's submission), from the DM. */
  async answer(answer: 'yes' | 'no', req: SlackRequest & { readonly note?: string }): Promise<Reply> {
    const applied = await this.apply(
      req.alertId,
      { kind: 'answer', answer, ...(req.note ? { note: req.note } : {}) },
      { actor: req.user, requestKey: req.requestKey, isSubject: true, isResponder: false },
    );
    if (applied.kind !== 'changed') return applied.kind === 'refused' ? applied.reason : null;
    const { alert } = applied;
    await this.redrawDm(alert, req.deadline);
    await this.afterChange(alert, applied.event, req.deadline);
    return null;
  }

  /** Whether the answer may still be given (the "No" modal opens only then). */
  async mayAnswer(alertId: string, user: string): Promise<Reply> {
    const alert = await this.deps.store.getAlert(alertId);
    if (!isPosted(alert)) return 'This alert is not known here: nothing was changed.';
    const d = decide(
      alert.response,
      { kind: 'answer', answer: 'no' },
      { actor: user, isSubject: true, isResponder: false },
      alertFacts(alert),
      this.now,
    );
    return d.kind === 'refused' ? d.reason : null;
  }

  // ——— the change itself ———

  /** Decides and writes; a write that lost a race decides again on what the winner wrote. */
  private async apply(alertId: string, action: ResponderAction, who: ActorFacts): Promise<Applied> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const alert = await this.deps.store.getAlert(alertId);
      if (!isPosted(alert))
        return { kind: 'refused', reason: 'This alert is not posted: nothing was changed.' };
      const now = this.now;
      const facts = alertFacts(alert);
      const d: Decision = decide(alert.response, action, who, facts, now, this.deps.settings.policy);
      if (d.kind !== 'changed') return d;
      const timer = nextTimer(d.next, facts, this.deps.settings.policy, now, alert.burst);
      if (await this.deps.store.writeResponse(alertId, alert.response.version, d.next, timer, now)) {
        // A sign-in counted on the card after it was read may have set a timer this write replaced.
        if (alert.burst) await this.keepCounterDue(alertId);
        return {
          kind: 'changed',
          alert: { ...alert, response: d.next, updatedAt: now.toISOString() },
          event: d.event,
        };
      }
    }
    return {
      kind: 'refused',
      reason: 'The alert kept changing while you clicked: look at the card, then try again if needed.',
    };
  }

  /** The card redrawn, the thread told, slow work handed over. Slack trouble here is the sweeper's to retry. */
  private async afterChange(alert: Posted, event: AuditEvent | null, deadline: number): Promise<void> {
    await this.redraw(alert, deadline);
    const line = event ? auditLine(event, alert.response) : null;
    if (line) await this.thread(alert, line, deadline);
    if (event?.action === 'ask-requested') await this.hand({ kind: 'ask', alertId: alert.alertId }, deadline);
    if (
      alert.response.page?.status === 'due' &&
      (event?.action === 'escalated' || event?.action === 'denied')
    )
      await this.hand({ kind: 'page', alertId: alert.alertId }, deadline);
  }

  private card(alert: Posted) {
    return composeCard(alert.message, alert.alertId, alertFacts(alert), alert.response, stormOf(alert));
  }

  /** Redraws the card; when it shows the latest version, says so (one more conditional write). */
  private async redraw(alert: Posted, deadline: number, again = true): Promise<void> {
    try {
      await this.deps.notifier.update(
        { channel: alert.channel, ts: alert.ts },
        this.card(alert),
        { alertId: alert.alertId },
        this.budget(deadline),
      );
    } catch (err) {
      const error = asDeliveryError(err);
      this.deps.logger.warn('card not redrawn; the sweeper retries', {
        alertId: alert.alertId,
        error: error.message,
      });
      // Slack's Retry-After holds the counter back too; the timer brings it back then.
      if (alert.burst && error.failure.kind === 'rate-limited')
        await this.deps.store.deferBurstRedraw(
          alert.alertId,
          new Date(this.now.getTime() + error.failure.retryAfterMs),
        );
      // A card Slack will never redraw (deleted, say) is not tried every minute for ever.
      if (alert.burst && error.failure.kind === 'rejected' && error.failure.permanent)
        await this.deps.store.markBurstDrawn(alert.alertId, alert.burst.count, null);
      if (alert.burst) await this.keepCounterDue(alert.alertId);
      return;
    }
    if (alert.burst) {
      await this.deps.store.markBurstDrawn(
        alert.alertId,
        alert.burst.count,
        new Date(this.now.getTime() + BURST_REDRAW_MS),
      );
      // Becoming a brute force raises the card, and an edit notifies nobody: the thread says it, once, as the
      // redraw that first shows it (a card posted as a brute force already said so when it was posted).
      if (
        alert.burst.drawnCount > 0 &&
        alert.burst.drawnCount < BRUTE_FORCE_FAILURES &&
        isBruteForce(alert.burst) &&
        // A card posted high already (its failure was raised before the storm began) is not raised again.
        burstSeverity(alert.severity, alert.burst) !== alert.severity
      )
        await this.thread(alert, `⬆️ Raised to high: ${bruteForceWords(alert.burst)}`, deadline);
    }
    // A counter's redraw on a card whose response was drawn already has no response version to record.
    if (alert.response.drawnVersion !== alert.response.version || !alert.burst) {
      const drawn = await this.apply(
        alert.alertId,
        { kind: 'drawn', version: alert.response.version },
        { actor: BOT_ACTOR, isResponder: true, isSubject: false },
      );
      // Changed meanwhile: this update may have landed after a newer one (chat.update is last-writer-wins), so
      // draw the latest once more rather than leave an older card that the store calls current.
      if (drawn.kind === 'refused' && again) {
        const latest = await this.deps.store.getAlert(alert.alertId);
        if (isPosted(latest)) await this.redraw(latest, deadline, false);
      }
    }
    // Sign-ins counted while this was drawn: the timer comes back for them.
    if (alert.burst) await this.keepCounterDue(alert.alertId);
  }

  // ——— storm cards (bot/core/burst.ts) ———

  /**
   * Sign-ins were counted on a storm's card: redraw its counter now if no redraw was made in the last
   * BURST_REDRAW_MS (one worker gets the claim), else make sure the sweeper's timer comes back for it. However
   * many batches join meanwhile, the card is redrawn at most once per period, and the last count always is.
   */
  async counterChanged(alertId: string, deadline?: number): Promise<void> {
    const alert = await this.deps.store.getAlert(alertId);
    if (!isPosted(alert) || !alert.burst || !burstBehind(alert.burst)) return;
    const now = this.now;
    const until = deadline ?? now.getTime() + DEFAULT_BUDGET_MS;
    if (
      this.budget(until) > 0 &&
      burstRedrawDue(alert.burst, now).getTime() <= now.getTime() &&
      (await this.deps.store.claimBurstRedraw(alertId, new Date(now.getTime() + BURST_REDRAW_MS), now))
    ) {
      await this.redraw(alert, until, false);
      return;
    }
    await this.keepCounterDue(alertId);
  }

  /** A storm card whose counter is behind gets a response timer for its next allowed redraw. */
  private async keepCounterDue(alertId: string): Promise<void> {
    const latest = await this.deps.store.getAlert(alertId);
    if (!isPosted(latest) || !latest.burst || !burstBehind(latest.burst)) return;
    await this.deps.store.scheduleResponseTimer(alertId, burstRedrawDue(latest.burst, this.now));
  }

  private async thread(alert: Posted, text: string, deadline: number): Promise<void> {
    try {
      await this.deps.notifier.postInThread(
        { channel: alert.channel, ts: alert.ts },
        text,
        this.budget(deadline),
      );
    } catch (err) {
      this.deps.logger.warn('thread line not posted', {
        alertId: alert.alertId,
        error: asDeliveryError(err).message,
      });
    }
  }

  private async redrawDm(alert: Posted, deadline: number): Promise<void> {
    const ask = alert.response.ask;
    if (!ask?.dm || !ask.answer || !ask.answeredAt) return;
    const signIn = await this.deps.store.getSignIn(alert.subjectId);
    if (!signIn) return;
    try {
      await this.deps.notifier.update(
        ask.dm,
        renderAskDm(signIn, alert.alertId, accountName(this.deps.routing, signIn.accountId), {
          answer: ask.answer,
          at: ask.answeredAt,
        }),
        { alertId: alert.alertId },
        this.budget(deadline),
      );
    } catch (err) {
      this.deps.logger.warn('DM not redrawn', {
        alertId: alert.alertId,
        error: asDeliveryError(err).message,
      });
    }
  }

  // ——— who may act ———

  private cached(key: string, load: () => Promise<boolean>): Promise<boolean> {
    const now = Date.now();
    const hit = this.memberCache.get(key);
    if (hit && now - hit.at < MEMBERSHIP_TTL_MS) return hit.value;
    const value = load();
    // A failed look-up is not remembered.
    value.catch(() => this.memberCache.delete(key));
    this.memberCache.set(key, { at: now, value });
    return value;
  }

  /** Whether `user` may act on alerts in `channel`: the configured responders, or the channel's members. */
  async isResponder(channel: string, user: string, deadline: number): Promise<boolean> {
    const allowed = this.deps.settings.allowed;
    if (allowed === null)
      return this.cached(`channel:${channel}:${user}`, () =>
        this.deps.notifier.isChannelMember(channel, user, this.budget(deadline)),
      );
    if (allowed.users.includes(user)) return true;
    for (const group of allowed.groups) {
      const member = await this.cached(`group:${group}:${user}`, async () =>
        (await this.deps.notifier.groupMembers(group, this.budget(deadline))).includes(user),
      );
      if (member) return true;
    }
    return false;
  }

  /** Whether `user` is the person the alert is about (known from the ask, the map, or their e-mail). */
  private async isSubject(alert: Posted, user: string, deadline: number): Promise<boolean> {
    const known = alert.response.subject?.user ?? alert.response.ask?.user;
    if (known) return known === user;
    if (alert.kind !== 'signin') return false;
    const signIn = await this.deps.store.getSignIn(alert.subjectId);
    if (!signIn) return false;
    const match = subjectOf(signIn, this.deps.settings.identityMap);
    if (match.kind === 'unmapped') return false;
    if (match.target.kind === 'user') return match.target.user === user;
    const email = match.target.email;
    return this.cached(
      `email:${email}:${user}`,
      async () => (await this.deps.notifier.lookupUserByEmail(email, this.budget(deadline))) === user,
    );
  }

  // ——— jobs (the worker) ———

  async runJob(job: ResponderJob, deadline?: number): Promise<void> {
    const until = deadline ?? this.now.getTime() + DEFAULT_BUDGET_MS;
    switch (job.kind) {
      case 'ask':
        return this.ask(job.alertId, until);
      case 'page':
        return this.page(job.alertId, until);
      case 'redraw': {
        const alert = await this.deps.store.getAlert(job.alertId);
        if (isPosted(alert)) await this.redraw(alert, until);
        return;
      }
      default:
        return job satisfies never;
    }
  }

  /** Finds the subject in Slack and DMs them "was this you?"; says on the card why not when that fails. */
  private async ask(alertId: string, deadline: number): Promise<void> {
    const alert = await this.deps.store.getAlert(alertId);
    if (!isPosted(alert) || alert.response.ask?.status !== 'requested') return;
    const signIn = await this.deps.store.getSignIn(alert.subjectId);
    const notAsked = async (reason: string) => {
      const applied = await this.apply(alertId, { kind: 'not-asked', reason }, this.bot);
      if (applied.kind === 'changed') await this.afterChange(applied.alert, applied.event, deadline);
    };
    if (!signIn) return notAsked('the sign-in record is not stored');
    const match = subjectOf(signIn, this.deps.settings.identityMap);
    if (match.kind === 'unmapped') return notAsked(match.reason);
    let user: string;
    let dm: PostedMessage;
    try {
      if (match.target.kind === 'user') user = match.target.user;
      else {
        const found = await this.deps.notifier.lookupUserByEmail(match.target.email, this.budget(deadline));
        if (!found) return notAsked(`no Slack user has the e-mail address of ${match.via}`);
        user = found;
      }
      dm = await this.deps.notifier.postDm(
        user,
        renderAskDm(signIn, alertId, accountName(this.deps.routing, signIn.accountId)),
        { alertId },
        this.budget(deadline),
      );
    } catch (err) {
      const error = asDeliveryError(err);
      const f = error.failure;
      const requested = Date.parse(alert.response.ask.requestedAt);
      // A refusal that will not change, or a Slack that stayed down past the ask's whole timeout: say so.
      if (
        (f.kind === 'rejected' && f.permanent) ||
        this.now.getTime() - requested > this.deps.settings.policy.askTimeoutMs
      )
        return notAsked(`Slack refused the direct message (${error.message})`);
      this.deps.logger.warn('ask not sent yet; the sweeper retries', { alertId, error: error.message });
      return;
    }
    const applied = await this.apply(alertId, { kind: 'asked', user, dm }, this.bot);
    if (applied.kind === 'changed') await this.afterChange(applied.alert, applied.event, deadline);
  }

  private readonly bot: ActorFacts = { actor: BOT_ACTOR, isResponder: true, isSubject: false };

  /** Sends the due page: SNS (mail, SMS) first, then the on-call mention in the thread. */
  private async page(alertId: string, deadline: number): Promise<void> {
    const claim = await this.apply(alertId, { kind: 'page-claim' }, this.bot);
    if (claim.kind !== 'changed') return;
    const alert = claim.alert;
    const signIn = alert.kind === 'signin' ? await this.deps.store.getSignIn(alert.subjectId) : null;
    let permalink: string | null = null;
    try {
      permalink = await this.deps.notifier.permalink(
        { channel: alert.channel, ts: alert.ts },
        Math.min(2000, this.budget(deadline)),
      );
    } catch {
      // The page goes without a link rather than not at all.
    }
    try {
      await this.deps.escalator.escalate(
        pageEscalation(alert, alert.response, {
          signIn,
          accountName: accountName(this.deps.routing, signIn?.accountId ?? null),
          permalink,
        }),
      );
    } catch (err) {
      const error = asDeliveryError(err).message;
      this.deps.logger.error('page not sent; retrying', { alertId, error });
      const failed = await this.apply(alertId, { kind: 'page-failed', error }, this.bot);
      if (failed.kind === 'changed') await this.afterChange(failed.alert, failed.event, deadline);
      return;
    }
    const sent = await this.apply(alertId, { kind: 'page-sent' }, this.bot);
    const oncall = oncallMention(this.deps.settings.oncall);
    const reason = alert.response.escalated?.reason ?? 'escalated';
    await this.thread(
      alert,
      `📟 Paged the escalation topic (mail, SMS): ${reason}.${oncall ? ` ${oncall}, please take this alert.` : ''}`,
      deadline,
    );
    if (sent.kind === 'changed') await this.redraw(sent.alert, deadline);
  }

  // ——— timers (the sweeper) ———

  /** Does the responder work that fell due: reminders, timeouts, pages, asks and redraws left undone. */
  async sweep(
    options: { deadline?: number; limit?: number } = {},
  ): Promise<{ done: number; errors: number }> {
    const deadline = options.deadline ?? this.now.getTime() + DEFAULT_BUDGET_MS;
    const ids = await this.deps.store.listDueResponses(this.now, options.limit ?? 50);
    let done = 0;
    let errors = 0;
    for (const alertId of ids) {
      if (this.budget(deadline) <= 0) break;
      try {
        await this.runDue(alertId, deadline);
        done += 1;
      } catch (err) {
        errors += 1;
        this.deps.logger.error('responder timer failed', { alertId, error: asDeliveryError(err).message });
      }
    }
    return { done, errors };
  }

  private async runDue(alertId: string, deadline: number): Promise<void> {
    const alert = await this.deps.store.getAlert(alertId);
    if (!isPosted(alert)) return;
    const facts = alertFacts(alert);
    const due = dueWork(
      alert.response,
      facts,
      this.deps.settings.policy,
      this.now,
      new Date(alert.updatedAt),
      alert.burst,
    );
    // A redraw draws the counter too.
    const work = due.some((w) => w.kind === 'redraw') ? due.filter((w) => w.kind !== 'redraw-counter') : due;
    for (const w of work) await this.doWork(alertId, w, deadline);
    // Whatever happened, the timer is set again from what the alert now says (a run with nothing left to do
    // must not come back every minute).
    const latest = await this.deps.store.getAlert(alertId);
    if (!isPosted(latest)) return;
    const now = this.now;
    const timer = nextTimer(
      latest.response,
      facts,
      this.deps.settings.policy,
      new Date(latest.updatedAt),
      latest.burst,
    );
    if (timer === null || timer.getTime() <= now.getTime() - 1000 || work.length === 0) {
      const next = {
        ...latest.response,
        version: latest.response.version + 1,
        drawnVersion: carriedDrawn(latest.response, true),
      };
      const retry =
        timer && timer.getTime() <= now.getTime()
          ? new Date(now.getTime() + this.deps.settings.policy.retryMs)
          : timer;
      await this.deps.store.writeResponse(alertId, latest.response.version, next, retry, now);
      if (latest.burst) await this.keepCounterDue(alertId);
    }
  }

  private async doWork(alertId: string, w: DueWork, deadline: number): Promise<void> {
    switch (w.kind) {
      case 'page':
        return this.page(alertId, deadline);
      case 'ask':
        return this.ask(alertId, deadline);
      case 'redraw':
        return this.runJob({ kind: 'redraw', alertId }, deadline);
      case 'redraw-counter':
        return this.counterChanged(alertId, deadline);
      case 'escalate': {
        const applied = await this.apply(alertId, { kind: 'escalate', reason: w.reason }, this.bot);
        if (applied.kind === 'changed') {
          // The page first: it is the one way to people that does not need Slack. It redraws the card after.
          const line = applied.event ? auditLine(applied.event, applied.alert.response) : null;
          if (line) await this.thread(applied.alert, line, deadline);
          await this.page(alertId, deadline);
        }
        return;
      }
      case 'remind-ask': {
        const applied = await this.apply(alertId, { kind: 'remind-ask' }, this.bot);
        if (applied.kind !== 'changed') return;
        const { alert } = applied;
        const ask = alert.response.ask;
        const left = this.minutesLeft(ask?.askedAt, this.deps.settings.policy.askTimeoutMs);
        if (ask?.user)
          await this.thread(
            alert,
            `⏰ Still waiting for ${mention(ask.user)} to say whether this was them; it escalates in ${left} min.`,
            deadline,
          );
        if (ask?.dm) {
          try {
            await this.deps.notifier.postInThread(
              ask.dm,
              `⏰ Reminder: was this you? Please answer above. Without an answer the security team is paged in ${left} min.`,
              this.budget(deadline),
            );
          } catch (err) {
            this.deps.logger.warn('DM reminder not posted', { alertId, error: asDeliveryError(err).message });
          }
        }
        return;
      }
      case 'remind-ack': {
        const applied = await this.apply(alertId, { kind: 'remind-ack' }, this.bot);
        if (applied.kind !== 'changed') return;
        const left = this.minutesLeft(
          applied.alert.response.postedAt,
          this.deps.settings.policy.ackTimeoutMs,
        );
        const oncall = oncallMention(this.deps.settings.oncall);
        await this.thread(
          applied.alert,
          `⏰ This critical alert is not acknowledged yet; it escalates in ${left} min.${oncall ? ` ${oncall}` : ''}`,
          deadline,
        );
        return;
      }
      default:
        return w satisfies never;
    }
  }

  private minutesLeft(from: string | undefined, timeoutMs: number): number {
    if (!from) return Math.round(timeoutMs / 60_000);
    return Math.max(1, Math.round((Date.parse(from) + timeoutMs - this.now.getTime()) / 60_000));
  }
}
