// The Bolt app factory: one place that builds the app for every transport (Lambda Function URL, local
// HTTP, Socket Mode). Listeners live one file per Slack surface and are registered here.
import { App, type AppOptions, LogLevel, type Receiver } from '@slack/bolt';
import type { Logger } from '../ports';

export interface SlackAppOptions {
  readonly token: string;
  /** HTTP transports verify Slack's signature with it; Socket Mode does not need it. */
  readonly signingSecret?: string;
  readonly receiver?: Receiver;
  /** Socket Mode (local development, no public URL): needs an app-level token (xapp-…). */
  readonly appToken?: string;
  readonly slackApiUrl?: string;
  /** Required: without them Bolt calls auth.test in its constructor (see adapters/slack-identity.ts). */
  readonly botId: string;
  readonly botUserId: string;
  readonly port?: number;
  readonly logger: Logger;
}

export const createSlackApp = (options: SlackAppOptions): App => {
  const appOptions: AppOptions = {
    token: options.token,
    botId: options.botId,
    botUserId: options.botUserId,
    clientOptions: {
      slackApiUrl: options.slackApiUrl,
      timeout: 2500,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 1 },
    },
    logLevel: LogLevel.WARN,
    ...(options.receiver
      ? { receiver: options.receiver }
      : options.appToken
        ? { socketMode: true, appToken: options.appToken }
        : { signingSecret: options.signingSecret, port: options.port }),
  };
  const app = new App(appOptions);
  // A listener that throws must not become a 500 that Slack retries: log it and answer.
  app.error(async (error) => {
    options.logger.error('slack listener failed', {
      error: error.message,
      code: (error as { code?: string }).code,
    });
  });
  return app;
};
