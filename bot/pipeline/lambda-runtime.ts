// Everything the Lambda handlers share, built once per execution environment (module scope). The Slack
// token is read when a post needs it, not at start: sign-ins that arrive before the secret is set are
// stored and kept pending, and posted once it is.

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../../shared/env-keys';
import { CloudTrailHistory } from '../adapters/cloudtrail-history';
import { CloudWatchAlarmActions } from '../adapters/cloudwatch-alarm-actions';
import { AWS_CALL_SETTINGS, createDynamoClient } from '../adapters/dynamodb-client';
import { DynamoSignInStore } from '../adapters/dynamodb-store';
import { LambdaJobQueue } from '../adapters/job-queues';
import { createPowertoolsLogger, createPowertoolsMetrics } from '../adapters/powertools';
import { responseUrlPoster } from '../adapters/response-url';
import { SlackNotifier, type TokenSource } from '../adapters/slack-notifier';
import { cachedSlackSecret, type SlackSecret } from '../adapters/slack-secret';
import { loggingEscalator, SnsEscalator } from '../adapters/sns-escalator';
import { type Memoised, memoPromise } from '../core/memo-promise';
import { systemClock } from '../ports';
import { type Config, ConfigError, loadConfig } from './config';
import { DeliveryError } from './delivery-error';
import { geoDataFor } from './geo-source';
import { HomeTab } from './home-tab';
import type { IngestDeps } from './ingest';
import type { HistoryDeps } from './queries';
import { Queries } from './queries';
import { Responders } from './responders';
import { deployedAlarmName } from './silence-wiring';
import { Silences } from './silences';
import { type Respond, SlashCommands } from './slash-commands';

export interface LambdaRuntime {
  readonly config: Config;
  /** The worker's and the sweeper's: responder work is done at once, in the function. */
  readonly deps: IngestDeps & { readonly responders: Responders };
  /** The ingress's: slow responder work is handed to the worker (async invoke). */
  readonly ingressResponders: () => Responders;
  /** The sweeper's and the worker's: silences start and end here (alarm actions, announcements). */
  readonly silences: Silences;
  /** The ingress's: `/signins`, the Silence modal; look-backs go to the worker. */
  readonly ingressCommands: (responders: Responders) => SlashCommands;
  readonly home: (responders: Responders) => HomeTab;
  /** The worker's: CloudTrail look-backs answered through response_url. */
  readonly history: HistoryDeps & { readonly respond: Respond };
  readonly slackSecret: () => Promise<SlackSecret>;
}

/** The bot token, or a DeliveryError that keeps the alert pending while the secret is not set. */
const tokenFrom =
  (slackSecret: Memoised<SlackSecret>): TokenSource =>
  async (fresh) => {
    // A refused token may have been rotated since this environment read the secret: read it again.
    if (fresh) slackSecret.forget();
    try {
      return (await slackSecret()).botToken;
    } catch (err) {
      throw new DeliveryError(
        { kind: 'not-attempted', reason: 'not-configured' },
        `no Slack token yet (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
  };

const build = async (): Promise<LambdaRuntime> => {
  const config = loadConfig();
  if (!config.tableName) throw new ConfigError('SIGNINS_TABLE is not set');
  if (!config.secretArn) throw new ConfigError('SIGNINS_SECRET_ARN is not set');
  const slackSecret = cachedSlackSecret(new SecretsManagerClient(AWS_CALL_SETTINGS), config.secretArn);
  const logger = createPowertoolsLogger(config.logLevel, config.metricsService);
  const store = new DynamoSignInStore(createDynamoClient(), {
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  });
  const base = {
    store,
    notifier: new SlackNotifier(tokenFrom(slackSecret), {
      slackApiUrl: config.slackApiUrl,
      timeoutMs: config.slackTimeoutMs,
    }),
    escalator: config.escalationTopicArn
      ? new SnsEscalator(new SNSClient(AWS_CALL_SETTINGS), config.escalationTopicArn)
      : loggingEscalator(logger),
    metrics: createPowertoolsMetrics({
      namespace: config.metricsNamespace,
      service: config.metricsService,
    }),
    logger,
    clock: systemClock,
    routing: config.routing,
    defaultChannel: config.channel,
    settings: config.responders,
    // Read from the layer (/opt/geo) on the first lookup: a function that never looks up pays nothing.
    geo: geoDataFor(config, logger),
  };
  const workerFunction = config.workerFunction;
  const silences = new Silences({
    store,
    notifier: base.notifier,
    clock: systemClock,
    logger,
    identityMap: config.responders.identityMap,
    maxSilenceMs: config.maxSilenceDays * 86_400_000,
    alarmActions: new CloudWatchAlarmActions(new CloudWatchClient(AWS_CALL_SETTINGS), {
      alarmNames: config.signInAlarms,
    }),
    alarmName: deployedAlarmName(config.signInAlarms),
    defaultChannel: config.channel,
  });
  const queries = new Queries({ store, clock: systemClock, routing: config.routing, logger, geo: base.geo });
  const lookups = workerFunction
    ? new LambdaJobQueue(new LambdaClient(AWS_CALL_SETTINGS), workerFunction)
    : null;
  return {
    config,
    slackSecret,
    silences,
    home: (responders) =>
      new HomeTab({
        store,
        clock: systemClock,
        logger,
        routing: config.routing,
        isResponder: (user) => responders.isResponder(config.channel, user, Date.now() + 2_000),
      }),
    history: {
      history: new CloudTrailHistory(),
      regions: config.historyRegions,
      logger,
      geo: base.geo,
      respond: responseUrlPoster({ slackApiUrl: config.slackApiUrl, timeoutMs: config.slackTimeoutMs }),
    },
    ingressCommands: (responders) =>
      new SlashCommands({
        queries,
        silences,
        store,
        notifier: base.notifier,
        clock: systemClock,
        logger,
        routing: config.routing,
        alertChannel: config.channel,
        isResponder: (channel, user, deadline) => responders.isResponder(channel, user, deadline),
        lookups,
      }),
    deps: { ...base, responders: new Responders(base) },
    ingressResponders: () => {
      if (!workerFunction) {
        // The stack always sets it; without it slow work runs in the request, which may outlast Slack's 3 s.
        logger.warn(`${ENV.workerFunction} is not set: responder work runs inside Slack's requests`);
        return new Responders(base);
      }
      return new Responders({
        ...base,
        jobs: new LambdaJobQueue(new LambdaClient(AWS_CALL_SETTINGS), workerFunction),
      });
    },
  };
};

export const lambdaRuntime = memoPromise(build);
