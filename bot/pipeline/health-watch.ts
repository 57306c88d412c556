// The hourly health check: the sweeper runs `signins doctor`'s checks at most once an hour, compares them
// with the last stored result and raises a pipeline-health alert (and a metric the health alarm watches)
// only for what got worse, so a problem that stays broken is raised once, and a recovery is logged.
import { BOT_METRICS } from '../../shared/metrics';
import { type CheckResult, carryForward, recovered, worsened } from '../core/health-checks';
import type { Clock, Logger, Metrics } from '../ports';

/** One problem for people: the lead's alerter posts a critical card and publishes to the escalation topic. */
export interface HealthProblem {
  /** Stable across runs (`trail:NAME`, `channel:C0123`): the same problem keeps its key. */
  readonly key: string;
  readonly title: string;
  readonly detail: string;
  readonly fix: string;
}

export interface HealthAlerter {
  raise(problem: HealthProblem): Promise<void>;
}

/** Runs every check once. */
export interface HealthProbe {
  run(): Promise<readonly CheckResult[]>;
}

export interface HealthState {
  readonly checkedAt: string;
  readonly results: readonly CheckResult[];
}

export type HealthRunClaim =
  | { readonly claimed: false }
  | { readonly claimed: true; readonly previous: HealthState | null };

export interface HealthStateStore {
  /** Takes this run if the last one started `intervalMs` ago or more; hands back the last stored result. */
  claimRun(now: Date, intervalMs: number): Promise<HealthRunClaim>;
  saveResults(results: readonly CheckResult[], now: Date): Promise<void>;
}

export interface HealthWatchDeps {
  readonly probe: HealthProbe;
  readonly state: HealthStateStore;
  readonly alerter: HealthAlerter;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
}

export const HEALTH_CHECK_INTERVAL_MS = 60 * 60_000;

export type HealthWatchReport =
  | { readonly ran: false }
  | {
      readonly ran: true;
      readonly results: readonly CheckResult[];
      readonly raised: readonly CheckResult[];
      readonly recovered: readonly CheckResult[];
    };

export const problemOf = (result: CheckResult): HealthProblem => ({
  key: result.key,
  title: result.title,
  detail: `The hourly health check found: ${result.title}.`,
  fix: result.status === 'broken' ? result.fix : 'run `signins doctor`',
});

export const watchHealth = async (deps: HealthWatchDeps): Promise<HealthWatchReport> => {
  const now = deps.clock.now();
  const claim = await deps.state.claimRun(now, HEALTH_CHECK_INTERVAL_MS);
  if (!claim.claimed) return { ran: false };
  const previous = claim.previous?.results ?? [];
  const results = await deps.probe.run();
  const raised = worsened(previous, results);
  const unraised = new Set<string>();
  for (const result of raised) {
    deps.logger.error('health check: broken', { check: result.key, title: result.title });
    try {
      await deps.alerter.raise(problemOf(result));
    } catch (err) {
      // Not remembered as known, so the next run raises it again; the metric below still reaches the alarm.
      unraised.add(result.key);
      deps.logger.error('health check: could not raise the alert', {
        check: result.key,
        error: (err as Error).message,
      });
    }
  }
  if (raised.length > 0) deps.metrics.count(BOT_METRICS.healthCheckFailures, raised.length);
  const back = recovered(previous, results);
  for (const result of back)
    deps.logger.info('health check: recovered', { check: result.key, title: result.title });
  const remembered = carryForward(previous, results).filter((r) => !unraised.has(r.key));
  await deps.state.saveResults(remembered, now);
  return { ran: true, results, raised, recovered: back };
};
