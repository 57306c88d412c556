// A fresh deployment: sign-ins arrive before anyone has put the Slack token in the secret (the stack writes a
// random placeholder). They must be stored and kept pending, then posted once the secret is set.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import { recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, SECRET_ARN, startLambdaEnv } from '../helpers/lambda-env';

let env: LambdaTestEnv;
let handler: typeof WorkerHandler;

beforeAll(async () => {
  env = await startLambdaEnv();
  env.secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: 'xX9placeholderFromTheStack' });
  ({ handler } = await import('../../bot/handlers/events-worker'));
});
afterAll(() => env.close());

it('stores sign-ins that arrive before the Slack secret is set, and posts them once it is', async () => {
  const batch = subscriptionEvent([
    recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', { eventID: 'early-1' }),
  ]);
  await expect(handler(batch)).resolves.toMatchObject({ signIns: 1, posted: 0, deferred: 1, notStored: 0 });
  expect(env.slack.callsTo('chat.postMessage')).toHaveLength(0);

  env.secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-test', signingSecret: 'set-later' }) });
  const { lambdaRuntime } = await import('../../bot/pipeline/lambda-runtime');
  const { sweepPendingAlerts } = await import('../../bot/pipeline/sweep');
  const { deps } = await lambdaRuntime();
  const at = Date.now() + 61_000;
  await expect(
    sweepPendingAlerts({ ...deps, clock: { now: () => new Date(at) } }, { deadline: at + 20_000 }),
  ).resolves.toMatchObject({ posted: 1 });
  expect(env.slack.callsTo('chat.postMessage')).toHaveLength(1);
  // Waiting for the secret is not a failed attempt: nothing was sent.
  const alert = await deps.store.getAlert('signin:early-1');
  expect(alert).toMatchObject({ status: 'posted', attempts: 1 });
});

it('reads the secret again when Slack refuses the token, so a rotated token works without a restart', async () => {
  env.secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-rotated', signingSecret: 'set-later' }) });
  env.slack.reset();
  // The warm environment still holds the old token; Slack refuses it once.
  env.slack.failNext('chat.postMessage', { slackError: 'token_revoked' });
  const batch = subscriptionEvent([
    recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', { eventID: 'after-rotation' }),
  ]);
  await expect(handler(batch)).resolves.toMatchObject({ posted: 1, abandoned: 0 });
  expect(env.slack.callsTo('chat.postMessage').map((c) => c.token)).toEqual(['xoxb-test', 'xoxb-rotated']);
});
