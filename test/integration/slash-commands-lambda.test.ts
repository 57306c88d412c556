// `/signins` and silences on Lambda, end to end: the events worker stores sign-ins and posts cards (dynalite,
// fake Slack); HMAC-signed slash commands, button clicks and modal submissions go through the ingress's gate
// and Bolt's real AwsLambdaReceiver; the sweeper ends silences. CloudWatch (alarm actions) is
// aws-sdk-client-mock: there is no local CloudWatch.

import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { ACTION_IDS } from '../../bot/core/render/response-card';
import { SILENCE_MODAL } from '../../bot/core/render/silence-views';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import type { handler as IngressHandler } from '../../bot/handlers/slack-ingress';
import type { handler as SweeperHandler } from '../../bot/handlers/sweeper';
import { ENV } from '../../shared/env-keys';
import { recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, SIGNING_SECRET, startLambdaEnv } from '../helpers/lambda-env';
import { silenceModalValues } from '../helpers/silence-modal';
import { slackSignatureHeaders } from '../helpers/slack-signature';

const CHANNEL = 'C0SIGNINS';
const ANAYA = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ANAYA_FAILED = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';

let env: LambdaTestEnv;
let worker: typeof WorkerHandler;
let ingress: typeof IngressHandler;
let sweeper: typeof SweeperHandler;
let store: DynamoSignInStore;
const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const cloudtrail = mockClient(CloudTrailClient);
let handedOver: unknown[] = [];

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

beforeAll(async () => {
  env = await startLambdaEnv({
    [ENV.responders]: 'U0ALICE,U0ANAYA',
    [ENV.identityMap]: JSON.stringify({ iamUsers: { anaya: 'U0ANAYA' } }),
    [ENV.workerFunction]: 'signins-events-worker',
    [ENV.autoAsk]: 'off',
  });
  store = new DynamoSignInStore(env.dynamo.client, { tableName: env.dynamo.tableName, retentionDays: 90 });
  ({ handler: worker } = await import('../../bot/handlers/events-worker'));
  ({ handler: ingress } = await import('../../bot/handlers/slack-ingress'));
  ({ handler: sweeper } = await import('../../bot/handlers/sweeper'));
  // The store's history begins two days ago: `last 24h` is answered from it, not from CloudTrail.
  await worker(
    subscriptionEvent([recordFrom(ANAYA, { eventID: 'old-1', eventTime: minutesAgo(2 * 24 * 60) })]),
  );
});
afterAll(async () => {
  lambda.restore();
  cloudwatch.restore();
  cloudtrail.restore();
  await env.close();
});
beforeEach(() => {
  env.slack.reset();
  lambda.reset();
  handedOver = [];
  lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
    handedOver.push(JSON.parse(new TextDecoder().decode(input.Payload)));
    return { StatusCode: 202 };
  });
  cloudtrail.reset();
  cloudwatch.reset();
  cloudwatch.on(DisableAlarmActionsCommand).resolves({});
  cloudwatch.on(EnableAlarmActionsCommand).resolves({});
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
});

const functionUrlEvent = (body: string, contentType = 'application/x-www-form-urlencoded') => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/slack/events',
  rawQueryString: '',
  headers: {
    'content-type': contentType,
    ...slackSignatureHeaders(body, SIGNING_SECRET),
  },
  requestContext: { http: { method: 'POST', path: '/slack/events' } },
  body,
  isBase64Encoded: false,
});

let counter = 0;
/** A signed `/signins …` as Slack sends it; the answer is Bolt's ack body. */
const slash = async (text: string, user = 'U0ALICE') => {
  counter += 1;
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: CHANNEL,
    channel_name: 'signins',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/signins',
    text,
    api_app_id: 'A0SIGNINS',
    response_url: `${env.slack.url}response/${counter}`,
    trigger_id: `trigger-${counter}`,
  }).toString();
  const started = Date.now();
  const res = (await ingress(functionUrlEvent(body), {})) as { statusCode: number; body?: string };
  const ms = Date.now() - started;
  expect(res.statusCode).toBe(200);
  const answer = res.body
    ? (JSON.parse(res.body) as { response_type?: string; text?: string; blocks?: unknown[] })
    : {};
  return { answer, all: JSON.stringify(answer), ms };
};

