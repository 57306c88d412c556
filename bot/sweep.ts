// The sweeper's work: alerts whose post failed (or whose worker died mid-post) are posted again, with
// backoff, until they land or run out of attempts. Later issues add timeouts and expiries here.
import { describeError, type IngestDeps } from './ingest';

export const MAX_ATTEMPTS = 10;

export interface SweepResult {
  retried: number;
  posted: number;
  stillPending: number;
  gaveUp: number;
}

const backoffMs = (attempts: number): number => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

export const sweepPendingAlerts = async (deps: IngestDeps, limit = 25): Promise<SweepResult> => {
  const result: SweepResult = { retried: 0, posted: 0, stillPending: 0, gaveUp: 0 };
  const due = await deps.store.listDueAlerts(deps.clock.now(), limit);
  for (const alert of due) {
    const claim = await deps.store.claimAlert(alert, deps.clock.now(), deps.leaseMs ?? 60_000);
    if (claim.status !== 'claimed') continue;
    result.retried += 1;
    try {
      const posted = await deps.notifier.post(claim.alert.channel, claim.alert.message);
      await deps.store.markAlertPosted(alert.alertId, posted, deps.clock.now());
      result.posted += 1;
      deps.logger.info('pending alert posted', { alertId: alert.alertId, attempts: claim.alert.attempts });
    } catch (err) {
      const error = describeError(err);
      const now = deps.clock.now();
      if (claim.alert.attempts >= MAX_ATTEMPTS) {
        await deps.store.markAlertFailed(alert.alertId, error, now);
        result.gaveUp += 1;
        deps.logger.error('alert abandoned after retries', {
          alertId: alert.alertId,
          attempts: claim.alert.attempts,
          error,
        });
      } else {
        await deps.store.markAlertPending(
          alert.alertId,
          error,
          now,
          new Date(now.getTime() + backoffMs(claim.alert.attempts)),
        );
        result.stillPending += 1;
        deps.logger.warn('pending alert still failing', {
          alertId: alert.alertId,
          attempts: claim.alert.attempts,
          error,
        });
      }
    }
  }
  return result;
};
