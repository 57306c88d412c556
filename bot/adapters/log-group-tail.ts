// Tails a CloudWatch Logs log group (the trail's) with the user's AWS credentials, for `signins start
// --log-group`. Polls FilterLogEvents with the sign-in pattern; each page becomes one batch.
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SIGNIN_SUBSCRIPTION_PATTERN } from '../../shared/alarms';

export interface TailOptions {
  readonly logGroupName: string;
  /** Start this far back on the first poll. */
  readonly lookbackMs: number;
  readonly now: () => Date;
}

/** One poll: the records since `since` (epoch ms), and where the next poll starts. */
export const pollLogGroup = async (
  client: CloudWatchLogsClient,
  options: TailOptions,
  since: number,
): Promise<{ messages: string[]; nextSince: number }> => {
  const messages: string[] = [];
  let nextSince = since;
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
      if (event.timestamp !== undefined) nextSince = Math.max(nextSince, event.timestamp + 1);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return { messages, nextSince };
};
