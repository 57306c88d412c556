// The EventBridge fast path through the real events worker handler (dynalite, the fake Slack): one card whichever
// path delivers a sign-in first, and each path's delivery delay recorded under its own metric.

import { deliveryPathOf } from '../../bot/core/decode-input';
import type { handler as WorkerHandler } from '../../bot/handlers/events-worker';
import { BOT_METRICS } from '../../shared/metrics';
import { fixtureJson, recordFrom, subscriptionEvent } from '../helpers/fixtures';
import { type LambdaTestEnv, startLambdaEnv } from '../helpers/lambda-env';

let env: LambdaTestEnv;
let handler: typeof WorkerHandler;

beforeAll(async () => {
  env = await startLambdaEnv();
  ({ handler } = await import('../../bot/handlers/events-worker'));
});
afterAll(() => env.close());
beforeEach(() => env.slack.reset());

const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const ALARM_SNS = 'cloudwatch-alarm-sns/aws-lambda-go-single-metric.json';
const posts = () => env.slack.callsTo('chat.postMessage');

/** CloudTrail's eventTime: whole seconds, UTC. */
const secondsAgo = (seconds: number): string =>
  new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** What an EventBridge rule hands Lambda for a CloudTrail sign-in record (SIGNIN-FACTS §5). */
const eventBridgeEvent = (record: Record<string, unknown>) => ({
  version: '0',
  id: `eb-${String(record.eventID)}`,
  'detail-type': 'AWS Console Sign In via CloudTrail',
  source: 'aws.signin',
  account: '111122223333',
  time: record.eventTime,
  region: 'us-east-1',
  resources: [],
  detail: record,
});

interface EmfLine {
  readonly _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] };
  readonly [metric: string]: unknown;
}

/** Runs the handler and returns the embedded-metric-format lines it wrote to stdout. */
const metricsOf = async (event: unknown): Promise<EmfLine[]> => {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await handler(event);
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
};

/** Every value one metric took across the lines, with the unit it was declared with. */
const valuesOf = (lines: readonly EmfLine[], name: string): { unit: string; values: number[] } => {
  const found = lines.filter((line) =>
    line._aws.CloudWatchMetrics.some((m) => m.Metrics.some((d) => d.Name === name)),
  );
  const unit =
    found[0]?._aws.CloudWatchMetrics.flatMap((m) => m.Metrics).find((d) => d.Name === name)?.Unit ?? '';
  const values = found.flatMap((line) => {
    const value = line[name];
    return Array.isArray(value) ? value.map(Number) : [Number(value)];
  });
  return { unit, values };
};

describe('which path delivered an event', () => {
  it('is read from the envelope: subscription, EventBridge, SNS, or none for a bare record', () => {
    const record = recordFrom(ROOT, { eventID: 'path-1' });
    expect(deliveryPathOf(subscriptionEvent([record]))).toBe('logs');
    expect(deliveryPathOf(eventBridgeEvent(record))).toBe('eventbridge');
    expect(deliveryPathOf(fixtureJson(ALARM_SNS))).toBe('sns');
    expect(deliveryPathOf(record)).toBeUndefined();
    expect(deliveryPathOf({ Records: [record] })).toBeUndefined();
    expect(deliveryPathOf('{"awslogs":{}}')).toBeUndefined();
  });
});