const interact = async (payload: Record<string, unknown>) => {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return (await ingress(functionUrlEvent(body), {})) as { statusCode: number; body?: string };
};

const postCard = async (rel: string, overrides: Record<string, unknown>) => {
  await worker(subscriptionEvent([recordFrom(rel, overrides)]));
  const id = String(overrides.eventID);
  const card = env.slack.messages.get(CHANNEL)?.find((m) => JSON.stringify(m).includes(id));
  const metadata = card?.metadata as { event_payload: { alert_id: string } } | undefined;
  if (!card || !metadata) throw new Error(`no card for ${id}`);
  return { alertId: metadata.event_payload.alert_id, ts: String(card.ts) };
};

/** The sweeper with too little time for the hourly health checks (they reach for AWS; this test is about silences). */
const sweep = () => sweeper({}, { getRemainingTimeInMillis: () => 10_000 });

const channelTexts = () => (env.slack.messages.get(CHANNEL) ?? []).map((m) => String(m.text));

describe('/signins and silences on Lambda', () => {
  it('answers `last 24h` from the store within 3 s, with the filters and a clear answer to a mistake', async () => {
    await worker(
      subscriptionEvent([
        recordFrom(ANAYA, { eventID: 'q-1', eventTime: minutesAgo(60) }),
        recordFrom(ANAYA_FAILED, { eventID: 'q-2', eventTime: minutesAgo(30) }),
      ]),
    );
    const { answer, all, ms } = await slash('last 24h');
    expect(ms).toBeLessThan(3000);
    expect(answer.response_type).toBe('ephemeral');
    expect(all).toContain('anaya');
    expect(all).toMatch(/2 sign-ins/);

    const filtered = await slash('last 24h user anaya failed');
    expect(filtered.all).toMatch(/1 sign-in\b/);

    const wrong = await slash('last banana');
    expect(wrong.answer.response_type).toBe('ephemeral');
    expect(wrong.all).toContain('banana');
    expect(wrong.all).toContain('/signins last 24h');
  });

  it('answers `last 24h country jp` with the sign-ins from Japan and where each person was, on the bundled geo data', async () => {
    await worker(
      subscriptionEvent([
        recordFrom(ANAYA, { eventID: 'geo-jp-1', eventTime: minutesAgo(50), sourceIPAddress: '133.11.0.1' }),
        recordFrom(ANAYA, { eventID: 'geo-jp-2', eventTime: minutesAgo(40), sourceIPAddress: '133.11.0.1' }),
        recordFrom(ANAYA, { eventID: 'geo-us', eventTime: minutesAgo(20), sourceIPAddress: '8.8.8.8' }),
      ]),
    );
    const japan = await slash('last 24h country jp');
    expect(japan.answer.response_type).toBe('ephemeral');
    expect(japan.all).toContain('Sign-ins · last 24h · country JP');
    expect(japan.all).toMatch(/\*2 sign-ins\*/);
    expect(japan.all).toContain(
      '*Where from*\\n• *anaya* — 🇯🇵 Japan ×2 — networks AS2501 The University of Tokyo ×2',
    );
    expect(japan.all).not.toContain('United States');

    const google = await slash('last 24h asn AS15169 user anaya');
    expect(google.all).toMatch(/\*1 sign-in\*/);
    expect(google.all).toContain('🇺🇸 United States ×1 — networks AS15169 Google LLC ×1');

    const wrong = await slash('last 24h country atlantis');
    expect(wrong.answer.response_type).toBe('ephemeral');
    expect(wrong.all).toContain('`atlantis` is not a country');
    expect(wrong.all).toContain('country CODE-OR-NAME');
  });

  it('makes a silence from the card, holds back (and counts) the next matching sign-in, lists it, and announces its end', async () => {
    const { alertId, ts } = await postCard(ANAYA, { eventID: 's-card', eventTime: minutesAgo(10) });
    // The Silence button opens the modal, prefilled with the card's user and source IP.
    const click = await interact({
      type: 'block_actions',
      user: { id: 'U0ALICE', team_id: 'T0FAKE' },
      team: { id: 'T0FAKE', domain: 'fake' },
      api_app_id: 'A0SIGNINS',
      token: 'legacy',
      trigger_id: 'trigger-silence',
      container: { type: 'message', channel_id: CHANNEL, message_ts: ts, is_ephemeral: false },
      channel: { id: CHANNEL, name: 'signins' },
      actions: [
        {
          type: 'button',
          action_id: ACTION_IDS.silence,
          block_id: 'signins_actions',
          value: alertId,
          action_ts: '1700000000.000100',
        },
      ],
    });
    expect(click.statusCode).toBe(200);
    const opened = env.slack.calls.find((c) => c.method === 'views.open');
    const view = opened?.args.view as { callback_id: string; private_metadata: string } | undefined;
    expect(view?.callback_id).toBe(SILENCE_MODAL);
    expect(JSON.stringify(view)).toContain('user anaya');
    expect(JSON.stringify(view)).toContain('192.0.2.0');

    const submitted = await interact({
      type: 'view_submission',
      user: { id: 'U0ALICE', team_id: 'T0FAKE' },
      team: { id: 'T0FAKE', domain: 'fake' },
      api_app_id: 'A0SIGNINS',
      token: 'legacy',
      trigger_id: 'trigger-view',
      view: {
        id: 'V0SILENCE',
        type: 'modal',
        callback_id: SILENCE_MODAL,
        private_metadata: view?.private_metadata,
        hash: 'h-1',
        state: {
          values: silenceModalValues({
            preset: '4h',
            matchers: 'user anaya ip 192.0.2.0 type nonroot',
            reason: 'pen test this afternoon',
          }),
        },
      },
    });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.body ?? '').not.toContain('errors');
    // Announced in the channel, and in the card's thread.
    expect(channelTexts().some((t) => t.includes('pen test this afternoon'))).toBe(true);
    expect(
      env.slack
        .thread(CHANNEL, ts)
        .map((m) => String(m.text))
        .join('\n'),
    ).toContain('silenced');

    // The next matching sign-in: stored and counted, not posted.
    const before = (env.slack.messages.get(CHANNEL) ?? []).length;
    await worker(
      subscriptionEvent([
        recordFrom(ANAYA, {
          eventID: 's-held',
          eventTime: minutesAgo(-0.05),
        }) /* just after the silence began: a silence holds back what happens while it is in force */,
      ]),
    );
    expect((env.slack.messages.get(CHANNEL) ?? []).length).toBe(before);
    expect(await store.getSignIn('s-held')).not.toBeNull();
    const after = await slash('last 24h');
    expect(after.all).toMatch(/1 held back/);

    const listed = await slash('silences');
    const [silence] = (await store.listSilences(new Date())).filter(
      (s) => s.reason === 'pen test this afternoon',
    );
    expect(silence).toBeDefined();
    expect(silence?.held).toBe(1);
    expect(listed.all).toContain(String(silence?.id));

    // Its end: the sweeper announces it, with what it held back.
    if (!silence) throw new Error('no silence');
    const ended = { endsAt: new Date(Date.now() - 1000).toISOString() };
    expect(await store.updateSilence(silence.id, ended, silence)).toBe(true);
    env.slack.reset();
    await sweep();
    const announcement = channelTexts().find((t) => t.includes(silence.id));
    expect(announcement).toMatch(/ended/i);
    expect(announcement).toMatch(/1/);
    // Announced once: a second sweep says nothing more.
    await sweep();
    expect(channelTexts().filter((t) => t.includes(silence.id))).toHaveLength(1);
  });

  it('switches the failed-sign-in alarm off while a silence covers it, and on again when it is ended early', async () => {
    const made = await slash('silence failed type nonroot for 2h because pen test of the login page');
    expect(made.all).toMatch(/s-[0-9a-f]{6}/);
    expect(made.all).toContain('signin-console-failure-iam');
    const id = /s-[0-9a-f]{6}/.exec(made.all)?.[0] as string;
    // The sweeper (every minute) switches the covered alarm's actions off.
    await sweep();
    const disabled = cloudwatch
      .commandCalls(DisableAlarmActionsCommand)
      .flatMap((c) => c.args[0].input.AlarmNames);
    expect(disabled).toEqual(['signin-console-failure-iam']);
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'signin-console-failure-iam', ActionsEnabled: false }] });
    // Still covered: nothing switched again.
    await sweep();
    expect(cloudwatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(1);
    expect(cloudwatch.commandCalls(EnableAlarmActionsCommand)).toHaveLength(0);

    const ended = await slash(`unsilence ${id}`);
    expect(ended.all).toContain(id);
    await sweep();
    const enabled = cloudwatch
      .commandCalls(EnableAlarmActionsCommand)
      .flatMap((c) => c.args[0].input.AlarmNames);
    expect(enabled).toEqual(['signin-console-failure-iam']);
    // The end was told once, by the unsilence.
    expect(channelTexts().filter((t) => t.includes(id))).toHaveLength(2);
  });

  it('keeps each guardrail: responders only, root named, nobody silences themselves, a reason, a maximum', async () => {
    expect((await slash('silence user bob type nonroot for 1h because test', 'U0MALLORY')).all).toMatch(
      /responders/i,
    );
    expect((await slash('silence ip 198.51.100.7 for 1h because vpn')).all).toMatch(/root/i);
    expect((await slash('silence user anaya type nonroot for 1h because me', 'U0ANAYA')).all).toMatch(
      /yourself|themselves/i,
    );
    expect((await slash('silence user bob type nonroot for 30d because long')).all).toMatch(
      /7 days|at most/i,
    );
    expect((await slash('silence user bob type nonroot for 1h')).all).toMatch(/reason|because/i);
    const made = (await store.listSilences(new Date(0))).filter((s) =>
      ['test', 'vpn', 'me', 'long'].includes(s.reason),
    );
    expect(made).toEqual([]);
  });

  it('answers a window older than the store from CloudTrail in the worker, through response_url, with progress', async () => {
    const page = (ids: string[], next?: string) => ({
      Events: ids.map((id, i) => ({
        EventId: id,
        CloudTrailEvent: JSON.stringify(
          recordFrom(i % 2 ? ANAYA_FAILED : ANAYA, { eventID: id, eventTime: minutesAgo(10 * 24 * 60 + i) }),
        ),
      })),
      ...(next ? { NextToken: next } : {}),
    });
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce(page(['h-1', 'h-2'], 'p2'))
      .resolvesOnce(page(['h-3']))
      .resolves(page([]));
    const { answer, all, ms } = await slash('last 30d user anaya');
    expect(ms).toBeLessThan(3000);
    expect(answer.response_type).toBe('ephemeral');
    expect(all).toMatch(/Looking back 30 days/);
    // The ingress handed the look-back to the worker; the worker answers through the command's response_url.
    expect(handedOver).toHaveLength(1);
    await worker(handedOver[0]);
    const lookups = cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(lookups[0]?.LookupAttributes).toEqual([
      { AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' },
    ]);
    const answers = env.slack.calls.filter((c) => c.method.startsWith('response/'));
    const final = answers.at(-1)?.args as { text?: string; blocks?: unknown[]; replace_original?: boolean };
    expect(JSON.stringify(final.blocks)).toMatch(/3 sign-ins/);
    expect(JSON.stringify(final.blocks)).toContain('CloudTrail');
    expect(final.replace_original).toBe(true);
  });

  it('publishes the App Home tab with silences and the last 24 hours', async () => {
    await slash('silence user zoe type nonroot for 4h because onboarding week');
    // Events come as JSON, not as a form.
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0FAKE',
      api_app_id: 'A0SIGNINS',
      type: 'event_callback',
      event_id: 'Ev0HOME',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0HOME', tab: 'home', event_ts: '1.1' },
    });
    const res = (await ingress(functionUrlEvent(body, 'application/json'), {})) as { statusCode: number };
    expect(res.statusCode).toBe(200);
    const published = env.slack.calls.find((c) => c.method === 'views.publish');
    expect(published?.args.user_id).toBe('U0ALICE');
    const view = JSON.stringify(published?.args.view);
    expect(view).toContain('onboarding week');
    expect(view).toMatch(/sign-in/);
  });
});
