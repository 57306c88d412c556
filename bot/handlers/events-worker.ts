// Lambda behind the CloudWatch Logs subscription filter and the alarm topics.
import type { Context } from 'aws-lambda';
import { HANDLER_SAFETY_MS } from '../../shared/timeouts';
import { decodeValue } from '../core/decode-input';
import { ingest } from '../pipeline/ingest';
import { lambdaRuntime } from '../pipeline/lambda-runtime';

export class RecordsNotStoredError extends Error {
  override readonly name = 'RecordsNotStoredError';
}

export const handler = async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { deps } = await lambdaRuntime();
  const end = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
  const deadline = end === undefined ? undefined : end - HANDLER_SAFETY_MS.slack;
  const storeDeadline = end === undefined ? undefined : end - HANDLER_SAFETY_MS.store;
  try {
    const result = await ingest(decodeValue(event), deps, { deadline, storeDeadline });
    const summary = {
      ...result,
      rejected: result.rejected.length,
      failed: result.failed.length,
      notStored: result.notStored.length,
    };
    deps.logger.info('batch processed', summary);
    // Delivery problems are the sweeper's (every alert is stored as pending). Failing is only for what could
    // not be kept: Lambda retries the batch, then sends it to the failure queue (`signins redrive`).
    if (result.notStored.length > 0) {
      throw new RecordsNotStoredError(
        `${result.notStored.length} record(s) not stored: ${result.notStored[0]?.error}`,
      );
    }
    return summary;
  } finally {
    deps.metrics.flush();
  }
};
