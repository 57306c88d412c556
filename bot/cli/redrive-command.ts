// `signins redrive [--queue-url URL] [--function NAME] [--dry-run]`: hands what landed in the events worker's
// failure queue back to the worker. A message is deleted only after Lambda accepted its event again, so an
// interrupted redrive loses nothing; replaying twice is harmless (the worker deduplicates on eventID).
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { HEALTH_ENV } from '../../shared/env-keys';
import { describeCallError, describeUnreachable } from '../adapters/aws-errors';
import {
  type FailedInvocation,
  type FailureQueue,
  invokeAsync,
  queueRegion,
  sqsFailureQueue,
} from '../adapters/failure-queue';
import { loadConfig } from '../pipeline/config';
import { CliError, UsageError } from './cli-error';
import type { Command, Io } from './command';

export interface RedriveOptions {
  readonly queueUrl: string;
  /** The worker; by default the function the failure record names. */
  readonly functionName?: string;
  readonly dryRun: boolean;
  /** Messages read at most in one run. */
  readonly max: number;
}

export interface RedriveParts {
  readonly queue: FailureQueue;
  readonly invoke: (functionName: string, payload: unknown) => Promise<void>;
}

export interface RedriveResult {
  replayed: number;
  kept: number;
}

/** Long enough to invoke a batch of ten before another reader may see its messages again. */
const VISIBILITY_SECONDS = 120;
/** A dry run hides what it read for this long; nothing else changes. */
const DRY_RUN_VISIBILITY_SECONDS = 30;

const replayOne = async (
  message: FailedInvocation,
  options: RedriveOptions,
  parts: RedriveParts,
  io: Io,
): Promise<'replayed' | 'kept'> => {
  const target = options.functionName ?? message.functionArn;
  const label = `${message.messageId}${message.reason ? ` (${message.reason})` : ''}`;
  if (message.payload === undefined) {
    io.err(`signins: kept ${label}: the record holds no event to replay`);
    return 'kept';
  }
  if (!target) {
    io.err(`signins: kept ${label}: the record does not name the worker; give --function NAME`);
    return 'kept';
  }
  if (options.dryRun) {
    io.out(`would replay ${label} to ${target}`);
    return 'replayed';
  }
  try {
    await parts.invoke(target, message.payload);
  } catch (err) {
    // Out of reach for one is out of reach for all: stop with one line rather than one per message.
    const unreachable = describeUnreachable(err);
    if (unreachable) throw new CliError(`redrive stopped, the message stays in the queue: ${unreachable}`);
    io.err(`signins: kept ${label}: ${describeCallError(`invoking ${target}`, err)}`);
    return 'kept';
  }
  try {
    await parts.queue.delete(message);
  } catch (err) {
    // Replayed but still queued: a later redrive replays it again, which the worker deduplicates.
    io.err(
      `signins: replayed ${label} but it stays in the queue: ${describeCallError('sqs:DeleteMessage', err)}`,
    );
  }
  io.out(`replayed ${label} to ${target}`);
  return 'replayed';
};

export const redrive = async (
  options: RedriveOptions,
  parts: RedriveParts,
  io: Io,
): Promise<RedriveResult> => {
  const result: RedriveResult = { replayed: 0, kept: 0 };
  const seen = new Set<string>();
  const visibility = options.dryRun ? DRY_RUN_VISIBILITY_SECONDS : VISIBILITY_SECONDS;
  while (seen.size < options.max) {
    let batch: FailedInvocation[];
    try {
      batch = await parts.queue.receive(visibility);
    } catch (err) {
      throw new CliError(
        `reading the failure queue: ${describeUnreachable(err) ?? describeCallError(`sqs:ReceiveMessage on ${options.queueUrl}`, err)}`,
      );
    }
    // A message seen before came back (its visibility ran out): the queue has nothing new.
    const fresh = batch.filter((m) => !seen.has(m.messageId));
    if (fresh.length === 0) break;
    for (const message of fresh.slice(0, options.max - seen.size)) {
      seen.add(message.messageId);
      result[await replayOne(message, options, parts, io)] += 1;
    }
  }
  return result;
};

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The AWS parts, in the queue's region unless the environment says otherwise. */
export const awsRedriveParts = (queueUrl: string): RedriveParts & { close(): void } => {
  const region = queueRegion(queueUrl);
  // The SDK warns on the console when the queue URL's host differs from its endpoint, then uses the URL,
  // which is what we want: keep the user's output to our own lines.
  const options = { ...(region ? { region } : {}), logger: quietLogger };
  const sqs = new SQSClient(options);
  const lambda = new LambdaClient(options);
  return {
    queue: sqsFailureQueue(sqs, queueUrl),
    invoke: (functionName, payload) => invokeAsync(lambda, functionName, payload),
    close: () => {
      sqs.destroy();
      lambda.destroy();
    },
  };
};

export const runRedrive = async (options: RedriveOptions, io: Io, parts?: RedriveParts): Promise<number> => {
  const aws = parts ? undefined : awsRedriveParts(options.queueUrl);
  try {
    const result = await redrive(options, parts ?? (aws as RedriveParts), io);
    io.err(
      options.dryRun
        ? `signins: dry run: ${result.replayed} would be replayed, ${result.kept} would stay in the queue; nothing changed (what was read reappears in the queue within ${DRY_RUN_VISIBILITY_SECONDS} s)`
        : `signins: ${result.replayed} replayed, ${result.kept} kept in the queue`,
    );
    return result.kept > 0 ? 1 : 0;
  } finally {
    aws?.close();
  }
};

export const redriveCommand: Command = {
  name: 'redrive',
  summary: "hand what landed in the events worker's failure queue back to the worker",
  help: `usage: signins redrive [--queue-url URL] [--function NAME] [--dry-run] [--max N]

Reads the events worker's failure queue (SQS: records of invocations that failed after Lambda's retries),
invokes the worker again asynchronously with each original event, and deletes a message only once
Lambda accepted its event. Replaying twice is harmless: the worker deduplicates on CloudTrail's eventID.
Uses your AWS credentials (AWS_PROFILE, AWS_REGION); the queue's region is taken from its URL.

  --queue-url URL   the failure queue (default: ${HEALTH_ENV.failureQueueUrl})
  --function NAME   the worker (default: the function each failure record names)
  --dry-run         list what would be replayed; change nothing
  --max N           read at most N messages (default 1000)

Exit status: 0 every message replayed, 1 some kept in the queue (each named with why) or an error.`,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        'queue-url': { type: 'string' },
        function: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        max: { type: 'string', default: '1000' },
      },
    });
    const queueUrl = values['queue-url'] ?? loadConfig().installation.failureQueueUrl;
    if (!queueUrl)
      throw new UsageError(
        `redrive needs the failure queue: --queue-url URL or ${HEALTH_ENV.failureQueueUrl} (find it with: aws sqs list-queues --queue-name-prefix SignIns)`,
      );
    const max = Number(values.max);
    if (!Number.isInteger(max) || max < 1) throw new UsageError('--max must be a whole number ≥ 1');
    return runRedrive(
      { queueUrl, functionName: values.function, dryRun: values['dry-run'] ?? false, max },
      io,
    );
  },
};
