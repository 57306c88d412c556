// Points the Lambda handlers at local parts: dynalite for DynamoDB (through the SDK's standard
// AWS_ENDPOINT_URL_DYNAMODB), the fake Slack for the Web API, and a mocked Secrets Manager.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { ENV } from '../../shared/env-keys';
import { FakeSlack } from './fake-slack';

export const SIGNING_SECRET = 'test-signing-secret';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:signins-slack-AbCdEf';

export interface LambdaTestEnv {
  readonly slack: FakeSlack;
  readonly dynamo: EmbeddedDynamo;
  readonly secrets: ReturnType<typeof mockClient>;
  close(): Promise<void>;
}

export const startLambdaEnv = async (extraEnv: Record<string, string> = {}): Promise<LambdaTestEnv> => {
  const slack = await new FakeSlack().start();
  const dynamo = await startEmbeddedDynamo();
  const secrets = mockClient(SecretsManagerClient);
  secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-test', signingSecret: SIGNING_SECRET }) });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    [ENV.table]: dynamo.tableName,
    [ENV.secretArn]: SECRET_ARN,
    [ENV.slackApiUrl]: slack.url,
    [ENV.channel]: 'C0SIGNINS',
    [ENV.logLevel]: 'warn',
    ...extraEnv,
  });
  return {
    slack,
    dynamo,
    secrets,
    close: async () => {
      secrets.restore();
      await slack.stop();
      await dynamo.close();
    },
  };
};
