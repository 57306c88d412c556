// The small interfaces the bot's services need from the outside world. Adapters implement them.
import type { BotMetricName } from '../shared/metrics';
import type { BaselineFacts } from './core/baseline-types';
import type { BurstCounters } from './core/burst';
import type { GeoData } from './core/geo';
import type { ActivitySummary } from './core/query';
import type { SlackMessage } from './core/render/blocks';
import type { ClassifiedSignIn, Severity } from './core/sign-in';
import type { Silence } from './core/silence-types';

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
  /** What people did about it (absent until the card is posted). */
  readonly response?: AlertResponse;
  /** The storm this card stands for, when sign-ins joined it (bot/core/burst.ts). */
  readonly burst?: BurstState;
}

/** A group of sign-ins counted on one card: its counters, and how far the card has drawn them. */
export interface BurstState extends BurstCounters {
  readonly key: string;
  /** The count the card showed when last drawn (0 until it is posted). */
  readonly drawnCount: number;
  /** Not before this may the counter be redrawn (the throttle, or Slack's Retry-After). */
  readonly redrawAt?: string;
}

/** A batch's run of one group: the card its first sign-in would post, and what the run adds to the counters. */
export interface BurstJoinRequest {
  readonly key: string;
  readonly alert: NewAlert;
  /** The run's own counts (sign-ins new to the store only) and its first and last event times. */
  readonly counters: BurstCounters;
  readonly windowMs: number;
  /**
   * Failures of the group before the run that no card counted (routing kept them out of Slack until the tenth
   * made a brute force): added to the counters when the run opens the group's card, never when it joins one.
   */
  readonly leadUp?: { readonly failures: number; readonly first: string };
}

/** opened: the run's first sign-in is a new group's card; joined: the run was counted on an open group's card. */
export type BurstJoin =
  | { readonly kind: 'opened'; readonly alertId: string }
  | { readonly kind: 'joined'; readonly alertId: string };

/**
 * Response state of an alert, separate from its delivery state: open until someone acts.
 * acknowledged: a responder took it; escalated: paged (by a responder, a timeout, or a denial);
 * confirmed: its subject said "yes, it was me" but a responder must still acknowledge (critical);
 * denied: its subject said "no"; resolved: nothing left to do.
 */
export type ResponseState = 'open' | 'acknowledged' | 'escalated' | 'confirmed' | 'denied' | 'resolved';
export const RESPONSE_STATES = [
  'open',
  'acknowledged',
  'escalated',
  'confirmed',
  'denied',
  'resolved',
] as const;

/** Who did something: a Slack user id, or the bot itself (timeouts, automatic asks). */
export type Actor = string;
export const BOT_ACTOR = 'signins';

export type AuditAction =
  | 'posted'
  | 'acknowledged'
  | 'escalated'
  | 'ask-requested'
  | 'asked'
  | 'not-asked'
  | 'confirmed'
  | 'denied'
  | 'resolved'
  | 'reminded'
  | 'paged'
  | 'page-failed';

/** One line of the alert's audit trail: who did what, when. */
export interface AuditEvent {
  readonly at: string;
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly note?: string;
  /** The Slack request it came from (user + action_ts): a retried request is recognised and not acted on twice. */
  readonly requestKey?: string;
}

export interface ActorAt {
  readonly by: Actor;
  readonly at: string;
}

/** The "was this you?" question: requested, then asked (DM sent) or not asked (why), then answered. */
export interface AskState {
  readonly status: 'requested' | 'asked' | 'not-asked' | 'answered';
  readonly requestedBy: Actor;
  readonly requestedAt: string;
  /** The Slack user asked (once known). */
  readonly user?: string;
  readonly dm?: PostedMessage;
  readonly askedAt?: string;
  /** Why nobody was asked (not-asked), in words for the card. */
  readonly reason?: string;
  readonly remindedAt?: string;
  readonly answer?: 'yes' | 'no';
  readonly answeredAt?: string;
  readonly note?: string;
}

/** The page to people outside Slack (SNS) and the on-call mention: due once the alert escalates, then sent. */
export interface PageState {
  readonly status: 'due' | 'sending' | 'sent';
  /** sending: when the sender's claim runs out (then someone else may send it). */
  readonly until?: string;
  readonly sentAt?: string;
  readonly attempts: number;
  readonly lastError?: string;
}

