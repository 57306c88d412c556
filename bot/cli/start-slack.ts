// `signins start` with Slack credentials: who the bot is (auth.test, which also proves the token), then
// the Bolt app on Socket Mode or HTTP. What the user can fix (a refused token, a busy port) is one line.
import type { App } from '@slack/bolt';
import { createSlackClient } from '../adapters/slack-client';
import { fetchBotIdentity } from '../adapters/slack-identity';
import { slackErrorMeaning } from '../core/slack-errors';
import type { Config } from '../pipeline/config';
import type { Logger } from '../ports';
import { createSlackApp } from '../slack/app';
import type { CommandWiring } from '../slack/command-listeners';
import type { ResponderWiring } from '../slack/responder-listeners';
import { CliError } from './cli-error';
import type { Io } from './command';

export type SlackMode = 'socket' | 'http';

export interface LocalSlack {
  readonly token: string;
  close(): Promise<void>;
}

const slackCode = (err: unknown): string | undefined => (err as { data?: { error?: string } })?.data?.error;

const refusedToken = (err: unknown, variable: string): CliError | undefined => {
  const code = slackCode(err);
  if (!code) return undefined;
  const meaning = slackErrorMeaning(code);
  return new CliError(
    meaning.tokenRefused
      ? `Slack refused ${variable} (${code}): copy the token again from your Slack app's settings (${variable === 'SLACK_BOT_TOKEN' ? 'OAuth & Permissions, xoxb-…' : 'Basic Information → App-Level Tokens, xapp-…'})`
      : `Slack answered ${code} to ${variable}${meaning.hint ? `: ${meaning.hint}` : ''}`,
    1,
    { cause: err },
  );
};

const unreachable = (err: unknown, config: Config): CliError | undefined => {
  const code = (err as { code?: string })?.code;
  if (code !== 'slack_webapi_request_error') return undefined;
  const original = (err as { original?: Error }).original;
  return new CliError(
    `cannot reach Slack at ${config.slackApiUrl ?? 'https://slack.com/api/'} (${original?.message ?? String(err)}): check the network or SLACK_API_URL`,
    1,
    { cause: err },
  );
};

const startApp = async (app: App, mode: SlackMode, config: Config): Promise<void> => {
  try {
    await app.start();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CliError(
        `port ${config.port} is in use: stop what listens there, or set PORT to a free port`,
        1,
        { cause: err },
      );
    if (mode === 'socket') throw refusedToken(err, 'SLACK_APP_TOKEN') ?? unreachable(err, config) ?? err;
    throw err;
  }
};

export const connectSlack = async (
  config: Config,
  mode: SlackMode,
  token: string,
  logger: Logger,
  io: Io,
  responders?: ResponderWiring,
  commands?: CommandWiring,
): Promise<LocalSlack> => {
  let identity: Awaited<ReturnType<typeof fetchBotIdentity>>;
  try {
    identity = await fetchBotIdentity(
      createSlackClient(token, { slackApiUrl: config.slackApiUrl, retries: 1 }),
    );
  } catch (err) {
    // Whatever else auth.test says (not a bot token, an answer without ids) is about the token too.
    throw (
      refusedToken(err, 'SLACK_BOT_TOKEN') ??
      unreachable(err, config) ??
      new CliError(
        `checking SLACK_BOT_TOKEN with auth.test: ${err instanceof Error ? err.message : String(err)}`,
        1,
        {
          cause: err,
        },
      )
    );
  }
  const app = createSlackApp({
    ...identity,
    token,
    appToken: mode === 'socket' ? config.slackAppToken : undefined,
    signingSecret: config.slackSigningSecret,
    slackApiUrl: config.slackApiUrl,
    port: config.port,
    logger,
    responders,
    commands,
  });
  await startApp(app, mode, config);
  io.err(
    mode === 'socket'
      ? 'signins: connected to Slack (Socket Mode)'
      : `signins: listening on http://localhost:${config.port}/slack/events`,
  );
  return {
    token,
    close: async () => {
      await app.stop();
    },
  };
};
