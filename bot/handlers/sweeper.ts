// Scheduled every minute: retries alerts whose Slack post has not landed.
import { lambdaRuntime } from '../lambda-runtime';
import { sweepPendingAlerts } from '../sweep';

export const handler = async () => {
  const { deps } = await lambdaRuntime();
  const result = await sweepPendingAlerts(deps);
  if (result.retried > 0) deps.logger.info('sweep done', { ...result });
  return result;
};
