// Measures how long the ingress Lambda takes to answer an Acknowledge click (the conditional write, the card's
// redraw, the thread line: everything happens before Lambda answers), against dynalite and the fake Slack on
// 127.0.0.1: the first click after start (the ingress builds its Bolt app on that request) and warm clicks,
// each against a baseline measured in the same run: one chat.update round trip to the same fake Slack with the
// bot's client policy (a click costs a few of those plus a few store requests).
//   npx tsx bench/ack-click.ts [CLICKS=30]
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createSlackClient } from '../bot/adapters/slack-client';
import { ACTION_IDS } from '../bot/core/render/response-card';
import { ENV } from '../shared/env-keys';
import { recordFrom, subscriptionEvent } from '../test/helpers/fixtures';
import { SIGNING_SECRET, startLambdaEnv } from '../test/helpers/lambda-env';
import { slackSignatureHeaders } from '../test/helpers/slack-signature';

const clicks = Number(process.argv[2] ?? '30');
const CHANNEL = 'C0SIGNINS';

const request = (body: string, contentType: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/slack/events',
  rawQueryString: '',
  headers: { 'content-type': contentType, ...slackSignatureHeaders(body, SIGNING_SECRET) },
  requestContext: { http: { method: 'POST', path: '/slack/events' } },
  body,
  isBase64Encoded: false,
});

const ackClick = (alertId: string, n: number) =>
  request(
    `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0ALICE' },
        team: { id: 'T0FAKE' },
        api_app_id: 'A0SIGNINS',
        token: 'legacy',
        trigger_id: `t-${n}`,
        container: { type: 'message', channel_id: CHANNEL },
        channel: { id: CHANNEL },
        actions: [
          {
            type: 'button',
            action_id: ACTION_IDS.acknowledge,
            value: alertId,
            action_ts: `${1_800_000_000 + n}.1`,
          },
        ],
      }),
    )}`,
    'application/x-www-form-urlencoded',
  );

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const main = async () => {
  const env = await startLambdaEnv({
    [ENV.responders]: 'U0ALICE',
    [ENV.workerFunction]: 'signins-events-worker',
    [ENV.logLevel]: 'error',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const lambda = mockClient(LambdaClient);
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  try {
    const { handler: worker } = await import('../bot/handlers/events-worker');
    const root = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
    await worker(
      subscriptionEvent(
        Array.from({ length: clicks + 1 }, (_, i) => recordFrom(root, { eventID: `bench-${i}` })),
      ),
    );
    const { handler: ingress } = await import('../bot/handlers/slack-ingress');
    const time = async (event: unknown): Promise<number> => {
      const started = performance.now();
      const res = await ingress(event, {});
      if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`);
      return performance.now() - started;
    };
    const first = await time(ackClick('signin:bench-0', 0));
    const warm: number[] = [];
    const base: number[] = [];
    const client = createSlackClient('xoxb-test', { slackApiUrl: env.slack.url });
    for (let i = 1; i <= clicks; i += 1) {
      const started = performance.now();
      await client.chat.update({
        channel: CHANNEL,
        ts: String(env.slack.messages.get(CHANNEL)?.[0]?.ts),
        text: 'baseline',
      });
      base.push(performance.now() - started);
      warm.push(await time(ackClick(`signin:bench-${i}`, i)));
    }
    const acked = env.slack.callsTo('chat.update').length - clicks; // less the baseline's own updates
    const row = (name: string, ms: number, baseline: number) =>
      `${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseline).toFixed(1).padStart(6)} × baseline`;
    const b50 = percentile(base, 50);
    console.log(
      `Acknowledge click on the ingress Lambda (${clicks} warm clicks; baseline: one chat.update round trip, median ${b50.toFixed(1)} ms)`,
    );
    console.log(row('first click after start', first, b50));
    console.log(row('warm click, median', percentile(warm, 50), b50));
    console.log(row('warm click, p95', percentile(warm, 95), b50));
    console.log(`cards redrawn: ${acked} of ${clicks + 1} clicks (Slack's limit for an answer: 3000 ms)`);
  } finally {
    lambda.restore();
    await env.close();
  }
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
