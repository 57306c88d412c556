// P1 burst: a brute force of 10,000 failed sign-ins from one address over ten minutes of event time, through
// the events worker's Lambda handler in CloudWatch Logs batches of 100 records, on dynalite and the fake Slack,
// then the sweeper's runs that follow (a minute apart, as scheduled). Counts the Slack Web API calls made (every
// HTTP attempt) and the sign-ins `/signins` counts (readActivity over the rollups). Everything on 127.0.0.1.
//   npx tsx bench/burst.ts
import { sweepPendingAlerts } from '../bot/pipeline/sweep';
import { ENV } from '../shared/env-keys';
import { ensureGeoData } from '../shared/geo-data-build';
import { recordFrom, subscriptionEvent } from '../test/helpers/fixtures';
import { startLambdaEnv } from '../test/helpers/lambda-env';

const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const EVENTS = 10_000;
/** CloudWatch Logs batches a subscription's events; 100 records per invocation is typical under load. */
const BATCH = 100;
const SPAN_MS = 10 * 60_000;
const SWEEPS = 3;

export interface BurstFigures {
  readonly events: number;
  readonly slackCalls: number;
  readonly counted: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export const runBurstBench = async (): Promise<BurstFigures> => {
  const saved = { ...process.env };
  const warn = console.warn;
  // With metrics off, Powertools warns once per batch that it has none to publish.
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('No application metrics to publish')) warn(...args);
  };
  const env = await startLambdaEnv({
    [ENV.geoDir]: ensureGeoData(),
    [ENV.logLevel]: 'silent',
    // The worker's metrics are one EMF line per batch on stdout, not what this measures: Powertools' dev mode
    // turns them off and writes its notes through the global console (filtered below).
    POWERTOOLS_DEV: 'true',
  });
  try {
    const { handler } = await import('../bot/handlers/events-worker');
    const { lambdaRuntime } = await import('../bot/pipeline/lambda-runtime');
    const { Responders } = await import('../bot/pipeline/responders');
    // The attack ended just now: its ten minutes lie in the recent past, as a delivery minutes late sees them.
    const start = Date.now() - SPAN_MS - 60_000;
    const context = { getRemainingTimeInMillis: () => 60_000 };
    for (let b = 0; b < EVENTS / BATCH; b++) {
      const records = Array.from({ length: BATCH }, (_, j) => {
        const i = b * BATCH + j;
        return recordFrom(IAM_FAIL, {
          eventID: `bench-storm-${i}`,
          eventTime: iso(start + Math.floor((i * SPAN_MS) / EVENTS)),
          sourceIPAddress: '203.0.113.7',
        });
      });
      await handler(subscriptionEvent(records), context);
    }
    const { config, deps } = await lambdaRuntime();
    for (let m = 1; m <= SWEEPS; m++) {
      const at = Date.now() + m * 60_000;
      const later = { ...deps, settings: config.responders, clock: { now: () => new Date(at) } };
      await new Responders(later).sweep({ deadline: at + 20_000 });
      await sweepPendingAlerts(later, { deadline: at + 20_000 });
    }
    const activity = await deps.store.readActivity(new Date(start - 60_000), new Date(), new Date());
    const cards = env.slack.messages.get('C0SIGNINS') ?? [];
    if (cards.length !== 1 || !String(cards[0]?.text).includes('10,000 failed sign-ins'))
      throw new Error(`expected one card saying 10,000, got ${cards.map((c) => String(c.text)).join(' | ')}`);
    return { events: EVENTS, slackCalls: env.slack.attempts.length, counted: activity.total };
  } finally {
    console.warn = warn;
    await env.close();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
};

if (require.main === module) {
  runBurstBench().then(
    (f) => {
      process.stdout.write(
        `P1 burst: ${f.events} failed sign-ins → ${f.slackCalls} Slack Web API calls (target ≤ 20), ${f.counted} counted by /signins\n`,
      );
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
