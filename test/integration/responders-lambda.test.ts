// The responder loop on Lambda, end to end: the events worker posts a card (dynalite, fake Slack), then
// HMAC-signed block_actions and view_submission requests go through the ingress's gate and Bolt's real
// AwsLambdaReceiver; the ingress hands slow work to the worker by async invoke (aws-sdk-client-mock), and
// the worker pages through SNS (aws-sdk-client-mock).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS, DENY_MODAL } from '../../bot/core/render/response-card';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import type { handler as IngressHandler } from '../../bot/handlers/slack-ingress';
import { ENV } from '../../shared/env-keys';
import { recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, SIGNING_SECRET, startLambdaEnv } from '../helpers/lambda-env';
import { slackSignatureHeaders } from '../helpers/slack-signature';

const CHANNEL = 'C0SIGNINS';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:signins-escalation';
const ANAYA = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';

let env: LambdaTestEnv;
let worker: typeof WorkerHandler;
let ingress: typeof IngressHandler;
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
let handedOver: unknown[] = [];

beforeAll(async () => {
  env = await startLambdaEnv({
    [ENV.responders]: 'U0ALICE,U0ANAYA,S0SEC',
    [ENV.oncall]: 'S0ONCALL',
    [ENV.identityMap]: JSON.stringify({ iamUsers: { anaya: 'U0ANAYA' }, root: 'U0OWNER' }),
    [ENV.workerFunction]: 'signins-events-worker',
    [ENV.escalationTopicArn]: TOPIC,
  });
  env.slack.groups.set('S0SEC', ['U0BOB']);
  ({ handler: worker } = await import('../../bot/handlers/events-worker'));
  ({ handler: ingress } = await import('../../bot/handlers/slack-ingress'));
});
afterAll(async () => {
  lambda.restore();
  sns.restore();
  await env.close();
});
beforeEach(() => {
  env.slack.reset();
  env.slack.groups.set('S0SEC', ['U0BOB']);
  handedOver = [];
  lambda.reset();
  sns.reset();
  lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
    handedOver.push(JSON.parse(new TextDecoder().decode(input.Payload)));
    return { StatusCode: 202 };
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** A Lambda Function URL event carrying a signed form body, as Slack sends interactions. */
const signedRequest = (payload: unknown, headers: Record<string, string> = {}) => {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...slackSignatureHeaders(body, SIGNING_SECRET),
      ...headers,
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' } },
    body,
    isBase64Encoded: false,
  };
};

let actionCounter = 0;
const click = async (
  actionId: string,
  alertId: string,
  user: string,
  options: { channel?: string; actionTs?: string; headers?: Record<string, string> } = {},
) => {
  actionCounter += 1;
  const channel = options.channel ?? CHANNEL;
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: 'T0FAKE' },
    team: { id: 'T0FAKE', domain: 'fake' },
    api_app_id: 'A0SIGNINS',
    token: 'legacy',
    trigger_id: `trigger-${actionCounter}`,
    container: { type: 'message', channel_id: channel, message_ts: '1.000001', is_ephemeral: false },
    channel: { id: channel, name: 'signins' },
    response_url: `${env.slack.url}response/${actionCounter}`,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'signins_actions',
        value: alertId,
        text: { type: 'plain_text', text: actionId },
        action_ts: options.actionTs ?? `${1_700_000_000 + actionCounter}.000100`,
      },
    ],
  };
  const started = Date.now();
  const res = await ingress(signedRequest(payload, options.headers ?? {}), {});
  return { res, ms: Date.now() - started };
};

const submitDenial = async (alertId: string, user: string, note: string) => {
  const payload = {
    type: 'view_submission',
    user: { id: user, team_id: 'T0FAKE' },
    team: { id: 'T0FAKE', domain: 'fake' },
    api_app_id: 'A0SIGNINS',
    token: 'legacy',
    trigger_id: 'trigger-view',
    view: {
      id: 'V0DENY1',
      type: 'modal',
      callback_id: DENY_MODAL,
      private_metadata: alertId,
      hash: 'h-1',
      state: { values: { note: { note: { type: 'plain_text_input', value: note } } } },
    },
  };
  return ingress(signedRequest(payload), {});
};

/** Runs what the ingress handed to the worker, as Lambda's async invoke would. */
const runHandedOver = async () => {
  while (handedOver.length > 0) {
    const job = handedOver.shift();
    await worker(job);
  }
};

const postCard = async (rel: string, eventID: string) => {
  await worker(subscriptionEvent([recordFrom(rel, { eventID })]));
  const card = env.slack.messages.get(CHANNEL)?.find((m) => JSON.stringify(m).includes(eventID));
  const metadata = card?.metadata as { event_payload: { alert_id: string } } | undefined;
  if (!card || !metadata) throw new Error(`no card for ${eventID}`);
  return { alertId: metadata.event_payload.alert_id, ts: String(card.ts) };
};

