// The Bolt app factory: one place that builds the app for every transport (Lambda Function URL, local
// HTTP, Socket Mode). Listeners live one file per Slack surface and are registered here.
import { App, type AppOptions, LogLevel, type Receiver } from '@slack/bolt';
import { slackClientOptions } from '../adapters/slack-client';
import type { Logger } from '../ports';
import { VerifiedHttpReceiver } from './verified-http-receiver';

export interface SlackAppOptions {
  readonly token: string;
  /** Local HTTP mode verifies Slack's signature with it; Socket Mode and a given receiver do not need it. */
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

/** Local HTTP mode: the same request check as the Lambda ingress, in front of Bolt's router. */
const httpReceiver = (options: SlackAppOptions): Receiver => {
  if (!options.signingSecret)
    throw new Error("Slack HTTP mode needs the app's signing secret (SLACK_SIGNING_SECRET)");
  return new VerifiedHttpReceiver({
    signingSecret: options.signingSecret,
    port: options.port,
    logger: options.logger,
  });
};

export const createSlackApp = (options: SlackAppOptions): App => {
  const appOptions: AppOptions = {
    token: options.token,
    botId: options.botId,
    botUserId: options.botUserId,
    // The one client policy (adapters/slack-client.ts), with a timeout that fits Slack's 3 s for listeners.
    clientOptions: slackClientOptions({ slackApiUrl: options.slackApiUrl, timeoutMs: 2500, retries: 1 }),
    logLevel: LogLevel.WARN,
    ...(options.receiver
      ? { receiver: options.receiver }
      : options.appToken
        ? { socketMode: true, appToken: options.appToken }
        : { receiver: httpReceiver(options) }),
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