export interface AlertResponse {
  readonly state: ResponseState;
  /** Bumped by every change: each change is one conditional write on the version it read. */
  readonly version: number;
  /** The card as last drawn in Slack (the response version it showed); behind `version` means redraw. */
  readonly drawnVersion: number;
  readonly postedAt: string;
  readonly acknowledged?: ActorAt;
  readonly escalated?: ActorAt & { readonly reason: string };
  readonly confirmed?: ActorAt;
  readonly denied?: ActorAt & { readonly note?: string };
  readonly resolved?: ActorAt;
  readonly ask?: AskState;
  readonly page?: PageState;
  readonly ackRemindedAt?: string;
  /** The Slack user the alert is about, when known (separation of duties), or why it is not known. */
  readonly subject?: { readonly user?: string; readonly reason?: string };
  readonly events: readonly AuditEvent[];
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
    initial?: InitialResponse,
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
  /**
   * Writes an alert's response, if its version is still `expectedVersion` (0: none yet), and schedules the
   * sweeper's next look at it (`timerAt`, null for none). False, changing nothing, when someone changed it first.
   */
  writeResponse(
    alertId: string,
    expectedVersion: number,
    response: AlertResponse,
    timerAt: Date | null,
    now: Date,
  ): Promise<boolean>;
  /** Posted alerts whose response timer is due (reminders, timeouts, a page or a redraw to retry). */
  listDueResponses(now: Date, limit: number): Promise<string[]>;
  /**
   * Counts a run on its group's open card (atomic ADD), or opens a group with the run's first sign-in as the
   * card (created pending, as createAlert does). Two callers at once never open two cards for one group.
   */
  joinBurst(request: BurstJoinRequest, now: Date): Promise<BurstJoin>;
  /** Takes the right to redraw a burst card's counter now; false when another redraw is too recent. */
  claimBurstRedraw(alertId: string, nextAt: Date, now: Date): Promise<boolean>;
  /** Records the count the card now shows (never lowering it) and, when given, its next allowed redraw. */
  markBurstDrawn(alertId: string, count: number, nextAt: Date | null): Promise<void>;
  /** No counter redraw before `until` (Slack's Retry-After); never brings an existing wait forward. */
  deferBurstRedraw(alertId: string, until: Date): Promise<void>;
  /** Brings a posted alert's response timer forward to `at` (never puts it later). */
  scheduleResponseTimer(alertId: string, at: Date): Promise<void>;
}

