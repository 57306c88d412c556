// The sweeper's work: alerts whose post failed, was deferred, or whose worker died mid-post are posted
// again, with backoff, until they land or run out of attempts. Later issues add timeouts and expiries.
import { DEFAULT_LEASE_MS, describeError, type IngestDeps } from './ingest';
import type { AlertRecord } from '../ports';

export const MAX_ATTEMPTS = 10;

export interface SweepOptions {
  /** Alerts read per run. */
  readonly limit?: number;
  /** Epoch ms after which no new post starts (the function's time budget). */
  readonly deadline?: number;
}

export interface SweepResult {
  retried: number;
  posted: number;
  stillPending: number;
  gaveUp: number;
  errors: number;
}

const backoffMs = (attempts: number): number => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

const retry = async (due: AlertRecord, deps: IngestDeps, result: SweepResult): Promise<void> => {
  const claim = await deps.store.claimAlert(due, deps.clock.now(), deps.leaseMs ?? DEFAULT_LEASE_MS);
  if (claim.status !== 'claimed') return;
  const { alert } = claim;
  result.retried += 1;
  try {
    const posted = await deps.notifier.post(alert.channel, alert.message);
    await deps.store.markAlertPosted(alert.alertId, posted, deps.clock.now());
    result.posted += 1;
    deps.logger.info('pending alert posted', { alertId: alert.alertId, attempts: alert.attempts });
  } catch (err) {
    const error = describeError(err);
    const now = deps.clock.now();
    if (alert.attempts >= MAX_ATTEMPTS) {
      await deps.store.markAlertFailed(alert.alertId, alert.leaseId, error, now);
      result.gaveUp += 1;
      deps.logger.error('alert abandoned after retries', {
        alertId: alert.alertId,
        severity: alert.severity,
        attempts: alert.attempts,
        error,
      });
    } else {
      const retryAt = new Date(now.getTime() + backoffMs(alert.attempts));
      await deps.store.markAlertPending(alert.alertId, alert.leaseId, error, now, retryAt);
      result.stillPending += 1;
      deps.logger.warn('pending alert still failing', {
        alertId: alert.alertId,
        attempts: alert.attempts,
        error,
      });
    }
  }
};

export const sweepPendingAlerts = async (
  deps: IngestDeps,
  options: SweepOptions = {},
): Promise<SweepResult> => {
  const result: SweepResult = { retried: 0, posted: 0, stillPending: 0, gaveUp: 0, errors: 0 };
  const due = await deps.store.listDueAlerts(deps.clock.now(), options.limit ?? 50);
  for (const alert of due) {
    if (options.deadline !== undefined && deps.clock.now().getTime() > options.deadline) break;
    try {
      await retry(alert, deps, result);
    } catch (err) {
      // One alert's trouble (the store, say) must not stop the others.
      result.errors += 1;
      deps.logger.error('sweep of alert failed', { alertId: alert.alertId, error: describeError(err) });
    }
  }
  return result;
};
