// Lambda behind the public Function URL: Slack's requests (commands, buttons, events). Slack's
// signature is the authentication: the gate (slack/function-url-gate.ts) checks it, and the body, before
// Bolt's AwsLambdaReceiver sees the request, and the handler never rejects its promise.
import { AwsLambdaReceiver } from '@slack/bolt';
import { ENV, HEALTH_ENV } from '../../shared/env-keys';
import { DEFAULT_METRICS_SERVICE } from '../../shared/metrics';
import { createPowertoolsLogger } from '../adapters/powertools';
import { createSlackClient } from '../adapters/slack-client';
import { fetchBotIdentity } from '../adapters/slack-identity';
import { memoPromise } from '../core/memo-promise';
import { LOG_LEVELS } from '../pipeline/config';
import { lambdaRuntime } from '../pipeline/lambda-runtime';
import { createSlackApp } from '../slack/app';
import { functionUrlGate, RECEIVED_AT_HEADER, type ReadyIngress } from '../slack/function-url-gate';

// Module scope: the gate must be able to log even when the runtime (config, secret) cannot be built.
const logger = createPowertoolsLogger(
  LOG_LEVELS.find((level) => level === process.env[ENV.logLevel]?.toLowerCase()) ?? 'info',
  process.env[HEALTH_ENV.metricsService] ?? DEFAULT_METRICS_SERVICE,
);

const init = async (): Promise<ReadyIngress> => {
  const { config, deps, slackSecret, ingressResponders, ingressCommands, home } = await lambdaRuntime();
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
  const responders = ingressResponders();
  // The gate has verified the signature with this secret already: one check, shared with local HTTP mode.
  const receiver = new AwsLambdaReceiver({
    signingSecret: secret.signingSecret,
    signatureVerification: false,
    // The listeners' deadline counts from the request's arrival, cold start included.
    customPropertiesExtractor: (event) => ({
      receivedAt: Number(event.headers?.[RECEIVED_AT_HEADER]) || Date.now(),
    }),
  });
  createSlackApp({
    token: secret.botToken,
    receiver,
    slackApiUrl: config.slackApiUrl,
    ...identity,
    logger: deps.logger,
    responders: { responders, notifier: deps.notifier, logger: deps.logger },
    commands: { commands: ingressCommands(responders), home: home(responders), logger: deps.logger },
  });
  return { signingSecret: secret.signingSecret, bolt: receiver.toHandler() };
};

export const handler = functionUrlGate({ ready: memoPromise(init), logger, nowMs: Date.now });