/** The response the card was posted with, written in the same write as the post (no alert is left without one). */
export interface InitialResponse {
  readonly response: AlertResponse;
  /** The sweeper's first look (an ack timeout, an ask to retry); null for none. */
  readonly timerAt: Date | null;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/** Message metadata that ties a Slack message to its alert (found again by `findPosted`). */
export interface AlertTag {
  readonly alertId: string;
}

/**
 * Slack, as the bot uses it. Every method is bounded by `budgetMs` (no call outlives it) and throws a
 * DeliveryError (bot/pipeline/delivery-error.ts) when Slack refuses or cannot be reached.
 */
export interface Notifier {
  /** Posts a card tagged with its alert id. Throws a DeliveryError (bot/pipeline/delivery-error.ts). */
  post(channel: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage>;
  /**
   * Looks in the channel for a message tagged with `tag` posted since `since`; null when it is not there.
   * Throws a DeliveryError when the channel cannot be read.
   */
  findPosted(channel: string, tag: AlertTag, since: Date, budgetMs: number): Promise<PostedMessage | null>;
  /** Redraws a posted card in place (chat.update), keeping its alert metadata. */
  update(posted: PostedMessage, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<void>;
  /** A reply in the card's thread. `text` is mrkdwn the bot wrote: record values in it are already escaped. */
  postInThread(posted: PostedMessage, text: string, budgetMs: number): Promise<PostedMessage>;
  /** A message only `user` sees, in `channel` (chat.postEphemeral). `text` is mrkdwn the bot wrote. */
  postEphemeral(channel: string, user: string, text: string, budgetMs: number): Promise<void>;
  /** Opens (or finds) the direct-message channel with a user (conversations.open); its channel id. */
  openDm(user: string, budgetMs: number): Promise<string>;
  /** Opens the DM with `user` and posts `message` there, tagged with the alert id. */
  postDm(user: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage>;
  /** The Slack user with this e-mail address (users.lookupByEmail), or null when there is none. */
  lookupUserByEmail(email: string, budgetMs: number): Promise<string | null>;
  /** A link to a posted message (chat.getPermalink), or null when Slack has none to give. */
  permalink(posted: PostedMessage, budgetMs: number): Promise<string | null>;
  /** Members of a user group (usergroups.users.list). */
  groupMembers(groupId: string, budgetMs: number): Promise<readonly string[]>;
  /** Whether `user` is a member of `channel` (conversations.members, all pages within the budget). */
  isChannelMember(channel: string, user: string, budgetMs: number): Promise<boolean>;
}

/** Work too slow for a Slack request's 3 s (DMs, user look-ups, pages): done later by the worker. */
export type ResponderJob =
  /** Find the alert's subject in Slack and ask them "was this you?" (when the ask is requested). */
  | { readonly kind: 'ask'; readonly alertId: string }
  /** Send the alert's due page (SNS) and mention on-call in its thread. */
  | { readonly kind: 'page'; readonly alertId: string }
  /** Redraw the card after a change a request could not draw itself. */
  | { readonly kind: 'redraw'; readonly alertId: string };

/**
 * A `/signins` query older than the store, answered from CloudTrail event history through the command's
 * `response_url` (valid 30 minutes, 5 answers).
 */
export interface LookupJob {
  readonly kind: 'lookup';
  readonly text: string;
  readonly user: string;
  readonly channel: string;
  readonly responseUrl: string;
  readonly requestedAt: string;
}

/** Hands jobs to the worker. A job lost here is still done: the sweeper's response timer finds it. */
export interface JobQueue {
  enqueue(job: ResponderJob): Promise<void>;
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

/** What `recordSignIns` learned: which sign-ins were new to the store, and what the baseline knew before each. */
export interface RecordedSignIns {
  /** Event ids stored by this call (not seen before): only these were counted in the rollups. */
  readonly added: ReadonlySet<string>;
  /** Baseline facts of each added sign-in, by event id (absent for duplicates). */
  readonly baselines: ReadonlyMap<string, BaselineFacts>;
}

/** Where raw sign-ins are read from for a filter the rollups cannot answer: one user's or one IP's, by index. */
export type SignInKey = { readonly user: string } | { readonly ip: string };

/**
 * Sign-in activity for queries: raw records expire by event time; hourly and daily rollups (counts by
 * outcome, identity type, user and source IP) are kept with atomic `ADD`s; baselines per user.
 * `itemsRead` counts every item DynamoDB returned or examined since the store was made (tests and benchmarks
 * read it; a query's cost is the difference).
 */
export interface ActivityStore {
  readonly itemsRead: number;
  /**
   * Stores a batch of sign-ins (idempotent on eventId). Sign-ins new to the store are added to the rollups
   * once (a duplicate or a retried batch never counts twice) and to their user's baseline.
   */
  recordSignIns(signIns: readonly ClassifiedSignIn[], now: Date): Promise<RecordedSignIns>;
  /** Activity in [from, to) from the rollups (no raw record read but the few newest). */
  /** With `geo`, each person's countries and networks are worked out from their addresses (null: none). */
  readActivity(from: Date, to: Date, now: Date, geo?: GeoData | null): Promise<ActivitySummary>;
  /** Raw sign-ins of one user or one IP in [from, to), newest first, through an index (never a scan). */
  listSignInsOf(key: SignInKey, from: Date, to: Date, limit: number, now: Date): Promise<ClassifiedSignIn[]>;
  /** When the store's record of sign-ins begins (its first sign-in, or its retention limit); null if empty. */
  coverageStart(now: Date): Promise<Date | null>;
  /** Counts sign-ins held back by a silence (on the silence and in the rollup of their hour). */
  countSilenced(silenceId: string, signIns: readonly ClassifiedSignIn[]): Promise<void>;
}

export interface SilenceStore {
  /** False when a silence with this id exists already. */
  createSilence(silence: Silence): Promise<boolean>;
  getSilence(id: string): Promise<Silence | null>;
  /** Silences not ended before `since` (pending, active, and those ended since then), newest first. */
  listSilences(since: Date): Promise<Silence[]>;
  /**
   * Changes a silence if it is still as read (its `updatedAt` is `expected.updatedAt`; the change sets a new
   * one); false when someone changed it first. Used to cancel, and to record alarms disabled/enabled and the end announced.
   */
  updateSilence(id: string, change: Partial<Silence>, expected: Silence): Promise<boolean>;
}

/** The four CloudWatch sign-in alarms' actions (mail, SMS, the bot), switched off while a silence covers them. */
export interface AlarmActions {
  disable(alarmNames: readonly string[]): Promise<void>;
  enable(alarmNames: readonly string[]): Promise<void>;
  /** Of these alarms, the ones whose actions are disabled now. */
  disabled(alarmNames: readonly string[]): Promise<string[]>;
}

/** CloudTrail event history, for windows older than the store (LookupEvents: 2 requests/s, 50 events a page). */
export interface SignInHistory {
  /**
   * Console sign-in records of one region in [from, to), page by page (each page's raw CloudTrail records as
   * JSON strings). `onPage` hears the page number after each page.
   */
  lookup(
    region: string,
    from: Date,
    to: Date,
    onPage: (page: number, records: readonly string[]) => Promise<void>,
  ): Promise<void>;
}

/** The one store the bot runs on: sign-ins and alerts, activity for queries, silences. */
export type BotStore = SignInStore & ActivityStore & SilenceStore;
