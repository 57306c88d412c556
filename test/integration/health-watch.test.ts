// The sweeper's hourly health watch with its state on dynalite: at most one run an hour (also when sweepers
// overlap), one alert per change for the worse, none for a problem that stays broken, a recovery logged.

import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { DynamoHealthStateStore, HEALTH_STATE_KEY } from '../../bot/adapters/health-state-store';
import { broken, type CheckResult, ok, unknown } from '../../bot/core/health-checks';
import { loadConfig } from '../../bot/pipeline/config';
import { type HealthProblem, type HealthWatchDeps, watchHealth } from '../../bot/pipeline/health-watch';
import { runScheduledHealthWatch } from '../../bot/pipeline/scheduled-health-watch';
import type { BotMetricName } from '../../shared/metrics';
import { BOT_METRICS } from '../../shared/metrics';
import { TABLE_KEYS } from '../../shared/table-schema';

const MINUTE = 60_000;
const start = new Date('2026-11-25T10:00:00.000Z');
const at = (minutes: number): Date => new Date(start.getTime() + minutes * MINUTE);

const TRAIL_OK = ok('trail:signins', 'trail signins is logging and delivering');
const TRAIL_STOPPED = broken('trail:signins', 'trail signins is not logging', 'aws cloudtrail start-logging');
const TRAIL_UNCHECKED = unknown('trail:signins', 'trail signins', 'cloudtrail:GetTrailStatus was throttled');
const CHANNEL_OK = ok('channel:C0SIGNINS', 'the bot is in channel C0SIGNINS');

let dynamo: EmbeddedDynamo;

/** A watch whose probe answers each run with the next scripted result, and that records what it did. */
const harness = (
  script: CheckResult[][],
  store = new DynamoHealthStateStore(dynamo.client, dynamo.tableName),
) => {
  let now = start;
  let runs = 0;
  const raised: HealthProblem[] = [];
  const metrics: { name: BotMetricName; value: number }[] = [];
  const infos: { message: string; fields?: Record<string, unknown> }[] = [];
  let alerterFails = false;
  const deps: HealthWatchDeps = {
    probe: {
      run: async () => {
        const results = script[Math.min(runs, script.length - 1)] ?? [];
        runs += 1;
        return results;
      },
    },
    state: store,
    alerter: {
      raise: async (problem) => {
        if (alerterFails) throw new Error('Slack and SNS are down');
        raised.push(problem);
      },
    },
    metrics: {
      count: (name, value = 1) => metrics.push({ name, value }),
      gauge: () => {},
      flush: () => {},
    },
    logger: { info: (message, fields) => infos.push({ message, fields }), warn: () => {}, error: () => {} },
    clock: { now: () => now },
  };
  return {
    deps,
    raised,
    metrics,
    infos,
    runs: () => runs,
    setAlerterFails: (fails: boolean) => {
      alerterFails = fails;
    },
    watchAt: (minutes: number) => {
      now = at(minutes);
      return watchHealth(deps);
    },
  };
};

