// Everything the Lambda handlers share, built once per execution environment (module scope). The Slack
// token is read when a post needs it, not at start: sign-ins that arrive before the secret is set are
// stored and kept pending, and posted once it is.

import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../../shared/env-keys';
import { AWS_CALL_SETTINGS, createDynamoClient } from '../adapters/dynamodb-client';
import { DynamoSignInStore } from '../adapters/dynamodb-store';
import { LambdaJobQueue } from '../adapters/job-queues';
import { createPowertoolsLogger, createPowertoolsMetrics } from '../adapters/powertools';
import { SlackNotifier, type TokenSource } from '../adapters/slack-notifier';
import { cachedSlackSecret, type SlackSecret } from '../adapters/slack-secret';
import { loggingEscalator, SnsEscalator } from '../adapters/sns-escalator';
import { type Memoised, memoPromise } from '../core/memo-promise';
import { systemClock } from '../ports';
import { type Config, ConfigError, loadConfig } from './config';
import { DeliveryError } from './delivery-error';
import type { IngestDeps } from './ingest';
import { Responders } from './responders';

export interface LambdaRuntime {
  readonly config: Config;
  /** The worker's and the sweeper's: responder work is done at once, in the function. */
  readonly deps: IngestDeps & { readonly responders: Responders };
  /** The ingress's: slow responder work is handed to the worker (async invoke). */
  readonly ingressResponders: () => Responders;
  readonly slackSecret: () => Promise<SlackSecret>;
}

/** The bot token, or a DeliveryError that keeps the alert pending while the secret is not set. */
const tokenFrom =
  (slackSecret: Memoised<SlackSecret>): TokenSource =>
  async (fresh) => {
    // A refused token may have been rotated since this environment read the secret: read it again.
    if (fresh) slackSecret.forget();
    try {
      return (await slackSecret()).botToken;
    } catch (err) {
      throw new DeliveryError(
        { kind: 'not-attempted', reason: 'not-configured' },
        `no Slack token yet (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
  };

const build = async (): Promise<LambdaRuntime> => {
  const config = loadConfig();
  if (!config.tableName) throw new ConfigError('SIGNINS_TABLE is not set');
  if (!config.secretArn) throw new ConfigError('SIGNINS_SECRET_ARN is not set');
  const slackSecret = cachedSlackSecret(new SecretsManagerClient(AWS_CALL_SETTINGS), config.secretArn);
  const logger = createPowertoolsLogger(config.logLevel, config.metricsService);
  const store = new DynamoSignInStore(createDynamoClient(), {
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  });
  const base = {
    store,
    notifier: new SlackNotifier(tokenFrom(slackSecret), {
      slackApiUrl: config.slackApiUrl,
      timeoutMs: config.slackTimeoutMs,
    }),
    escalator: config.escalationTopicArn
      ? new SnsEscalator(new SNSClient(AWS_CALL_SETTINGS), config.escalationTopicArn)
      : loggingEscalator(logger),
    metrics: createPowertoolsMetrics({
      namespace: config.metricsNamespace,
      service: config.metricsService,
    }),
    logger,
    clock: systemClock,
    routing: config.routing,
    defaultChannel: config.channel,
    settings: config.responders,
  };
  const workerFunction = config.workerFunction;
  return {
    config,
    slackSecret,
    deps: { ...base, responders: new Responders(base) },
    ingressResponders: () => {
      if (!workerFunction) {
        // The stack always sets it; without it slow work runs in the request, which may outlast Slack's 3 s.
        logger.warn(`${ENV.workerFunction} is not set: responder work runs inside Slack's requests`);
        return new Responders(base);
      }
      return new Responders({
        ...base,
        jobs: new LambdaJobQueue(new LambdaClient(AWS_CALL_SETTINGS), workerFunction),
      });
    },
  };
};

export const lambdaRuntime = memoPromise(build);
