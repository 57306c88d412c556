// Lambda behind the CloudWatch Logs subscription filter and the alarm topics.
import { decodeValue } from '../core/decode-input';
import { ingest } from '../ingest';
import { lambdaRuntime } from '../lambda-runtime';

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
}

export const handler = async (event: unknown) => {
  const { deps } = await lambdaRuntime();
  const result = await ingest(decodeValue(event), deps);
  const summary = { ...result, rejected: result.rejected.length, failed: result.failed.length };
  deps.logger.info('batch processed', summary);
  // The sign-ins are saved and the posted cards recorded: failing now makes Lambda retry the batch,
  // which posts only what is still pending.
  if (result.failed.length > 0) {
    throw new SlackDeliveryError(`${result.failed.length} Slack post(s) failed: ${result.failed[0]?.error}`);
  }
  return summary;
};
