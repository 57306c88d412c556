// The hourly health watch as the sweeper runs it on Lambda: doctor's checks with this installation's
// settings, the last result in the bot's table, and never a failure or an overrun of the sweeper itself.
import { type AwsHealthClients, AwsHealthProbe, createAwsHealthClients } from '../adapters/aws-health-probe';
import { createDynamoClient } from '../adapters/dynamodb-client';
import { DynamoHealthStateStore } from '../adapters/health-state-store';
import { createSlackClient } from '../adapters/slack-client';
import { SlackHealthProbe } from '../adapters/slack-health-probe';
import { routedChannels } from '../core/slack-verdicts';
import type { Clock, Logger, Metrics } from '../ports';
import type { Config } from './config';
import { type HealthAlerter, type HealthWatchReport, watchHealth } from './health-watch';
import { healthTarget, installationProbe } from './installation-checks';

/** Below this much time left, the checks wait for the next sweep rather than risk the function's timeout. */
export const HEALTH_WATCH_MIN_MS = 15_000;

export interface ScheduledHealthWatchDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly alerter: HealthAlerter;
}

let parts: { aws: AwsHealthClients; state: DynamoHealthStateStore } | undefined;

const clientsFor = (config: Config) => {
  // Built once per execution environment, like the rest of the runtime.
  if (!config.tableName) throw new Error('SIGNINS_TABLE is not set');
  parts ??= {
    aws: createAwsHealthClients(),
    state: new DynamoHealthStateStore(createDynamoClient(), config.tableName),
  };
  return parts;
};

/** The watch, or an error when the deadline comes first (the checks then wait for the next hour). */
const withinDeadline = async <T>(
  work: Promise<T>,
  deadline: number | undefined,
  clock: Clock,
): Promise<T> => {
  if (deadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the checks ran out of time')),
      Math.max(0, deadline - clock.now().getTime()),
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** Runs the watch if its hour has come and time allows; logs and swallows any failure (the sweep is done). */
export const runScheduledHealthWatch = async (
  deps: ScheduledHealthWatchDeps,
  deadline: number | undefined,
): Promise<HealthWatchReport | undefined> => {
  const { config, logger } = deps;
  if (deadline !== undefined && deadline - deps.clock.now().getTime() < HEALTH_WATCH_MIN_MS) return undefined;
  try {
    const { aws, state } = clientsFor(config);
    const probe = installationProbe({
      aws: new AwsHealthProbe(aws, { ...healthTarget(config), secretId: config.secretArn }, deps.clock),
      slack: (token) =>
        new SlackHealthProbe(createSlackClient(token, { slackApiUrl: config.slackApiUrl, timeoutMs: 3_000 })),
      channels: routedChannels(config.routing, config.channel),
    });
    const report = await withinDeadline(watchHealth({ ...deps, probe, state }), deadline, deps.clock);
    if (report.ran)
      logger.info('health check done', {
        broken: report.results.filter((r) => r.status === 'broken').map((r) => r.key),
        raised: report.raised.length,
        recovered: report.recovered.length,
      });
    return report;
  } catch (err) {
    logger.error('health check failed', { error: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
};
