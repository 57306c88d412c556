// The events worker's failure queue (SQS, its Lambda on-failure destination) and the worker itself, for
// `signins redrive`. Each message is an invocation record whose requestPayload is the event that failed:
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';

const invocationRecordSchema = z.object({
  requestContext: z
    .object({
      requestId: z.string().optional(),
      functionArn: z.string().optional(),
      condition: z.string().optional(),
      approximateInvokeCount: z.number().optional(),
    })
    .optional(),
  requestPayload: z.unknown(),
  responsePayload: z.unknown().optional(),
});

export interface FailedInvocation {
  readonly messageId: string;
  readonly receiptHandle: string;
  /** The event to hand to the worker again; undefined when the record lacks it. */
  readonly payload: unknown;
  /** The worker as the record names it (unqualified ARN). */
  readonly functionArn?: string;
  /** Why it failed, in one line, for the user. */
  readonly reason: string;
}

const describeFailure = (record: z.infer<typeof invocationRecordSchema>): string => {
  const response = record.responsePayload as { errorType?: unknown; errorMessage?: unknown } | undefined;
  const error =
    response && typeof response === 'object' && typeof response.errorMessage === 'string'
      ? `${typeof response.errorType === 'string' ? `${response.errorType}: ` : ''}${response.errorMessage}`
      : undefined;
  const context = record.requestContext;
  return [
    context?.condition,
    context?.approximateInvokeCount && `${context.approximateInvokeCount} attempts`,
    error,
  ]
    .filter(Boolean)
    .join(', ');
};

/** Parses one queue message: an invocation record, or (a dead-letter queue) the bare event. */
export const parseFailureMessage = (
  messageId: string,
  receiptHandle: string,
  body: string,
): FailedInvocation => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { messageId, receiptHandle, payload: undefined, reason: 'message body is not JSON' };
  }
  const record = invocationRecordSchema.safeParse(json);
  if (!record.success || !record.data.requestContext) {
    // A dead-letter queue holds the event itself.
    return { messageId, receiptHandle, payload: json, reason: 'event from a dead-letter queue' };
  }
  return {
    messageId,
    receiptHandle,
    payload: record.data.requestPayload,
    // The record names the version that ran ($LATEST); invoking the unqualified function runs the current one.
    functionArn: record.data.requestContext.functionArn?.replace(/:\$LATEST$/, ''),
    reason: describeFailure(record.data),
  };
};

export interface FailureQueue {
  /** Up to 10 messages, hidden from other readers for `visibilitySeconds`. */
  receive(visibilitySeconds: number): Promise<FailedInvocation[]>;
  delete(message: FailedInvocation): Promise<void>;
}

export const sqsFailureQueue = (sqs: SQSClient, queueUrl: string): FailureQueue => ({
  receive: async (visibilitySeconds) => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 1,
      }),
    );
    return (res.Messages ?? []).flatMap((m) =>
      m.MessageId && m.ReceiptHandle ? [parseFailureMessage(m.MessageId, m.ReceiptHandle, m.Body ?? '')] : [],
    );
  },
  delete: async (message) => {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle }));
  },
});

/** Hands an event to a function asynchronously, as CloudWatch Logs did; resolves once Lambda accepted it. */
export const invokeAsync = async (
  lambda: LambdaClient,
  functionName: string,
  payload: unknown,
): Promise<void> => {
  const res = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  // 202 Accepted is Lambda's answer to an asynchronous invocation it queued.
  if (res.StatusCode !== 202)
    throw new Error(`Lambda answered ${res.StatusCode ?? 'no status'} instead of 202`);
};

/** The region in an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export const queueRegion = (queueUrl: string): string | undefined =>
  /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(queueUrl)?.[1];
