// Is the Slack secret set: it exists, holds JSON with a bot token and a signing secret, and is not the
// placeholder the stack creates. The token goes to the Slack checks only, never into a message.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CheckResult, unknown } from '../core/health-checks';
import { isGeneratedPlaceholder, judgeSlackSecret, type SecretFacts } from '../core/slack-verdicts';
import { attempt } from './aws-errors';
import { slackSecretSchema } from './slack-secret';

export const inspectSlackSecret = (value: string | undefined): { facts: SecretFacts; botToken?: string } => {
  if (!value) return { facts: { state: 'invalid', problem: 'it has no string value' } };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return {
      facts: isGeneratedPlaceholder(value)
        ? { state: 'placeholder' }
        : { state: 'invalid', problem: 'it is not JSON' },
    };
  }
  const parsed = slackSecretSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: an issue never quotes the value it rejected.
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
    return { facts: { state: 'invalid', problem } };
  }
  return { facts: { state: 'set' }, botToken: parsed.data.botToken };
};

export const checkSlackSecret = async (
  secrets: SecretsManagerClient,
  secretId: string | undefined,
): Promise<{ result: CheckResult; botToken?: string }> => {
  if (!secretId)
    return {
      result: unknown(
        'slack-secret',
        'the Slack secret',
        'pass --secret ARN or set SIGNINS_SECRET_ARN (the stack output SlackSecretArn)',
      ),
    };
  const read = await attempt('secretsmanager:GetSecretValue', () =>
    secrets.send(new GetSecretValueCommand({ SecretId: secretId })),
  );
  if (!read.ok)
    return read.errorName === 'ResourceNotFoundException'
      ? { result: judgeSlackSecret(secretId, { state: 'missing' }) }
      : { result: unknown('slack-secret', `Slack secret ${secretId}`, read.reason) };
  const inspected = inspectSlackSecret(read.value.SecretString);
  return { result: judgeSlackSecret(secretId, inspected.facts), botToken: inspected.botToken };
};
