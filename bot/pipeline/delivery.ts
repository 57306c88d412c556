// The one delivery function, used by the worker, the sweeper and the CLI: claim an alert, make sure it is not
// already in Slack, post it once, record it. A post whose outcome is unknown (timeout, reset, 5xx, a worker
// that died holding the lease) is never retried blindly: the channel is searched for the alert's metadata
// first. Only the record step is ever retried after a post that landed, never the post.
import { BOT_METRICS } from '../../shared/metrics';
import { ALERT_LEASE_MS } from '../../shared/timeouts';
import { BURST_REDRAW_MS } from '../core/burst';
import { composeCard, stormOf } from '../core/render/response-card';
import { withBurst } from '../core/render/sign-in-card';
import { alertFacts, initialResponse } from '../core/response';
import type {
  AlertRecord,
  Clock,
  Escalator,
  InitialResponse,
  Logger,
  Metrics,
  Notifier,
  PostedMessage,
  SignInStore,
} from '../ports';
import { asDeliveryError, type DeliveryError } from './delivery-error';
import { giveUpEscalation } from './escalation-message';

export interface DeliveryDeps {
  readonly store: SignInStore;
  readonly notifier: Notifier;
  readonly escalator: Escalator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** @default ALERT_LEASE_MS (shared/timeouts.ts) */
  readonly leaseMs?: number;
  /** The responder loop: the buttons and status a card is posted with, and the ask sent after it. */
  readonly responders?: PostingHooks;
}

/** What delivery needs of the responder loop (bot/pipeline/responders.ts). */
export interface PostingHooks {
  initialFor(alert: AlertRecord): Promise<InitialResponse>;
  afterPosted(alertId: string, initial: InitialResponse, deadline?: number): Promise<void>;
  /** Sign-ins were counted on a posted storm card: redraw its counter, or time the redraw (throttled). */
  counterChanged?(alertId: string, deadline?: number): Promise<void>;
}

export interface DeliveryOptions {
  /** Epoch ms after which no Slack call may still be running. */
  readonly deadline?: number;
}

export type DeliveryOutcome =
  /** Posted now. */
  | 'posted'
  /** A lost answer had in fact landed: found in the channel and recorded, not posted again. */
  | 'found'
  /** Posted, recorded, claimed by someone else, or not due: nothing to do here. */
  | 'unavailable'
  /** Left pending for a later attempt (the sweeper's). */
  | 'pending'
  /** Given up: escalated to people outside Slack. */
  | 'failed';

/** Posts after this many attempts are given up and escalated. */
export const MAX_ATTEMPTS = 10;
/** Retry delay after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour. */
export const backoffMs = (attempts: number): number =>
  Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
/** Without a secret there is nothing to try: look again in a minute, without counting an attempt. */
const NOT_CONFIGURED_RETRY_MS = 60_000;
/** Time one delivery may take when the caller has no deadline (the CLI). */
const DEFAULT_BUDGET_MS = 30_000;
const RECORD_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Claimed = AlertRecord & { readonly leaseId: string };

class Delivery {
  constructor(
    private readonly alert: Claimed,
    private readonly deps: DeliveryDeps,
    private readonly deadline: number,
  ) {}

  private get budget(): number {
    return this.deadline - this.deps.clock.now().getTime();
  }

  private get fields() {
    return { alertId: this.alert.alertId, severity: this.alert.severity, attempt: this.alert.attempts };
  }

  /** The response the card goes out with; none when the responder loop cannot say (the card still goes). */
  private initial: InitialResponse | undefined;

  private async prepare(): Promise<void> {
    const hooks = this.deps.responders;
    if (!hooks) return;
    try {
      this.initial = await hooks.initialFor(this.alert);
    } catch (err) {
      // Never a card without a response: it would have no buttons, no timers, and could never be paged.
      this.deps.logger.error(
        'responder state not prepared; posting the card as open, the sweeper sets its timers',
        {
          ...this.fields,
          error: asDeliveryError(err).message,
        },
      );
      const now = this.deps.clock.now();
      this.initial = { response: initialResponse(now), timerAt: now };
    }
  }

  /** A storm's card goes out with the counters as claimed; sign-ins counted after are the redraw's. */
  private get message() {
    const { alert } = this;
    if (this.initial)
      return composeCard(
        alert.message,
        alert.alertId,
        alertFacts(alert),
        this.initial.response,
        stormOf(alert),
      );
    return alert.burst ? withBurst(alert.message, alert.severity, alert.burst) : alert.message;
  }

