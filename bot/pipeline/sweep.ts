// The sweeper's work, every minute: alerts not in Slack yet (a failed or deferred post, a worker that died
// holding the lease, a Slack that answered too late) are delivered through the same delivery function as
// the worker's, most severe first, then oldest. It reports the age of the oldest undelivered alert, which a
// pipeline-health alarm watches.
import { BOT_METRICS } from '../../shared/metrics';
import { assertNever } from '../core/assert-never';
import { type DeliveryDeps, deliverAlert } from './delivery';
import { describeError } from './ingest';

export interface SweepOptions {
  /** Alerts read per run. */
  readonly limit?: number;
  /** Epoch ms after which no Slack call may still run (the function's time budget). */
  readonly deadline?: number;
}

export interface SweepResult {
  retried: number;
  posted: number;
  /** Found in Slack after an answer was lost: recorded, not posted again. */
  found: number;
  stillPending: number;
  gaveUp: number;
  errors: number;
  /** Seconds since the oldest alert not in Slack was created (0 when none). */
  oldestPendingAgeSeconds: number;
}

export const sweepPendingAlerts = async (
  deps: DeliveryDeps,
  options: SweepOptions = {},
): Promise<SweepResult> => {
  const result: SweepResult = {
    retried: 0,
    posted: 0,
    found: 0,
    stillPending: 0,
    gaveUp: 0,
    errors: 0,
    oldestPendingAgeSeconds: 0,
  };
  const due = await deps.store.listDueAlerts(deps.clock.now(), options.limit ?? 50);
  for (const alert of due) {
    if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) break;
    try {
      const outcome = await deliverAlert(alert.alertId, deps, { deadline: options.deadline });
      if (outcome !== 'unavailable') result.retried += 1;
      switch (outcome) {
        case 'posted':
          result.posted += 1;
          break;
        case 'found':
          result.found += 1;
          break;
        case 'pending':
          result.stillPending += 1;
          break;
        case 'failed':
          result.gaveUp += 1;
          break;
        case 'unavailable':
          break;
        default:
          assertNever(outcome);
      }
    } catch (err) {
      // One alert's trouble (the store, say) must not stop the others.
      result.errors += 1;
      deps.logger.error('sweep of alert failed', { alertId: alert.alertId, error: describeError(err) });
    }
  }
  // Read even when the time ran out: a sweeper that never finishes must not read as "nothing pending". At most
  // a thousand undelivered alerts are looked at; beyond that the age is a lower bound, still over the alarm.
  const now = deps.clock.now();
  const oldest = await deps.store.oldestUndeliveredAt(1000);
  result.oldestPendingAgeSeconds = oldest
    ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000))
    : 0;
  deps.metrics.gauge(BOT_METRICS.oldestPendingAlertAge, result.oldestPendingAgeSeconds, 'Seconds');
  return result;
};
