// Everything the Lambda handlers share, built once per execution environment (module scope). The Slack
// token is read when a post needs it, not at start: sign-ins that arrive before the secret is set are
// stored and kept pending, and posted once it is.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { AWS_CALL_SETTINGS, createDynamoClient } from '../adapters/dynamodb-client';
import { DynamoSignInStore } from '../adapters/dynamodb-store';
import { createPowertoolsLogger, createPowertoolsMetrics } from '../adapters/powertools';
import { SlackNotifier, type TokenSource } from '../adapters/slack-notifier';
import { cachedSlackSecret, type SlackSecret } from '../adapters/slack-secret';
import { loggingEscalator, SnsEscalator } from '../adapters/sns-escalator';
import { type Memoised, memoPromise } from '../core/memo-promise';
import { systemClock } from '../ports';
import { type Config, ConfigError, loadConfig } from './config';
import { DeliveryError } from './delivery-error';
import type { IngestDeps } from './ingest';

export interface LambdaRuntime {
  readonly config: Config;
  readonly deps: IngestDeps;
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
  return {
    config,
    slackSecret,
    deps: {
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
    },
  };
};

export const lambdaRuntime = memoPromise(build);