  /** `drawn`: this delivery drew the card (false for one found in Slack, drawn by an earlier attempt). */
  private async posted(drawn: boolean): Promise<void> {
    await this.counterPosted(drawn);
    const hooks = this.deps.responders;
    if (!hooks || !this.initial) return;
    try {
      await hooks.afterPosted(this.alert.alertId, this.initial, this.deadline);
    } catch (err) {
      this.deps.logger.warn('after-post responder work failed; the sweeper retries it', {
        ...this.fields,
        error: asDeliveryError(err).message,
      });
    }
  }

  /** A storm card in Slack: the count it shows is recorded, and one counted since is redrawn (throttled). */
  private async counterPosted(drawn: boolean): Promise<void> {
    const burst = this.alert.burst;
    if (!burst) return;
    try {
      const next = new Date(this.deps.clock.now().getTime() + BURST_REDRAW_MS);
      // A card found in Slack shows what an earlier attempt drew, at least its own sign-in: redrawn if more.
      await this.deps.store.markBurstDrawn(this.alert.alertId, drawn ? burst.count : 1, next);
      await this.deps.responders?.counterChanged?.(this.alert.alertId, this.deadline);
    } catch (err) {
      this.deps.logger.warn('storm counter not settled after the post; the next sign-in counted redraws it', {
        ...this.fields,
        error: asDeliveryError(err).message,
      });
    }
  }

  async run(): Promise<DeliveryOutcome> {
    await this.prepare();
    if (this.alert.attempts > 1 && this.alert.lastOutcome === 'unknown') {
      const found = await this.lookForEarlierPost();
      if (typeof found === 'string') return found;
      if (found) {
        this.deps.logger.warn('alert found in Slack after an unknown outcome: not posted again', this.fields);
        await this.record(found);
        await this.posted(false);
        return 'found';
      }
    }
    let posted: PostedMessage;
    let landedLate = false;
    try {
      posted = await this.deps.notifier.post(
        this.alert.channel,
        this.message,
        { alertId: this.alert.alertId },
        this.budget,
      );
    } catch (err) {
      const error = asDeliveryError(err);
      const landed = error.failure.kind === 'unknown' ? await this.landedAnyway(error) : null;
      if (!landed) return this.failed(error);
      posted = landed;
      landedLate = true;
    }
    await this.record(posted);
    this.deps.metrics.count(BOT_METRICS.alertsPosted);
    this.deps.logger.info('alert posted', { ...this.fields, channel: posted.channel, ts: posted.ts });
    await this.posted(!landedLate);
    return 'posted';
  }

  /** The earlier post if it landed, null if it did not, or the outcome when Slack cannot tell now. */
  private async lookForEarlierPost(): Promise<PostedMessage | null | DeliveryOutcome> {
    const since = new Date(this.alert.firstAttemptAt ?? this.alert.createdAt);
    try {
      return await this.deps.notifier.findPosted(
        this.alert.channel,
        { alertId: this.alert.alertId },
        since,
        this.budget,
      );
    } catch (err) {
      const error = asDeliveryError(err);
      const f = error.failure;
      if (f.kind === 'rejected' && f.permanent && !f.tokenRefused) {
        // The channel can never be searched (a name, not an ID; no history scope): a duplicate is better than a
        // lost alert, so post.
        this.deps.logger.warn('cannot look for an earlier post; posting, which may duplicate it', {
          ...this.fields,
          error: error.message,
        });
        return null;
      }
      if (f.kind === 'rejected' && f.tokenRefused) return this.failed(error);
      // Slack cannot tell now: look again later, but not for ever.
      if (this.alert.attempts >= MAX_ATTEMPTS)
        return this.giveUp(error, `${this.alert.attempts} attempts failed`);
      await this.pending(
        error,
        'unknown',
        this.retryAt(error),
        f.kind === 'unknown' || f.kind === 'rejected',
      );
      return 'pending';
    }
  }

  /**
   * Right after an answer was lost (a timeout after Slack accepted the post, say): is the card in the channel?
   * Most lost answers are settled here at once; what cannot be told now is left to the retry, which looks again.
   */
  private async landedAnyway(error: DeliveryError): Promise<PostedMessage | null> {
    const since = new Date(this.alert.firstAttemptAt ?? this.alert.createdAt);
    try {
      const found = await this.deps.notifier.findPosted(
        this.alert.channel,
        { alertId: this.alert.alertId },
        since,
        this.budget,
      );
      if (found)
        this.deps.logger.warn('post answer lost, but the card is in Slack', {
          ...this.fields,
          error: error.message,
        });
      return found;
    } catch (lookupError) {
      this.deps.logger.warn('post answer lost and the channel cannot be searched now', {
        ...this.fields,
        error: error.message,
        lookupError: asDeliveryError(lookupError).message,
      });
      return null;
    }
  }

