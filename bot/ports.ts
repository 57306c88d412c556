// The small interfaces the bot's services need from the outside world. Adapters implement them.
import type { SlackMessage } from './core/render/blocks';
import type { ClassifiedSignIn, Severity } from './core/sign-in';

export type AlertKind = 'signin' | 'alarm';
/** posting: a worker holds the lease; pending: the post failed and waits for a retry; failed: gave up. */
export type AlertStatus = 'posting' | 'pending' | 'posted' | 'failed';

export interface AlertRecord {
  readonly alertId: string;
  readonly kind: AlertKind;
  /** The sign-in eventId or the alarm notification id. */
  readonly subjectId: string;
  readonly severity: Severity;
  readonly channel: string;
  readonly status: AlertStatus;
  readonly message: SlackMessage;
  readonly attempts: number;
  readonly leaseUntil: string;
  /** Who holds the lease: each claim draws a new one, and only its holder may release it. */
  readonly leaseId: string;
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
  | { readonly status: 'posted'; readonly alert: AlertRecord }
  | { readonly status: 'in-flight'; readonly alert: AlertRecord }
  | { readonly status: 'failed'; readonly alert: AlertRecord };

export interface SignInQuery {
  readonly from: Date;
  readonly to: Date;
  readonly limit?: number;
}

export interface SignInStore {
  /** Idempotent on eventId: storing the same sign-in twice keeps one. */
  saveSignIn(signIn: ClassifiedSignIn, now: Date): Promise<void>;
  getSignIn(eventId: string): Promise<ClassifiedSignIn | null>;
  /** Newest first. */
  listSignIns(query: SignInQuery, now: Date): Promise<ClassifiedSignIn[]>;
  /**
   * Takes the right to post an alert: only one caller gets "claimed" for a given alertId until the
   * lease expires or the post is released as pending. A posted alert is never claimed again.
   */
  claimAlert(alert: NewAlert, now: Date, leaseMs: number): Promise<ClaimResult>;
  /** Records a post that happened, whoever holds the lease now. */
  markAlertPosted(alertId: string, posted: { channel: string; ts: string }, now: Date): Promise<void>;
  /**
   * Releases the lease after a failed (or deferred) post; the sweeper retries it from `retryAt`.
   * Returns false, changing nothing, when `leaseId` no longer holds the lease.
   */
  markAlertPending(
    alertId: string,
    leaseId: string,
    error: string,
    now: Date,
    retryAt: Date,
  ): Promise<boolean>;
  /** Gives up on an alert (no more retries). False when `leaseId` no longer holds the lease. */
  markAlertFailed(alertId: string, leaseId: string, error: string, now: Date): Promise<boolean>;
  getAlert(alertId: string): Promise<AlertRecord | null>;
  /** Alerts not posted whose retry time (or lease) has passed. */
  listDueAlerts(now: Date, limit: number): Promise<AlertRecord[]>;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

export interface Notifier {
  post(channel: string, message: SlackMessage): Promise<PostedMessage>;
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
