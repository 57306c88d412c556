// Lambda behind the public Function URL: Slack's requests (commands, buttons, events). Slack's
// signature is the authentication; AwsLambdaReceiver checks it before any listener runs.
import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsHandler } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { fetchBotIdentity } from '../adapters/slack-identity';
import { createSlackClient } from '../adapters/slack-notifier';
import { lambdaRuntime } from '../pipeline/lambda-runtime';
import { createSlackApp } from '../slack/app';

let ready: Promise<AwsHandler> | undefined;

const init = async (): Promise<AwsHandler> => {
  const { config, deps, slackSecret } = await lambdaRuntime();
  const secret = await slackSecret();
  const identity =
    secret.botId && secret.botUserId
      ? { botId: secret.botId, botUserId: secret.botUserId }
      : await fetchBotIdentity(
          createSlackClient(secret.botToken, {
            slackApiUrl: config.slackApiUrl,
            retries: 1,
            timeoutMs: 1500,
          }),
        );
  const receiver = new AwsLambdaReceiver({ signingSecret: secret.signingSecret });
  createSlackApp({
    token: secret.botToken,
    receiver,
    slackApiUrl: config.slackApiUrl,
    ...identity,
    logger: deps.logger,
  });
  return receiver.toHandler();
};

export const handler: AwsHandler = async (event, context) => {
  ready ??= init().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return (await ready)(event, context);
};
