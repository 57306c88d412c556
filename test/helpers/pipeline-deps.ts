// The pipeline's parts for tests: the real store on dynalite, the real Slack notifier against the fake Slack,
// and an escalator and metrics that record what they were given.
import { createJsonLogger } from '../../bot/adapters/json-logger';
import { SlackNotifier } from '../../bot/adapters/slack-notifier';
import type { GeoData } from '../../bot/core/geo';
import { DEFAULT_ROUTING } from '../../bot/core/routing';
import type { IngestDeps } from '../../bot/pipeline/ingest';
import type { BotStore, Clock, Escalation } from '../../bot/ports';
import type { BotMetricName } from '../../shared/metrics';
import type { FakeSlack } from './fake-slack';
import { testGeoData } from './geo';

export interface TestDepsOptions {
  readonly store: BotStore;
  readonly slack: FakeSlack;
  readonly clock: Clock;
  /** The Web API client's timeout: a fake answer slower than this is an unknown outcome. */
  readonly slackTimeoutMs?: number;
  /** The geo data: the real bundled data unless a test says otherwise. */
  readonly geo?: GeoData | null;
}

export interface TestPipeline {
  readonly deps: IngestDeps;
  readonly escalations: Escalation[];
  readonly metrics: { name: BotMetricName; value: number }[];
}

export const testPipeline = (options: TestDepsOptions): TestPipeline => {
  const escalations: Escalation[] = [];
  const metrics: { name: BotMetricName; value: number }[] = [];
  const deps: IngestDeps = {
    store: options.store,
    notifier: new SlackNotifier(async () => 'xoxb-test', {
      slackApiUrl: options.slack.url,
      timeoutMs: options.slackTimeoutMs ?? 2000,
    }),
    escalator: { escalate: async (e) => void escalations.push(e) },
    metrics: {
      count: (name, value = 1) => void metrics.push({ name, value }),
      gauge: (name, value) => void metrics.push({ name, value }),
      flush: () => {},
    },
    logger: createJsonLogger({ level: 'silent' }),
    clock: options.clock,
    routing: DEFAULT_ROUTING,
    defaultChannel: 'C0SIGNINS',
    geo: options.geo === undefined ? testGeoData() : options.geo,
  };
  return { deps, escalations, metrics };
};
