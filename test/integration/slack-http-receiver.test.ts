// Local HTTP mode (`signins start` with SLACK_SIGNING_SECRET): the Bolt app from createSlackApp on a real
// port, real HMAC-signed requests over HTTP, and a listener that records what reached it.
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { createSlackApp } from '../../bot/slack/app';
import { FakeSlack } from '../helpers/fake-slack';
import { slackSignatureHeaders } from '../helpers/slack-signature';

const SECRET = 'local-signing-secret';
const logged: string[] = [];
const logger = {
  info: (message: string, fields?: Record<string, unknown>) =>
    logged.push(`${message} ${JSON.stringify(fields)}`),
  warn: (message: string) => logged.push(message),
  error: (message: string) => logged.push(message),
};

let slack: FakeSlack;
let app: App;
let url: string;
const commands: string[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
  app = createSlackApp({
    token: 'xoxb-local',
    botId: 'B0LOCAL',
    botUserId: 'U0LOCAL',
    signingSecret: SECRET,
    slackApiUrl: slack.url,
    port: 0,
    logger,
  });
  app.command('/signins', async ({ ack, command }) => {
    commands.push(command.text);
    await ack('heard you');
  });
  const server = (await app.start()) as { address(): AddressInfo };
  url = `http://127.0.0.1:${server.address().port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await slack.stop();
});
beforeEach(() => {
  commands.length = 0;
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const form = 'application/x-www-form-urlencoded';
const command = (text: string) =>
  new URLSearchParams({ command: '/signins', text, team_id: 'T1' }).toString();
const post = (body: string, headers: Record<string, string>, contentType = form) =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });

describe('slack HTTP receiver (local mode)', () => {
  it('runs the listener of a signed slash command and answers with its ack', async () => {
    const body = command('status');
    const res = await post(body, slackSignatureHeaders(body, SECRET));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('heard you');
    expect(commands).toEqual(['status']);
  });

  it('refuses a signed request stamped six minutes in the future before any listener runs', async () => {
    const body = command('from the future');
    const res = await post(body, slackSignatureHeaders(body, SECRET, nowSeconds() + 6 * 60));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
    expect(commands).toEqual([]);
    expect(logged.join('\n')).toContain('more than 5 minutes in the future');
  });

  it('refuses stale, unsigned and wrongly signed requests', async () => {
    const body = command('x');
    const stale = await post(body, slackSignatureHeaders(body, SECRET, nowSeconds() - 6 * 60));
    const unsigned = await post(body, {});
    const forged = await post(body, slackSignatureHeaders(body, 'not-the-secret'));
    expect([stale.status, unsigned.status, forged.status]).toEqual([401, 401, 401]);
    expect(commands).toEqual([]);
  });

  it('answers 400 to a signed body that cannot be parsed, and to a content type Slack never sends', async () => {
    const json = '{"type": "event_callback", ';
    const malformed = await post(json, slackSignatureHeaders(json, SECRET), 'application/json');
    const body = command('x');
    const plain = await post(body, slackSignatureHeaders(body, SECRET), 'text/plain');
    expect([malformed.status, plain.status]).toEqual([400, 400]);
    expect(commands).toEqual([]);
  });

  it('hands Bolt a signed form whose content type carries a charset', async () => {
    const body = command('with charset');
    const res = await post(body, slackSignatureHeaders(body, SECRET), `${form}; charset=utf-8`);
    expect(res.status).toBe(200);
    expect(commands).toEqual(['with charset']);
  });

  it('answers a signed URL verification with its challenge', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'local-challenge' });
    const res = await post(body, slackSignatureHeaders(body, SECRET), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'local-challenge' });
  });

  it('answers Slack’s unsigned SSL check with 200 and runs nothing smuggled with it', async () => {
    const res = await post(`ssl_check=1&${command('smuggled')}`, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(commands).toEqual([]);
  });

  it('answers 404 to other paths and methods', async () => {
    const other = await fetch(url.replace('/slack/events', '/elsewhere'), { method: 'POST', body: '{}' });
    const get = await fetch(url);
    expect([other.status, get.status]).toEqual([404, 404]);
  });
});
