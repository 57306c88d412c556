// The one Slack Web API client policy, for the notifier, the Bolt app and the CLI: a request timeout,
// rate limits returned as errors instead of slept inside the client (a 429's Retry-After can outlast a
// Lambda invocation), few retries, and SLACK_API_URL honoured for tests and Enterprise Grid proxies.
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';

export interface SlackClientOptions {
  readonly slackApiUrl?: string;
  /**
   * Retries after a failed call (5xx, network). Posts use 0: a post that timed out may have landed, and
   * only a look in the channel (not a blind retry) can tell.
   * @default 0
   */
  readonly retries?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export const DEFAULT_SLACK_TIMEOUT_MS = 5000;

export const slackClientOptions = (options: SlackClientOptions = {}): WebClientOptions => ({
  slackApiUrl: options.slackApiUrl,
  timeout: options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS,
  rejectRateLimitedCalls: true,
  retryConfig: { retries: options.retries ?? 0, factor: 2, minTimeout: 250, maxTimeout: 1000 },
  logLevel: LogLevel.ERROR,
});

export const createSlackClient = (token: string, options: SlackClientOptions = {}): WebClient =>
  new WebClient(token, slackClientOptions(options));
