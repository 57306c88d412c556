// The Bolt app factory: one place that builds the app for every transport (Lambda Function URL, local
// HTTP, Socket Mode). Listeners live one file per Slack surface and are registered here.
import { App, type AppOptions, LogLevel, type Receiver } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import { slackClientOptions } from '../adapters/slack-client';
import type { Logger } from '../ports';
import { type CommandWiring, registerCommandListeners } from './command-listeners';
import {
  LISTENER_BUDGET_MS,
  type ResponderWiring,
  registerResponderListeners,
  replyTo,
} from './responder-listeners';
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
  /** The responder loop's listeners (buttons, the modal, /signins); without it only the error handler is set. */
  readonly responders?: ResponderWiring;
  /** `/signins`, the Silence button and modal, App Home. */
  readonly commands?: CommandWiring;
}

/** Who clicked and where, from whatever request failed: the user is told, in that channel. */
const origin = (body: unknown): { user?: string; channel?: string } => {
  const b = (body ?? {}) as {
    user?: { id?: string };
    user_id?: string;
    channel?: { id?: string };
    channel_id?: string;
    container?: { channel_id?: string };
  };
  return { user: b.user?.id ?? b.user_id, channel: b.channel?.id ?? b.channel_id ?? b.container?.channel_id };
};

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
  const app = new App({ ...appOptions, extendedErrorHandler: true });
  // A listener that throws must not become a 500 that Slack retries: log it, tell the person, answer.
  app.error(async ({ error, body }: ExtendedErrorHandlerArgs) => {
    options.logger.error('slack listener failed', {
      error: error.message,
      code: (error as { code?: string }).code,
    });
    const { user, channel } = origin(body);
    if (options.responders && user)
      await replyTo(
        options.responders,
        channel,
        user,
        'Something went wrong handling that, and the alert is unchanged. Try again in a moment; if it keeps failing, tell whoever runs signins.',
        LISTENER_BUDGET_MS,
      );
  });
  if (options.responders) registerResponderListeners(app, options.responders);
  if (options.commands) registerCommandListeners(app, options.commands);
  return app;
};
