// Lambda behind the CloudWatch Logs subscription filter and the alarm topics.
import type { Context } from 'aws-lambda';
import { decodeValue } from '../core/decode-input';
import { ingest } from '../pipeline/ingest';
import { lambdaRuntime } from '../pipeline/lambda-runtime';

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
}

/** Time kept back from the timeout for one last post (5 s timeout, two retries with backoff); later posts go to the sweeper. */
const SAFETY_MS = 20_000;

export const handler = async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { deps } = await lambdaRuntime();
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS : undefined;
  const result = await ingest(decodeValue(event), deps, { deadline });
  const summary = { ...result, rejected: result.rejected.length, failed: result.failed.length };
  deps.logger.info('batch processed', summary);
  // The good work is saved and the posted cards recorded: failing now makes Lambda retry the batch,
  // which posts only what is still pending.
  if (result.failed.length > 0) {
    throw new SlackDeliveryError(`${result.failed.length} delivery failure(s): ${result.failed[0]?.error}`);
  }
  return summary;
};