  /**
   * Records a post that happened. Never releases the alert: a post that landed must not be made again. Tried
   * while time is left; past it, the lease stays, and once it runs out the sweeper finds the card in the channel
   * and records it.
   */
  private async record(posted: PostedMessage): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await this.deps.store.markAlertPosted(
          this.alert.alertId,
          this.alert.leaseId,
          posted,
          this.deps.clock.now(),
          this.initial,
        );
        if (recorded === 'already-posted') {
          this.deps.logger.error(
            'alert posted twice: another worker posted it after losing track',
            this.fields,
          );
        }
        return;
      } catch (err) {
        if (attempt >= RECORD_ATTEMPTS || this.budget <= 0) {
          this.deps.logger.error('alert posted but not recorded', {
            ...this.fields,
            ...posted,
            error: asDeliveryError(err).message,
          });
          return;
        }
        await sleep(100 * attempt);
      }
    }
  }

  private retryAt(error: DeliveryError): Date {
    const now = this.deps.clock.now().getTime();
    const f = error.failure;
    if (f.kind === 'rate-limited') return new Date(now + f.retryAfterMs);
    if (f.kind === 'not-attempted')
      return new Date(now + (f.reason === 'not-configured' ? NOT_CONFIGURED_RETRY_MS : 0));
    return new Date(now + backoffMs(this.alert.attempts));
  }

  private async failed(error: DeliveryError): Promise<DeliveryOutcome> {
    const f = error.failure;
    if (f.kind === 'rejected' && f.permanent) return this.giveUp(error, 'Slack refuses it');
    if (f.kind === 'not-attempted' || f.kind === 'rate-limited') {
      // Slack never saw it: this does not count as an attempt.
      await this.pending(error, this.alert.lastOutcome ?? 'not-sent', this.retryAt(error), false);
      return 'pending';
    }
    if (this.alert.attempts >= MAX_ATTEMPTS)
      return this.giveUp(error, `${this.alert.attempts} attempts failed`);
    await this.pending(error, f.kind === 'unknown' ? 'unknown' : 'not-sent', this.retryAt(error), true);
    return 'pending';
  }

  private async pending(
    error: DeliveryError,
    outcome: 'unknown' | 'not-sent',
    retryAt: Date,
    attempted: boolean,
  ) {
    const now = this.deps.clock.now();
    const kept = await this.deps.store.markAlertPending(
      this.alert.alertId,
      this.alert.leaseId,
      { error: error.message, outcome, retryAt, attempted, attemptStartedAt: new Date(this.alert.updatedAt) },
      now,
    );
    this.deps.logger.warn('alert not posted yet; left for a retry', {
      ...this.fields,
      error: error.message,
      retryAt: retryAt.toISOString(),
      leaseLost: !kept,
    });
  }

  private async giveUp(error: DeliveryError, why: string): Promise<DeliveryOutcome> {
    const f = error.failure;
    if (f.kind === 'rejected') {
      this.deps.metrics.count(BOT_METRICS.slackPermanentErrors);
      if (f.tokenRefused) this.deps.metrics.count(BOT_METRICS.slackTokenRefused);
    }
    const marked = await this.deps.store.markAlertFailed(
      this.alert.alertId,
      this.alert.leaseId,
      error.message,
      this.deps.clock.now(),
    );
    if (!marked) {
      // Someone took the alert over meanwhile: it is theirs to post or give up.
      this.deps.logger.warn('lease lost before giving up; the new holder owns the alert', this.fields);
      return 'unavailable';
    }
    this.deps.metrics.count(BOT_METRICS.abandonedAlerts);
    this.deps.logger.error('alert abandoned: escalating outside Slack', {
      ...this.fields,
      why,
      error: error.message,
    });
    try {
      await this.deps.escalator.escalate(giveUpEscalation(this.alert, why, error.message));
    } catch (err) {
      // The abandoned-alerts alarm still fires from the metric above, by mail and SMS.
      this.deps.logger.error('escalation failed', { ...this.fields, error: asDeliveryError(err).message });
    }
    return 'failed';
  }
}

/** Delivers one stored alert (see the file comment). Never throws for Slack's troubles; store errors do. */
export const deliverAlert = async (
  alertId: string,
  deps: DeliveryDeps,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome> => {
  const now = deps.clock.now();
  const claim = await deps.store.claimAlert(alertId, now, deps.leaseMs ?? ALERT_LEASE_MS);
  if (claim.status !== 'claimed') return 'unavailable';
  const { alert } = claim;
  if (alert.leaseId === undefined) throw new Error(`claimed alert ${alertId} has no lease id`);
  const deadline = options.deadline ?? now.getTime() + DEFAULT_BUDGET_MS;
  return new Delivery({ ...alert, leaseId: alert.leaseId }, deps, deadline).run();
};