const cardText = (ts: string) => JSON.stringify(env.slack.message(CHANNEL, ts)?.blocks ?? []);
const buttonsOf = (ts: string): string[] =>
  ((env.slack.message(CHANNEL, ts)?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
const threadLines = (ts: string) => env.slack.thread(CHANNEL, ts).map((m) => String(m.text));

describe('responders on Lambda', () => {
  it('asks the mapped person by DM, and their "yes" confirms and resolves a low alert, on the card and in its thread', async () => {
    const { alertId, ts } = await postCard(ANAYA, 'r-yes');
    // The worker asked at once: a DM to anaya's Slack user, and the card says so.
    const dm = env.slack.messages.get('DU0ANAYA')?.[0];
    expect(JSON.stringify(dm?.blocks)).toContain('Was this you?');
    expect(cardText(ts)).toContain('Asked <@U0ANAYA>');
    expect(threadLines(ts)).toEqual(['🙋 Asked <@U0ANAYA> whether this was them.']);

    const { res, ms } = await click(ACTION_IDS.yes, alertId, 'U0ANAYA', { channel: 'DU0ANAYA' });
    expect(res.statusCode).toBe(200);
    expect(ms).toBeLessThan(3000);
    expect(cardText(ts)).toContain('Confirmed* by <@U0ANAYA>');
    expect(cardText(ts)).toContain('Resolved');
    expect(buttonsOf(ts)).toEqual([]);
    expect(threadLines(ts)).toContain('👍 <@U0ANAYA> confirmed this was them.');
    // The DM shows the answer instead of the buttons.
    expect(JSON.stringify(env.slack.messages.get('DU0ANAYA')?.[0]?.blocks)).toContain(
      'You answered *yes, it was me*',
    );
  });

  it('gives two simultaneous Acknowledge clicks one winner; the other is told who won', async () => {
    const { alertId, ts } = await postCard(ROOT, 'r-race');
    const [a, b] = await Promise.all([
      click(ACTION_IDS.acknowledge, alertId, 'U0ALICE'),
      click(ACTION_IDS.acknowledge, alertId, 'U0BOB'),
    ]);
    expect([a.res.statusCode, b.res.statusCode]).toEqual([200, 200]);
    const acks = threadLines(ts).filter((l) => l.includes('acknowledged this alert'));
    expect(acks).toHaveLength(1);
    const winner = acks[0]?.includes('U0ALICE') ? 'U0ALICE' : 'U0BOB';
    const loser = winner === 'U0ALICE' ? 'U0BOB' : 'U0ALICE';
    expect(cardText(ts)).toContain(`Acknowledged* by <@${winner}>`);
    expect(env.slack.ephemerals).toEqual([
      expect.objectContaining({
        user: loser,
        channel: CHANNEL,
        text: expect.stringContaining(`already acknowledged by <@${winner}>`),
      }),
    ]);
    expect(buttonsOf(ts)).toEqual([ACTION_IDS.escalate, ACTION_IDS.silence]);
  });

  it('refuses a user who is not a responder, and the person the alert is about, each with a reason', async () => {
    const { alertId, ts } = await postCard(ANAYA, 'r-refuse');
    await click(ACTION_IDS.acknowledge, alertId, 'U0MALLORY');
    await click(ACTION_IDS.escalate, alertId, 'U0ANAYA');
    expect(env.slack.ephemerals.map((e) => [e.user, e.text])).toEqual([
      ['U0MALLORY', expect.stringContaining('Only responders can acknowledge')],
      ['U0ANAYA', expect.stringContaining('This alert is about you')],
    ]);
    expect(cardText(ts)).not.toContain('Acknowledged*');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('turns a "No" into a red card and one page through SNS, with on-call mentioned in the thread', async () => {
    const { alertId, ts } = await postCard(ANAYA, 'r-no');
    await click(ACTION_IDS.no, alertId, 'U0ANAYA', { channel: 'DU0ANAYA' });
    expect(env.slack.callsTo('views.open')).toHaveLength(1);
    const res = await submitDenial(alertId, 'U0ANAYA', 'I was asleep <!channel>');
    expect(res.statusCode).toBe(200);
    expect(cardText(ts)).toContain("🟥 *<@U0ANAYA> says this wasn't them*");
    expect(cardText(ts)).toContain('I was asleep &lt;!channel&gt;');
    expect(handedOver).toEqual([{ signinsJob: { kind: 'page', alertId } }]);
    await runHandedOver();
    const pages = sns.commandCalls(PublishCommand);
    expect(pages).toHaveLength(1);
    const page = pages[0]?.args[0].input;
    expect(page?.TopicArn).toBe(TOPIC);
    expect(page?.Message).toContain('NOT them: "I was asleep <!channel>"');
    expect(page?.Message).toContain('Slack card: https://fake.slack.test/archives/C0SIGNINS/p');
    expect(page?.Subject).toMatch(
      /^signins: ESCALATED LOW: anaya signed in \(IAM user\) in account 111122223333/,
    );
    expect(threadLines(ts).some((l) => l.includes('<!subteam^S0ONCALL>'))).toBe(true);
    expect(cardText(ts)).toContain('paged');
  });

  it('pages once when two responders escalate', async () => {
    const { alertId, ts } = await postCard(ROOT, 'r-twice');
    await click(ACTION_IDS.escalate, alertId, 'U0ALICE');
    await click(ACTION_IDS.escalate, alertId, 'U0BOB');
    await runHandedOver();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(env.slack.ephemerals).toEqual([
      expect.objectContaining({
        user: 'U0BOB',
        text: expect.stringContaining('already escalated by <@U0ALICE>'),
      }),
    ]);
    expect(cardText(ts)).toContain('Escalated* by <@U0ALICE>');
  });

  it('acts once on a Slack retry of the same click', async () => {
    const { alertId, ts } = await postCard(ROOT, 'r-retry');
    const actionTs = '1700009999.000100';
    await click(ACTION_IDS.acknowledge, alertId, 'U0ALICE', { actionTs });
    await click(ACTION_IDS.acknowledge, alertId, 'U0ALICE', {
      actionTs,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(threadLines(ts).filter((l) => l.includes('acknowledged'))).toHaveLength(1);
    expect(env.slack.ephemerals).toEqual([]);
  });

  it('answers a click on an alert it does not know with a reason, changing nothing', async () => {
    const { alertId } = await postCard(ROOT, 'r-broken');
    const res = await click(ACTION_IDS.acknowledge, `${alertId}-missing`, 'U0ALICE');
    expect(res.res.statusCode).toBe(200);
    expect(env.slack.ephemerals[0]?.text).toContain('not known here');
  });
});
