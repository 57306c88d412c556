// The Slack ingress Lambda before its secret can be read: the deployed placeholder value, then Secrets
// Manager unreachable. Each is a 503 (Slack retries) with a log line, never a crash, and the ingress
// serves as soon as the real secret is there.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { handler as IngressHandler } from '../../bot/handlers/slack-ingress';
import { type LambdaTestEnv, SECRET_ARN, SIGNING_SECRET, startLambdaEnv } from '../helpers/lambda-env';
import { slackSignatureHeaders } from '../helpers/slack-signature';

let env: LambdaTestEnv;
let handler: typeof IngressHandler;
let output: jest.SpyInstance[];

beforeAll(async () => {
  env = await startLambdaEnv({ SIGNINS_LOG_LEVEL: 'info' });
  ({ handler } = await import('../../bot/handlers/slack-ingress'));
});
afterAll(() => env.close());
// Powertools writes errors to stderr and the rest to stdout.
beforeEach(() => {
  output = [process.stdout, process.stderr].map((s) => jest.spyOn(s, 'write').mockImplementation(() => true));
});
afterEach(() => {
  for (const spy of output) spy.mockRestore();
});

const challenge = JSON.stringify({ type: 'url_verification', challenge: 'after-the-secret' });
const signedChallenge = () => ({
  headers: { 'content-type': 'application/json', ...slackSignatureHeaders(challenge, SIGNING_SECRET) },
  body: challenge,
  isBase64Encoded: false,
});
const logged = () => output.flatMap((spy) => spy.mock.calls.map(([line]) => String(line))).join('');

describe('slack ingress before its secret is readable', () => {
  it('answers 503 with a log line while the secret still holds the deployed placeholder', async () => {
    env.secrets.reset();
    env.secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: 'Xk39PlaceholderQ7' });

    const res = await handler(signedChallenge(), {});

    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'unavailable' });
    expect(logged()).toContain('is not JSON');
  });

  it('answers 503 with a log line while Secrets Manager cannot be reached', async () => {
    env.secrets.reset();
    env.secrets.on(GetSecretValueCommand).rejects(new Error('connect ETIMEDOUT secretsmanager'));

    const res = await handler(signedChallenge(), {});

    expect(res.statusCode).toBe(503);
    expect(logged()).toContain('ETIMEDOUT');
  });

  it('serves Slack once the real secret is stored, without a restart', async () => {
    env.secrets.reset();
    env.secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-test', signingSecret: SIGNING_SECRET }) });

    const res = await handler(signedChallenge(), {});

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('after-the-secret');
  });
});
