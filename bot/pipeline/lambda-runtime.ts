// Everything the Lambda handlers share, built once per execution environment (module scope).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoSignInStore } from '../adapters/dynamodb-store';
import { createJsonLogger } from '../adapters/json-logger';
import { createSlackClient, SlackNotifier } from '../adapters/slack-notifier';
import { cachedSlackSecret, type SlackSecret } from '../adapters/slack-secret';
import { type Config, ConfigError, loadConfig } from './config';
import type { IngestDeps } from './ingest';
import { systemClock } from '../ports';

export interface LambdaRuntime {
  readonly config: Config;
  readonly deps: IngestDeps;
  readonly slackSecret: () => Promise<SlackSecret>;
}

let runtime: Promise<LambdaRuntime> | undefined;

const build = async (): Promise<LambdaRuntime> => {
  const config = loadConfig();
  if (!config.tableName) throw new ConfigError('SIGNINS_TABLE is not set');
  if (!config.secretArn) throw new ConfigError('SIGNINS_SECRET_ARN is not set');
  const slackSecret = cachedSlackSecret(new SecretsManagerClient({}), config.secretArn);
  const secret = await slackSecret();
  const store = new DynamoSignInStore(new DynamoDBClient({}), {
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  });
  const notifier = new SlackNotifier(createSlackClient(secret.botToken, { slackApiUrl: config.slackApiUrl }));
  return {
    config,
    slackSecret,
    deps: {
      store,
      notifier,
      logger: createJsonLogger({ level: config.logLevel }),
      clock: systemClock,
      routing: config.routing,
      defaultChannel: config.channel,
    },
  };
};

export const lambdaRuntime = (): Promise<LambdaRuntime> => {
  runtime ??= build().catch((err: unknown) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
};