describe('the same sign-in through both paths', () => {
  it('gives one card when EventBridge delivers it first and CloudWatch Logs later', async () => {
    const record = recordFrom(ROOT, { eventID: 'fp-eb-first', eventTime: secondsAgo(3) });
    await expect(handler(eventBridgeEvent(record))).resolves.toMatchObject({ signIns: 1, posted: 1 });
    await expect(handler(subscriptionEvent([record]))).resolves.toMatchObject({
      signIns: 1,
      posted: 0,
      duplicates: 1,
    });
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0]?.args.text)).toMatch(/^CRITICAL: Root user signed in without MFA/);
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain(
      'Event fp-eb-first · ConsoleLogin · first delivered by EventBridge',
    );
  });

  it('gives one card when CloudWatch Logs wins the race', async () => {
    const record = recordFrom(IAM_FAIL, { eventID: 'fp-logs-first', eventTime: secondsAgo(3) });
    await expect(handler(subscriptionEvent([record]))).resolves.toMatchObject({ posted: 1 });
    await expect(handler(eventBridgeEvent(record))).resolves.toMatchObject({ posted: 0, duplicates: 1 });
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain('first delivered by CloudWatch Logs');
  });
});

describe('delivery delay per path', () => {
  it('records event time → received in seconds under the path that delivered the sign-in', async () => {
    const fast = await metricsOf(
      eventBridgeEvent(recordFrom(ROOT, { eventID: 'fp-delay-eb', eventTime: secondsAgo(4) })),
    );
    const slow = await metricsOf(
      subscriptionEvent([
        recordFrom(IAM_FAIL, { eventID: 'fp-delay-logs-1', eventTime: secondsAgo(300) }),
        recordFrom(IAM_FAIL, { eventID: 'fp-delay-logs-2', eventTime: secondsAgo(120) }),
      ]),
    );

    const eventBridge = valuesOf(fast, BOT_METRICS.eventBridgeDeliveryDelay);
    expect(eventBridge.unit).toBe('Seconds');
    expect(eventBridge.values).toHaveLength(1);
    // Whole-second event times and the test's own run time: at least the age given, a little more at most.
    expect(eventBridge.values[0]).toBeGreaterThanOrEqual(4);
    expect(eventBridge.values[0]).toBeLessThan(30);
    expect(valuesOf(fast, BOT_METRICS.logsDeliveryDelay).values).toEqual([]);

    // One value per sign-in, in batch order.
    const logs = valuesOf(slow, BOT_METRICS.logsDeliveryDelay);
    expect(logs.unit).toBe('Seconds');
    expect(logs.values).toHaveLength(2);
    expect(logs.values[0]).toBeGreaterThanOrEqual(300);
    expect(logs.values[0]).toBeLessThan(330);
    expect(logs.values[1]).toBeGreaterThanOrEqual(120);
    expect(logs.values[1]).toBeLessThan(150);
    expect(valuesOf(slow, BOT_METRICS.eventBridgeDeliveryDelay).values).toEqual([]);
  });

  it('counts a redelivery again: each path is measured on every record it brings', async () => {
    const record = recordFrom(ROOT, { eventID: 'fp-delay-both', eventTime: secondsAgo(60) });
    const first = await metricsOf(eventBridgeEvent(record));
    const second = await metricsOf(subscriptionEvent([record]));
    expect(valuesOf(first, BOT_METRICS.eventBridgeDeliveryDelay).values).toHaveLength(1);
    expect(valuesOf(second, BOT_METRICS.logsDeliveryDelay).values).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  it('records no delay for an alarm notification (SNS) or a record without a time', async () => {
    const alarm = await metricsOf(fixtureJson(ALARM_SNS));
    const untimed = recordFrom(IAM_FAIL, { eventID: 'fp-no-time' });
    delete untimed.eventTime;
    const noTime = await metricsOf(subscriptionEvent([untimed]));
    for (const lines of [alarm, noTime]) {
      expect(valuesOf(lines, BOT_METRICS.logsDeliveryDelay).values).toEqual([]);
      expect(valuesOf(lines, BOT_METRICS.eventBridgeDeliveryDelay).values).toEqual([]);
    }
    // Both were still handled: a card for the alarm, one for the untimed sign-in.
    expect(posts().map((p) => String(p.args.text).split(':')[0])).toEqual(['HIGH', 'MEDIUM']);
    expect(String(posts()[1]?.args.text)).toMatch(/Failed sign-in as anaya .*\(time unknown\)/);
  });
});
