// Tails a CloudWatch Logs log group (the trail's) with the user's AWS credentials, for `signins start
// --log-group`. Polls FilterLogEvents with the sign-in pattern; each page becomes one batch.
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SIGNIN_SUBSCRIPTION_PATTERN } from '../../shared/alarms';

export interface TailOptions {
  readonly logGroupName: string;
  /**
   * How far behind the newest event the next poll starts again. Each region's stream is delivered on
   * its own schedule, so an event can land with a timestamp older than one already read; re-reading
   * is harmless (the store deduplicates on eventID).
   */
  readonly overlapMs: number;
}

/** One poll: the records since `since` (epoch ms), and where the next poll starts. */
export const pollLogGroup = async (
  client: CloudWatchLogsClient,
  options: TailOptions,
  since: number,
): Promise<{ messages: string[]; nextSince: number }> => {
  const messages: string[] = [];
  let newest = -1;
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new FilterLogEventsCommand({
        logGroupName: options.logGroupName,
        filterPattern: SIGNIN_SUBSCRIPTION_PATTERN,
        startTime: since,
        nextToken,
      }),
    );
    for (const event of page.events ?? []) {
      if (event.message) messages.push(event.message);
      if (event.timestamp !== undefined) newest = Math.max(newest, event.timestamp);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return { messages, nextSince: Math.max(since, newest + 1 - options.overlapMs) };
};