beforeEach(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterEach(() => dynamo.close());

describe('the hourly health watch', () => {
  it('runs the checks once in an hour, however often the sweeper calls it', async () => {
    const h = harness([[TRAIL_OK]]);
    expect((await h.watchAt(0)).ran).toBe(true);
    expect((await h.watchAt(1)).ran).toBe(false);
    expect((await h.watchAt(59)).ran).toBe(false);
    expect(h.runs()).toBe(1);
    expect((await h.watchAt(60)).ran).toBe(true);
    expect(h.runs()).toBe(2);
  });

  it('lets one of several overlapping sweepers run the checks', async () => {
    const h = harness([[TRAIL_OK]]);
    const reports = await Promise.all(Array.from({ length: 5 }, () => h.watchAt(0)));
    expect(reports.filter((r) => r.ran)).toHaveLength(1);
    expect(h.runs()).toBe(1);
  });

  it('raises a change for the worse once, with its fix, and counts it', async () => {
    const h = harness([
      [TRAIL_OK, CHANNEL_OK],
      [TRAIL_STOPPED, CHANNEL_OK],
    ]);
    await h.watchAt(0);
    expect(h.raised).toEqual([]);
    await h.watchAt(60);
    expect(h.raised).toEqual([
      {
        key: 'trail:signins',
        title: 'trail signins is not logging',
        detail: 'The hourly health check found: trail signins is not logging.',
        fix: 'aws cloudtrail start-logging',
      },
    ]);
    expect(h.metrics).toEqual([{ name: BOT_METRICS.healthCheckFailures, value: 1 }]);
  });

  it('does not raise a problem that stays broken again every hour', async () => {
    const h = harness([[TRAIL_STOPPED]]);
    for (let hour = 0; hour < 4; hour += 1) await h.watchAt(hour * 60);
    expect(h.runs()).toBe(4);
    expect(h.raised).toHaveLength(1);
    expect(h.metrics).toHaveLength(1);
  });

  it('does not raise again after an hour in which the check could not run', async () => {
    const h = harness([[TRAIL_STOPPED], [TRAIL_UNCHECKED], [TRAIL_STOPPED]]);
    for (let hour = 0; hour < 3; hour += 1) await h.watchAt(hour * 60);
    expect(h.raised.map((p) => p.key)).toEqual(['trail:signins']);
  });

  it('logs a recovery, and raises the problem anew if it comes back', async () => {
    const h = harness([[TRAIL_STOPPED], [TRAIL_OK], [TRAIL_STOPPED]]);
    await h.watchAt(0);
    await h.watchAt(60);
    expect(h.infos).toContainEqual({
      message: 'health check: recovered',
      fields: { check: 'trail:signins', title: TRAIL_OK.title },
    });
    await h.watchAt(120);
    expect(h.raised.map((p) => p.key)).toEqual(['trail:signins', 'trail:signins']);
  });

  it('raises again next hour a problem whose alert could not be delivered', async () => {
    const h = harness([[TRAIL_STOPPED]]);
    h.setAlerterFails(true);
    await h.watchAt(0);
    expect(h.raised).toHaveLength(0);
    // The metric still reaches the health alarm, which does not need the alerter.
    expect(h.metrics).toHaveLength(1);
    h.setAlerterFails(false);
    await h.watchAt(60);
    expect(h.raised.map((p) => p.key)).toEqual(['trail:signins']);
  });

  it('remembers the last result across execution environments', async () => {
    const first = harness([[TRAIL_STOPPED]]);
    await first.watchAt(0);
    // A new Lambda environment: a new store object over the same table.
    const second = harness([[TRAIL_STOPPED]], new DynamoHealthStateStore(dynamo.client, dynamo.tableName));
    await second.watchAt(60);
    expect(second.runs()).toBe(1);
    expect(second.raised).toEqual([]);
  });

  it('keeps its state in its own item of the bot table', async () => {
    const h = harness([[TRAIL_STOPPED]]);
    await h.watchAt(0);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const item = await doc.send(new GetCommand({ TableName: dynamo.tableName, Key: HEALTH_STATE_KEY }));
    expect(item.Item).toMatchObject({
      [TABLE_KEYS.partitionKey]: 'HEALTH',
      [TABLE_KEYS.sortKey]: 'LAST',
      startedAt: start.toISOString(),
      checkedAt: start.toISOString(),
      results: [TRAIL_STOPPED],
    });
  });

  it('starts afresh when the stored result does not parse', async () => {
    const h = harness([[TRAIL_STOPPED]]);
    await h.watchAt(0);
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new UpdateCommand({
        TableName: dynamo.tableName,
        Key: HEALTH_STATE_KEY,
        UpdateExpression: 'SET results = :junk',
        ExpressionAttributeValues: { ':junk': [{ key: 'trail:signins', status: 'on fire' }] },
      }),
    );
    await h.watchAt(60);
    expect(h.raised.map((p) => p.key)).toEqual(['trail:signins', 'trail:signins']);
  });
});

describe('the watch in the sweeper', () => {
  it('waits for the next sweep when too little time is left, without touching AWS', async () => {
    const infos: string[] = [];
    const report = await runScheduledHealthWatch(
      {
        config: loadConfig({ SIGNINS_TABLE: dynamo.tableName }),
        logger: { info: (m) => infos.push(m), warn: () => {}, error: (m) => infos.push(m) },
        metrics: { count: () => {}, gauge: () => {}, flush: () => {} },
        clock: { now: () => start },
        alerter: { raise: async () => {} },
      },
      start.getTime() + 5_000,
    );
    expect(report).toBeUndefined();
    // Had it started, it would have built AWS clients (refused here: loopback only) and logged a failure.
    expect(infos).toEqual([]);
  });
});
