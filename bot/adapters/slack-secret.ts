// The Slack credentials on Lambda: one Secrets Manager secret (JSON), read at run time and cached for
// the life of the execution environment. Never in environment variables or the template.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { SLACK_SECRET_KEYS } from '../../shared/env-keys';
import { type Memoised, memoPromise } from '../core/memo-promise';

export const slackSecretSchema = z.object({
  [SLACK_SECRET_KEYS.botToken]: z.string().startsWith('xox', 'botToken must be a Slack bot token (xoxb-…)'),
  [SLACK_SECRET_KEYS.signingSecret]: z.string().min(1, 'signingSecret is empty'),
  /** Optional: lets Bolt skip its auth.test call on cold start. */
  botId: z.string().optional(),
  botUserId: z.string().optional(),
});
export type SlackSecret = z.infer<typeof slackSecretSchema>;

export class SlackSecretError extends Error {
  override readonly name = 'SlackSecretError';
}

export const readSlackSecret = async (
  client: SecretsManagerClient,
  secretId: string,
): Promise<SlackSecret> => {
  const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!res.SecretString) throw new SlackSecretError(`secret ${secretId} has no string value`);
  let json: unknown;
  try {
    json = JSON.parse(res.SecretString);
  } catch {
    throw new SlackSecretError(
      `secret ${secretId} is not JSON: store {"botToken":"xoxb-…","signingSecret":"…"}`,
    );
  }
  const parsed = slackSecretSchema.safeParse(json);
  if (!parsed.success) {
    throw new SlackSecretError(`secret ${secretId}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
};

/** Caches the first successful read; a failed read (a secret not set yet) is retried on the next call. */
export const cachedSlackSecret = (client: SecretsManagerClient, secretId: string): Memoised<SlackSecret> =>
  memoPromise(() => readSlackSecret(client, secretId));
