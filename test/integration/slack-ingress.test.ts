// The Slack ingress Lambda: real HMAC-signed requests through Bolt's real AwsLambdaReceiver.
import type { handler as IngressHandler } from '../../bot/handlers/slack-ingress';
import { type LambdaTestEnv, SIGNING_SECRET, startLambdaEnv } from '../helpers/lambda-env';
import { slackSignatureHeaders } from '../helpers/slack-signature';

let env: LambdaTestEnv;
let handler: typeof IngressHandler;

beforeAll(async () => {
  env = await startLambdaEnv();
  ({ handler } = await import('../../bot/handlers/slack-ingress'));
});
afterAll(() => env.close());

/** A Lambda Function URL event (payload format 2.0) carrying a JSON body. */
const functionUrlEvent = (body: string, headers: Record<string, string>) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/slack/events',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...headers },
  requestContext: { http: { method: 'POST', path: '/slack/events' } } as never,
  body,
  isBase64Encoded: false,
});

const context = {} as Parameters<typeof IngressHandler>[1];
const challenge = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'legacy' });

describe('slack ingress', () => {
  it('answers Slack’s URL verification when the request is signed with the signing secret', async () => {
    const res = await handler(
      functionUrlEvent(challenge, slackSignatureHeaders(challenge, SIGNING_SECRET)),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('c-123');
  });

  it('refuses a request signed with another secret', async () => {
    const res = await handler(
      functionUrlEvent(challenge, slackSignatureHeaders(challenge, 'not-the-secret')),
      context,
    );
    expect(res.statusCode).toBe(401);
  });

  it('refuses a replayed request older than five minutes', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await handler(
      functionUrlEvent(challenge, slackSignatureHeaders(challenge, SIGNING_SECRET, stale)),
      context,
    );
    expect(res.statusCode).toBe(401);
  });

  it('reads the Slack credentials once per execution environment, and asks who the bot is once', () => {
    expect(env.secrets.calls().length).toBe(1);
    expect(env.slack.callsTo('auth.test')).toHaveLength(1);
  });
});
