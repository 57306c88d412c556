// The events worker's pipeline, shared by the Lambda handler and `signins replay`: store every sign-in,
// classify, decide, render, post, idempotent on the CloudTrail eventID (or the SNS MessageId).
// Two phases: the whole batch is stored first, then cards are posted within the time left, so a slow
// Slack never costs a record; what does not fit is left pending for the sweeper.
import { alarmLookback, signInsBehindAlarm } from '../core/alarm-match';
import { classifyAlarm, classifySignIn } from '../core/classify';
import type { DecodedItem } from '../core/decode-input';
import { renderAlarmCard } from '../core/render/alarm-card';
import type { SlackMessage } from '../core/render/blocks';
import { renderSignInCard } from '../core/render/sign-in-card';
import type { Routing } from '../core/routing';
import { accountName, routeFor } from '../core/routing';
import type { AlarmNotification, ClassifiedSignIn, Severity } from '../core/sign-in';
import type { AlertKind, Clock, Logger, Notifier, SignInStore } from '../ports';

export interface IngestDeps {
  readonly store: SignInStore;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly routing: Routing;
  readonly defaultChannel: string;
  /**
   * How long one worker holds the right to post an alert before another may take over. Longer than any
   * function's timeout, so a slow post is never taken over while it may still land.
   */
  readonly leaseMs?: number;
  /** Delay before the sweeper retries a failed post. */
  readonly retryDelayMs?: number;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface IngestOptions {
  /** Epoch ms after which no new post starts; the rest is left pending for the sweeper. */
  readonly deadline?: number;
}

export interface IngestResult {
  signIns: number;
  alarms: number;
  posted: number;
  /** Already posted or being posted by another delivery of the same record. */
  duplicates: number;
  /** Stored, below the posting threshold. */
  storedOnly: number;
  /** Stored and claimed, left for the sweeper because the invocation ran out of time. */
  deferred: number;
  skipped: number;
  rejected: { position: string; message: string }[];
  /** Work that failed (a Slack post, the store); a retry (Lambda or sweeper) finishes it. */
  failed: { alertId: string; error: string }[];
}

export const emptyIngestResult = (): IngestResult => ({
  signIns: 0,
  alarms: 0,
  posted: 0,
  duplicates: 0,
  storedOnly: 0,
  deferred: 0,
  skipped: 0,
  rejected: [],
  failed: [],
});

/** Adds one result into a running total (the CLI sums over files). */
export const addIngestResults = (total: IngestResult, r: IngestResult): IngestResult => ({
  signIns: total.signIns + r.signIns,
  alarms: total.alarms + r.alarms,
  posted: total.posted + r.posted,
  duplicates: total.duplicates + r.duplicates,
  storedOnly: total.storedOnly + r.storedOnly,
  deferred: total.deferred + r.deferred,
  skipped: total.skipped + r.skipped,
  rejected: [...total.rejected, ...r.rejected],
  failed: [...total.failed, ...r.failed],
});

export const describeError = (err: unknown): string => {
  if (err instanceof Error) {
    const data = (err as Error & { data?: { error?: string } }).data;
    return data?.error ? `${err.message} (${data.error})` : err.message;
  }
  return String(err);
};

interface Deliverable {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly subjectId: string;
  readonly severity: Severity;
  readonly accountId: string | null;
  readonly position: string;
  /** Rendered late: an alarm card names the sign-ins stored in phase one. */
  readonly render: () => Promise<SlackMessage>;
}

const MARK_ATTEMPTS = 3;

/** Records a post that happened. Never releases the alert: a post that landed must not be made again. */
const recordPosted = async (alertId: string, posted: { channel: string; ts: string }, deps: IngestDeps) => {
  for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt += 1) {
    try {
      await deps.store.markAlertPosted(alertId, posted, deps.clock.now());
      return;
    } catch (err) {
      if (attempt === MARK_ATTEMPTS) {
        // The card is in Slack; only the record of it is missing. After the lease the sweeper would post
        // it again, which is better than losing it: say so loudly.
        deps.logger.error('alert posted but not recorded', { alertId, ...posted, error: describeError(err) });
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
};

const deliver = async (
  d: Deliverable,
  deps: IngestDeps,
  options: IngestOptions,
  result: IngestResult,
): Promise<void> => {
  const route = routeFor(deps.routing, deps.defaultChannel, d.severity, d.accountId);
  if (!route.post) {
    result.storedOnly += 1;
    return;
  }
  const claim = await deps.store.claimAlert(
    {
      alertId: d.alertId,
      kind: d.kind,
      subjectId: d.subjectId,
      severity: d.severity,
      channel: route.channel,
      message: await d.render(),
    },
    deps.clock.now(),
    deps.leaseMs ?? DEFAULT_LEASE_MS,
  );
  if (claim.status !== 'claimed') {
    result.duplicates += 1;
    deps.logger.info('alert already handled', { alertId: d.alertId, status: claim.status });
    return;
  }
  const { alert } = claim;
  const now = deps.clock.now();
  if (options.deadline !== undefined && now.getTime() > options.deadline) {
    await deps.store.markAlertPending(d.alertId, alert.leaseId, 'deferred: out of time', now, now);
    result.deferred += 1;
    deps.logger.warn('alert deferred to the sweeper', { alertId: d.alertId });
    return;
  }
  let posted: { channel: string; ts: string };
  try {
    posted = await deps.notifier.post(alert.channel, alert.message);
  } catch (err) {
    const error = describeError(err);
    result.failed.push({ alertId: d.alertId, error });
    deps.logger.error('alert post failed', { alertId: d.alertId, error });
    const failedAt = deps.clock.now();
    const retryAt = new Date(failedAt.getTime() + (deps.retryDelayMs ?? 60_000));
    await deps.store.markAlertPending(d.alertId, alert.leaseId, error, failedAt, retryAt);
    return;
  }
  await recordPosted(d.alertId, posted, deps);
  result.posted += 1;
  deps.logger.info('alert posted', {
    alertId: d.alertId,
    severity: d.severity,
    channel: posted.channel,
    ts: posted.ts,
  });
};

const relatedSignIns = async (alarm: AlarmNotification, deps: IngestDeps): Promise<ClassifiedSignIn[]> => {
  const window = alarmLookback(alarm);
  if (!window || alarm.state !== 'ALARM') return [];
  return signInsBehindAlarm(alarm, await deps.store.listSignIns({ ...window, limit: 500 }, deps.clock.now()));
};

const signInDeliverable = (signIn: ClassifiedSignIn, position: string, deps: IngestDeps): Deliverable => ({
  alertId: `signin:${signIn.eventId}`,
  kind: 'signin',
  subjectId: signIn.eventId,
  severity: signIn.severity,
  accountId: signIn.accountId,
  position,
  render: async () => renderSignInCard(signIn, { accountName: accountName(deps.routing, signIn.accountId) }),
});

const alarmDeliverable = (alarm: AlarmNotification, position: string, deps: IngestDeps): Deliverable => {
  const severity = classifyAlarm(alarm);
  return {
    alertId: `alarm:${alarm.notificationId}`,
    kind: 'alarm',
    subjectId: alarm.notificationId,
    severity,
    accountId: alarm.accountId,
    position,
    render: async () =>
      renderAlarmCard(alarm, {
        severity,
        accountName: accountName(deps.routing, alarm.accountId),
        signIns: await relatedSignIns(alarm, deps),
      }),
  };
};

export const ingest = async (
  items: readonly DecodedItem[],
  deps: IngestDeps,
  options: IngestOptions = {},
): Promise<IngestResult> => {
  const result = emptyIngestResult();
  const deliverables: Deliverable[] = [];
  // Phase one: store everything (one failure never stops the others).
  for (const item of items) {
    switch (item.kind) {
      case 'rejected':
        result.rejected.push({ position: item.position, message: item.message });
        deps.logger.warn('input rejected', { position: item.position, reason: item.message });
        break;
      case 'skipped':
        result.skipped += 1;
        break;
      case 'signin': {
        result.signIns += 1;
        const signIn: ClassifiedSignIn = { ...item.signIn, severity: classifySignIn(item.signIn) };
        try {
          await deps.store.saveSignIn(signIn, deps.clock.now());
          deliverables.push(signInDeliverable(signIn, item.position, deps));
        } catch (err) {
          result.failed.push({
            alertId: `signin:${signIn.eventId}`,
            error: `not stored: ${describeError(err)}`,
          });
          deps.logger.error('sign-in not stored', { eventId: signIn.eventId, error: describeError(err) });
        }
        break;
      }
      case 'alarm':
        result.alarms += 1;
        deliverables.push(alarmDeliverable(item.alarm, item.position, deps));
        break;
    }
  }
  // Phase two: post, each card on its own.
  for (const d of deliverables) {
    try {
      await deliver(d, deps, options, result);
    } catch (err) {
      result.failed.push({ alertId: d.alertId, error: describeError(err) });
      deps.logger.error('alert not delivered', {
        alertId: d.alertId,
        position: d.position,
        error: describeError(err),
      });
    }
  }
  return result;
};
