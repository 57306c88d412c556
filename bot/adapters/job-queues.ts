// Job queues. On Lambda: the ingress hands slow responder work (a DM, a user look-up, a page) to the events worker
// with an asynchronous invoke, and answers Slack at once. Lambda retries a failed async invoke twice, then the
// worker's failure destination keeps it; either way the alert's response timer lets the sweeper finish it.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { LookupQueue } from '../pipeline/slash-commands';
import type { JobQueue, LookupJob, ResponderJob } from '../ports';

/** The key of the worker's event that carries a job (anything else is records or alarm notifications). */
export const JOB_EVENT_KEY = 'signinsJob';

export class LambdaJobQueue implements JobQueue, LookupQueue {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async enqueue(job: ResponderJob | LookupJob): Promise<void> {
    await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ [JOB_EVENT_KEY]: job })),
      }),
    );
  }
}

const JOB_KINDS = new Set(['ask', 'page', 'redraw']);

const text = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** The job in a worker event, or null when the event is not a job (records go through ingest). */
export const jobOf = (event: unknown): ResponderJob | LookupJob | null => {
  if (typeof event !== 'object' || event === null || !Object.hasOwn(event, JOB_EVENT_KEY)) return null;
  const job = (event as Record<string, unknown>)[JOB_EVENT_KEY] as Record<string, unknown> | null;
  if (job !== null && typeof job === 'object' && job.kind === 'lookup') {
    if (
      typeof job.text === 'string' &&
      job.text.length <= 4000 &&
      text(job.user, 64) &&
      text(job.channel, 64) &&
      text(job.responseUrl, 2048) &&
      text(job.requestedAt, 64)
    )
      return {
        kind: 'lookup',
        text: job.text,
        user: job.user,
        channel: job.channel,
        responseUrl: job.responseUrl,
        requestedAt: job.requestedAt,
      };
    throw new Error(`not a look-back job: ${JSON.stringify(job).slice(0, 200)}`);
  }
  if (
    typeof job !== 'object' ||
    job === null ||
    typeof job.kind !== 'string' ||
    !JOB_KINDS.has(job.kind) ||
    typeof job.alertId !== 'string' ||
    job.alertId.length === 0 ||
    job.alertId.length > 1024
  )
    throw new Error(`not a responder job: ${JSON.stringify(job).slice(0, 200)}`);
  return { kind: job.kind as ResponderJob['kind'], alertId: job.alertId };
};

/**
 * Local runs (`signins start`): jobs run in this process, after the Slack request is answered. `close` waits
 * for the ones under way.
 */
export class BackgroundJobQueue<J = ResponderJob> {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly run: (job: J) => Promise<void>,
    private readonly onError: (job: J, err: unknown) => void,
  ) {}

  async enqueue(job: J): Promise<void> {
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(job))
      .catch((err) => this.onError(job, err))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
