// The gate's own failure paths, which the real handler reaches only when something breaks: a runtime
// that cannot get ready (503) and a Bolt handler that throws (500). Requests are really signed.
import type { AwsHandler } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { functionUrlGate, type ReadyIngress } from '../../bot/slack/function-url-gate';
import { slackSignatureHeaders } from '../helpers/slack-signature';

const SECRET = 'gate-secret';
const body = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } });
const event = (headers = slackSignatureHeaders(body, SECRET)) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body,
  isBase64Encoded: false,
});

const recordingLogger = () => {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
};

const gateWith = (ready: () => Promise<ReadyIngress>) => {
  const { lines, logger } = recordingLogger();
  return { lines, gate: functionUrlGate({ ready, logger, nowMs: Date.now }) };
};

describe('function URL gate', () => {
  it('answers 503 with a log line while the signing secret cannot be read, then serves once it can', async () => {
    let secretReadable = false;
    const bolt: AwsHandler = async () => ({ statusCode: 200, body: 'from bolt' });
    const { gate, lines } = gateWith(async () => {
      if (!secretReadable) throw new Error('secret signins-slack is not JSON: store {"botToken":…}');
      return { signingSecret: SECRET, bolt };
    });

    const unavailable = await gate(event(), {});
    secretReadable = true;
    const served = await gate(event(), {});

    expect(unavailable.statusCode).toBe(503);
    expect(JSON.parse(unavailable.body ?? '')).toEqual({ error: 'unavailable' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ error: expect.stringContaining('not JSON') }),
      }),
    );
    expect(served).toEqual({ statusCode: 200, body: 'from bolt' });
  });

  it('turns a Bolt handler that throws into a logged 500 with a short JSON body', async () => {
    const { gate, lines } = gateWith(async () => ({
      signingSecret: SECRET,
      bolt: async () => {
        throw new TypeError('listener blew up');
      },
    }));

    const res = await gate(event(), {});

    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'internal_error' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ error: 'listener blew up' }),
      }),
    );
  });

  it('refuses a request without a body, or with a bad base64 body, without waiting for the runtime', async () => {
    const ready = jest.fn(async (): Promise<ReadyIngress> => {
      throw new Error('never ready');
    });
    const { gate } = gateWith(ready);

    const noBody = await gate({ headers: {}, isBase64Encoded: false }, {});
    const notBase64 = await gate({ headers: {}, body: '***', isBase64Encoded: true }, {});

    expect([noBody.statusCode, notBase64.statusCode]).toEqual([400, 400]);
    expect(ready).not.toHaveBeenCalled();
  });

  it('gives Bolt the verified body as text with one content-type header it recognises', async () => {
    const seen: unknown[] = [];
    const { gate } = gateWith(async () => ({
      signingSecret: SECRET,
      bolt: async (e) => {
        seen.push(e);
        return { statusCode: 200, body: '' };
      },
    }));
    const encoded = Buffer.from(body).toString('base64');

    await gate(
      {
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          ...slackSignatureHeaders(body, SECRET),
        },
        body: encoded,
        isBase64Encoded: true,
      },
      {},
    );

    expect(seen).toEqual([
      expect.objectContaining({
        body,
        isBase64Encoded: false,
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    ]);
    expect(Object.keys((seen[0] as { headers: object }).headers)).not.toContain('Content-Type');
  });
});
