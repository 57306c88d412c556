// Scheduled every minute: retries alerts whose Slack post has not landed, does the responder work that fell due
// (reminders, timeouts, pages), and runs the hourly health checks.
import type { Context } from 'aws-lambda';
import { HANDLER_SAFETY_MS } from '../../shared/timeouts';
import { healthAlerter } from '../pipeline/health-alerter';
import { lambdaRuntime } from '../pipeline/lambda-runtime';
import { runScheduledHealthWatch } from '../pipeline/scheduled-health-watch';
import { sweepPendingAlerts } from '../pipeline/sweep';

export const handler = async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { config, deps, silences } = await lambdaRuntime();
  const deadline = context
    ? Date.now() + context.getRemainingTimeInMillis() - HANDLER_SAFETY_MS.slack
    : undefined;
  try {
    // Reminders, timeouts, and pages or asks a click handed over that did not happen: first, so that a slow
    // Slack (which the pending posts wait on) never holds back a page.
    const responses = await deps.responders.sweep({ deadline });
    if (responses.done > 0 || responses.errors > 0) deps.logger.info('responder timers done', responses);
    // Silences that started or ended: alarm actions off or back on, ends announced.
    const silenced = await silences.sweep().catch((err: unknown) => {
      deps.logger.error('silence sweep failed', { error: (err as Error).message });
      return null;
    });
    if (silenced && (silenced.switched > 0 || silenced.announced > 0 || silenced.errors > 0))
      deps.logger.info('silences swept', silenced);
    const result = await sweepPendingAlerts(deps, { deadline });
    if (result.retried > 0 || result.errors > 0) deps.logger.info('sweep done', { ...result });
    // Hourly, with what time is left; never fails the sweep.
    await runScheduledHealthWatch({ ...deps, config, alerter: healthAlerter(deps, { deadline }) }, deadline);
    return { ...result, responses };
  } finally {
    deps.metrics.flush();
  }
};
