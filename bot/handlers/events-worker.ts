// Lambda behind the CloudWatch Logs subscription filter and the alarm topics, and the ingress's job runner.
import type { Context } from 'aws-lambda';
import { HANDLER_SAFETY_MS } from '../../shared/timeouts';
import { jobOf } from '../adapters/job-queues';
import { decodeValue } from '../core/decode-input';
import { ingest } from '../pipeline/ingest';
import { lambdaRuntime } from '../pipeline/lambda-runtime';
import { answerFromHistoryJob } from '../pipeline/slash-commands';

export class RecordsNotStoredError extends Error {
  override readonly name = 'RecordsNotStoredError';
}

export const handler = async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { deps, history } = await lambdaRuntime();
  const end = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
  const deadline = end === undefined ? undefined : end - HANDLER_SAFETY_MS.slack;
  const storeDeadline = end === undefined ? undefined : end - HANDLER_SAFETY_MS.store;
  try {
    // Slow work of a click, handed over by the ingress (an ask, a page, a redraw).
    const job = jobOf(event);
    if (job?.kind === 'lookup') {
      // A `/signins` window older than the store: CloudTrail event history, answered through response_url.
      await answerFromHistoryJob(job, { ...history, clock: deps.clock, routing: deps.routing, deadline });
      deps.logger.info('history look-back done', { user: job.user });
      return { job: job.kind };
    }
    if (job) {
      await deps.responders.runJob(job, deadline);
      deps.logger.info('responder job done', { ...job });
      return { job: job.kind };
    }
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
