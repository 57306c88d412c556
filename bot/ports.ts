// The small interfaces the bot's services need from the outside world. Adapters implement them.
import type { BotMetricName } from '../shared/metrics';
import type { SlackMessage } from './core/render/blocks';
import type { ClassifiedSignIn, Severity } from './core/sign-in';

export type AlertKind = 'signin' | 'alarm' | 'change' | 'health';
/**
 * Delivery state of an alert (not its response state, which the responder work adds):
 * pending: due for a post at `dueAt`; posting: a worker holds the lease; posted: in Slack; failed: given up.
 */
export type DeliveryStatus = 'pending' | 'posting' | 'posted' | 'failed';
export const DELIVERY_STATUSES = ['pending', 'posting', 'posted', 'failed'] as const;

/**
 * What the last attempt tells about Slack: `not-sent` when Slack answered and the message is certainly not
 * there (429, `ok: false`); `unknown` when it may have landed (timeout, reset, 5xx, a worker that died).
 */
export type AttemptOutcome = 'not-sent' | 'unknown';

export interface AlertRecord {
  readonly alertId: string;
  readonly kind: AlertKind;
  /** The sign-in eventId, the alarm notification id, the tamper event's eventId, or the health check's key. */
  readonly subjectId: string;
  readonly severity: Severity;
  readonly channel: string;
  readonly status: DeliveryStatus;
  readonly message: SlackMessage;
  /** Posts attempted so far. */
  readonly attempts: number;
  /** When the next attempt may start (pending), or when the current lease runs out (posting). */
  readonly dueAt: string;
  /** Who holds the lease: each claim draws a new one, and only its holder may change the alert. */
  readonly leaseId?: string;
  /** When the first post was attempted: a lookup for a post that may have landed starts there. */
  readonly firstAttemptAt?: string;
  readonly lastOutcome?: AttemptOutcome;
  readonly ts?: string;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewAlert {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly subjectId: string;
  readonly severity: Severity;
  readonly channel: string;
  readonly message: SlackMessage;
}

export type ClaimResult =
  | { readonly status: 'claimed'; readonly alert: AlertRecord }
  /** Someone else holds the lease, or it is posted, failed, or not due yet. */
  | { readonly status: 'unavailable'; readonly alert: AlertRecord | null };

export interface SignInQuery {
  readonly from: Date;
  readonly to: Date;
  /** Only records that match, counted before the limit. */
  readonly filter?: {
    readonly eventName?: string;
    readonly outcome?: ClassifiedSignIn['outcome'];
    /** `Root` to keep only root sign-ins, `!Root` to keep every other identity type. */
    readonly identityType?: 'Root' | '!Root';
  };
  readonly limit?: number;
}

export interface PendingUpdate {
  readonly error: string;
  readonly outcome: AttemptOutcome;
  readonly retryAt: Date;
  /** False when the attempt never reached Slack (deferred, not configured): it does not count. */
  readonly attempted: boolean;
  /** When this attempt started (its claim): a later lookup for a post that may have landed starts there. */
  readonly attemptStartedAt: Date;
}

/** What the sweeper needs to know of a due alert; the rest is read (and validated) when it is claimed. */
export interface DueAlert {
  readonly alertId: string;
  readonly severity: Severity;
  readonly dueAt: string;
}

export interface SignInStore {
  /** Idempotent on eventId: storing the same sign-in twice keeps one. Over-long values are clipped. */
  saveSignIn(signIn: ClassifiedSignIn, now: Date): Promise<void>;
  getSignIn(eventId: string): Promise<ClassifiedSignIn | null>;
  /** Newest first. */
  listSignIns(query: SignInQuery, now: Date): Promise<ClassifiedSignIn[]>;
  /** Writes the alert as pending and due now, unless it exists. True when this call created it. */
  createAlert(alert: NewAlert, now: Date): Promise<boolean>;
  /**
   * Takes the right to post: only one caller gets "claimed" for an alert that is pending and due, or whose
   * lease ran out. A posted or failed alert is never claimed again.
   */
  claimAlert(alertId: string, now: Date, leaseMs: number): Promise<ClaimResult>;
  /**
   * Records a post that happened. `already-posted` when another holder recorded one first (a duplicate);
   * recorded even if the lease was lost meanwhile, so that nobody posts it again.
   */
  markAlertPosted(
    alertId: string,
    leaseId: string,
    posted: PostedMessage,
    now: Date,
  ): Promise<'recorded' | 'already-posted'>;
  /** Releases the lease after a failed or deferred post. False, changing nothing, when the lease was lost. */
  markAlertPending(alertId: string, leaseId: string, update: PendingUpdate, now: Date): Promise<boolean>;
  /** Gives up on an alert (no more retries). False when `leaseId` no longer holds the lease. */
  markAlertFailed(alertId: string, leaseId: string, error: string, now: Date): Promise<boolean>;
  getAlert(alertId: string): Promise<AlertRecord | null>;
  /** Alerts not posted whose due time has passed: most severe first, then oldest. */
  listDueAlerts(now: Date, limit: number): Promise<DueAlert[]>;
  /**
   * When the oldest alert not yet in Slack (pending or posting) was created, for the pipeline-health metric;
   * null when there is none. Reads at most `maxItems` undelivered alerts.
   */
  oldestUndeliveredAt(maxItems: number): Promise<string | null>;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/** Message metadata that ties a Slack message to its alert (found again by `findPosted`). */
export interface AlertTag {
  readonly alertId: string;
}

export interface Notifier {
  /** Posts a card tagged with its alert id. Throws a DeliveryError (bot/pipeline/delivery-error.ts). */
  post(channel: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage>;
  /**
   * Looks in the channel for a message tagged with `tag` posted since `since`; null when it is not there.
   * Throws a DeliveryError when the channel cannot be read.
   */
  findPosted(channel: string, tag: AlertTag, since: Date, budgetMs: number): Promise<PostedMessage | null>;
}

export interface Escalation {
  readonly subject: string;
  readonly message: string;
  /** Keys for filtering (SNS message attributes). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Reaches people without Slack (the escalation topic: mail, SMS). */
export interface Escalator {
  escalate(escalation: Escalation): Promise<void>;
}

export interface Metrics {
  count(name: BotMetricName, value?: number): void;
  gauge(name: BotMetricName, value: number, unit: 'Seconds' | 'Count'): void;
  /** Writes what was recorded (one EMF line on Lambda). */
  flush(): void;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const noMetrics: Metrics = { count: () => {}, gauge: () => {}, flush: () => {} };
