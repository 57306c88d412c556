// The Slack ingress Lambda: real HMAC-signed requests through the gate and Bolt's real AwsLambdaReceiver.
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

/** A Lambda Function URL event (payload format 2.0). */
const functionUrlEvent = (
  body: string | undefined,
  headers: Record<string, string>,
  { isBase64Encoded = false, contentType = 'application/json' } = {},
) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/slack/events',
  rawQueryString: '',
  headers: { 'content-type': contentType, ...headers },
  requestContext: { http: { method: 'POST', path: '/slack/events' } },
  body,
  isBase64Encoded,
});

const context = {};
const challenge = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'legacy' });
const nowSeconds = () => Math.floor(Date.now() / 1000);
const signed = (body: string, timestamp?: number) => slackSignatureHeaders(body, SIGNING_SECRET, timestamp);

describe('slack ingress on Lambda', () => {
  it('answers Slack’s URL verification when the request is signed with the signing secret', async () => {
    const res = await handler(functionUrlEvent(challenge, signed(challenge)), context);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('c-123');
  });

  it('finds the signature headers whatever their case', async () => {
    const { 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } = signed(challenge);
    const res = await handler(
      functionUrlEvent(challenge, { 'X-Slack-Request-Timestamp': ts, 'X-SLACK-SIGNATURE': sig }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('c-123');
  });

  it('passes a signed base64 body with non-ASCII text to Bolt intact', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'café-☕' });
    const res = await handler(
      functionUrlEvent(Buffer.from(body, 'utf8').toString('base64'), signed(body), { isBase64Encoded: true }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ challenge: 'café-☕' });
  });

  it('hands Bolt a signed form body whose content type carries a charset', async () => {
    const body = `payload=${encodeURIComponent(challenge)}`;
    const res = await handler(
      functionUrlEvent(body, signed(body), {
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      }),
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
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'unauthorized' });
  });

  it('refuses a replayed request older than five minutes', async () => {
    const res = await handler(functionUrlEvent(challenge, signed(challenge, nowSeconds() - 6 * 60)), context);
    expect(res.statusCode).toBe(401);
  });

  it('refuses a signed request stamped six minutes in the future', async () => {
    const res = await handler(functionUrlEvent(challenge, signed(challenge, nowSeconds() + 6 * 60)), context);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('c-123');
  });

  it('accepts a signed request whose clock is four minutes ahead', async () => {
    const res = await handler(functionUrlEvent(challenge, signed(challenge, nowSeconds() + 4 * 60)), context);
    expect(res.statusCode).toBe(200);
  });

  it('refuses an unsigned request before parsing its body', async () => {
    const res = await handler(functionUrlEvent('{"type": not json', {}), context);
    expect(res.statusCode).toBe(401);
  });

  it('refuses a timestamp that is not a number, and a signature of the wrong shape', async () => {
    const { 'x-slack-signature': sig } = signed(challenge);
    const notANumber = await handler(
      functionUrlEvent(challenge, { 'x-slack-request-timestamp': 'soon', 'x-slack-signature': sig }),
      context,
    );
    const badShape = await handler(
      functionUrlEvent('{"type": not json', {
        'x-slack-request-timestamp': String(nowSeconds()),
        'x-slack-signature': 'v0=zz',
      }),
      context,
    );
    expect([notANumber.statusCode, badShape.statusCode]).toEqual([401, 401]);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const body = '{"type": "url_verification", ';
    const res = await handler(functionUrlEvent(body, signed(body)), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'malformed_body' });
  });

  it('answers 400 to a signed form whose payload is not JSON', async () => {
    const body = 'payload=%7Bnope';
    const res = await handler(
      functionUrlEvent(body, signed(body), { contentType: 'application/x-www-form-urlencoded' }),
      context,
    );
    expect(res.statusCode).toBe(400);
  });

  it('answers 400 to a signed body whose content type Slack never sends', async () => {
    const res = await handler(
      functionUrlEvent(challenge, signed(challenge), { contentType: 'text/plain' }),
      context,
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'unsupported_content_type' });
  });

  it('answers 400 to a body flagged base64 that is not base64', async () => {
    const body = 'this is {not} base64!';
    const res = await handler(functionUrlEvent(body, signed(body), { isBase64Encoded: true }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'undecodable_body' });
  });

  it('answers 400 to a request without a body', async () => {
    const res = await handler(functionUrlEvent(undefined, signed('')), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'missing_body' });
  });

  it('answers Slack’s unsigned SSL check with an empty 200, and dispatches nothing smuggled with it', async () => {
    const form = { contentType: 'application/x-www-form-urlencoded' };
    const check = await handler(functionUrlEvent('ssl_check=1&token=legacy', {}, form), context);
    const smuggled = await handler(
      functionUrlEvent(`ssl_check=1&payload=${encodeURIComponent(challenge)}`, {}, form),
      context,
    );
    expect(check).toEqual({ statusCode: 200, body: '' });
    expect(smuggled).toEqual({ statusCode: 200, body: '' });
  });

  it('never rejects its promise, whatever the event', async () => {
    const odd: unknown[] = [
      null,
      'POST /slack/events',
      42,
      [],
      { headers: 'x' },
      { body: 7 },
      { headers: null, body: challenge },
      functionUrlEvent('%%%', { 'x-slack-signature': 'v0=', 'x-slack-request-timestamp': '' }),
      functionUrlEvent('null', signed('null')),
      functionUrlEvent('[1]', signed('[1]')),
    ];
    for (const event of odd) {
      const res = await handler(event, context);
      expect([400, 401]).toContain(res.statusCode);
    }
  });

  it('reads the Slack credentials once per execution environment, and asks who the bot is once', () => {
    expect(env.secrets.calls().length).toBe(1);
    expect(env.slack.callsTo('auth.test')).toHaveLength(1);
  });
});
