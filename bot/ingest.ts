// The events worker's pipeline, shared by the Lambda handler and `signins replay`: store every sign-in,
// classify, decide, render, post, idempotent on the CloudTrail eventID (or the SNS MessageId).
import { alarmLookback, signInsBehindAlarm } from './core/alarm-match';
import { classifyAlarm, classifySignIn } from './core/classify';
import type { DecodedItem } from './core/decode-input';
import { renderAlarmCard } from './core/render/alarm-card';
import type { SlackMessage } from './core/render/blocks';
import { renderSignInCard } from './core/render/sign-in-card';
import type { Routing } from './core/routing';
import { accountName, routeFor } from './core/routing';
import type { AlarmNotification, ClassifiedSignIn, Severity } from './core/sign-in';
import type { AlertKind, Clock, Logger, Notifier, SignInStore } from './ports';

export interface IngestDeps {
  readonly store: SignInStore;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly routing: Routing;
  readonly defaultChannel: string;
  /** How long one worker holds the right to post an alert before another may take over. */
  readonly leaseMs?: number;
  /** Delay before the sweeper retries a failed post. */
  readonly retryDelayMs?: number;
}

export interface IngestResult {
  signIns: number;
  alarms: number;
  posted: number;
  /** Already posted or being posted by another delivery of the same record. */
  duplicates: number;
  /** Stored, below the posting threshold. */
  storedOnly: number;
  skipped: number;
  rejected: { position: string; message: string }[];
  /** Alerts whose post failed after the sign-in was saved; a retry (Lambda or sweeper) finishes them. */
  failed: { alertId: string; error: string }[];
}

export const emptyIngestResult = (): IngestResult => ({
  signIns: 0,
  alarms: 0,
  posted: 0,
  duplicates: 0,
  storedOnly: 0,
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
  readonly message: SlackMessage;
}

const deliver = async (d: Deliverable, deps: IngestDeps, result: IngestResult): Promise<void> => {
  const route = routeFor(deps.routing, deps.defaultChannel, d.severity, d.accountId);
  if (!route.post) {
    result.storedOnly += 1;
    return;
  }
  const now = deps.clock.now();
  const claim = await deps.store.claimAlert(
    {
      alertId: d.alertId,
      kind: d.kind,
      subjectId: d.subjectId,
      severity: d.severity,
      channel: route.channel,
      message: d.message,
    },
    now,
    deps.leaseMs ?? 60_000,
  );
  if (claim.status !== 'claimed') {
    result.duplicates += 1;
    deps.logger.info('alert already handled', { alertId: d.alertId, status: claim.status });
    return;
  }
  try {
    const posted = await deps.notifier.post(claim.alert.channel, claim.alert.message);
    await deps.store.markAlertPosted(d.alertId, posted, deps.clock.now());
    result.posted += 1;
    deps.logger.info('alert posted', {
      alertId: d.alertId,
      severity: d.severity,
      channel: posted.channel,
      ts: posted.ts,
    });
  } catch (err) {
    const error = describeError(err);
    result.failed.push({ alertId: d.alertId, error });
    deps.logger.error('alert post failed', { alertId: d.alertId, error });
    const failedAt = deps.clock.now();
    await deps.store
      .markAlertPending(
        d.alertId,
        error,
        failedAt,
        new Date(failedAt.getTime() + (deps.retryDelayMs ?? 60_000)),
      )
      .catch((markErr: unknown) =>
        deps.logger.error('could not release alert for retry', {
          alertId: d.alertId,
          error: describeError(markErr),
        }),
      );
  }
};

const relatedSignIns = async (alarm: AlarmNotification, deps: IngestDeps): Promise<ClassifiedSignIn[]> => {
  const window = alarmLookback(alarm);
  if (!window || alarm.state !== 'ALARM') return [];
  return signInsBehindAlarm(alarm, await deps.store.listSignIns({ ...window, limit: 500 }, deps.clock.now()));
};

export const ingest = async (items: readonly DecodedItem[], deps: IngestDeps): Promise<IngestResult> => {
  const result = emptyIngestResult();
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
        await deps.store.saveSignIn(signIn, deps.clock.now());
        await deliver(
          {
            alertId: `signin:${signIn.eventId}`,
            kind: 'signin',
            subjectId: signIn.eventId,
            severity: signIn.severity,
            accountId: signIn.accountId,
            message: renderSignInCard(signIn, { accountName: accountName(deps.routing, signIn.accountId) }),
          },
          deps,
          result,
        );
        break;
      }
      case 'alarm': {
        result.alarms += 1;
        const { alarm } = item;
        const severity = classifyAlarm(alarm);
        const signIns = await relatedSignIns(alarm, deps);
        await deliver(
          {
            alertId: `alarm:${alarm.notificationId}`,
            kind: 'alarm',
            subjectId: alarm.notificationId,
            severity,
            accountId: alarm.accountId,
            message: renderAlarmCard(alarm, {
              severity,
              accountName: accountName(deps.routing, alarm.accountId),
              signIns,
            }),
          },
          deps,
          result,
        );
        break;
      }
    }
  }
  return result;
};
