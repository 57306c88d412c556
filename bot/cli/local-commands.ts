// `/signins` and silences for local runs: the same services as on Lambda, over the local store. There is
// no CloudWatch alarm to switch here (alarm actions are the deployed stack's), and no worker to look back in
// CloudTrail: a window older than the store says so.
import type { Config } from '../pipeline/config';
import type { IngestDeps } from '../pipeline/ingest';
import { Queries } from '../pipeline/queries';
import type { Responders } from '../pipeline/responders';
import { deployedAlarmName } from '../pipeline/silence-wiring';
import { Silences } from '../pipeline/silences';
import { SlashCommands } from '../pipeline/slash-commands';

export const localSilences = (config: Config, deps: IngestDeps): Silences =>
  new Silences({
    store: deps.store,
    notifier: deps.notifier,
    clock: deps.clock,
    logger: deps.logger,
    identityMap: config.responders.identityMap,
    maxSilenceMs: config.maxSilenceDays * 86_400_000,
    alarmActions: null,
    alarmName: deployedAlarmName(config.signInAlarms),
    defaultChannel: config.channel,
  });

export const localCommands = (
  config: Config,
  deps: IngestDeps,
  silences: Silences,
  responders: Responders,
): SlashCommands =>
  new SlashCommands({
    queries: new Queries({
      store: deps.store,
      clock: deps.clock,
      routing: config.routing,
      logger: deps.logger,
      geo: deps.geo,
    }),
    silences,
    store: deps.store,
    notifier: deps.notifier,
    clock: deps.clock,
    logger: deps.logger,
    routing: config.routing,
    alertChannel: config.channel,
    isResponder: (channel, user, deadline) => responders.isResponder(channel, user, deadline),
    lookups: null,
  });
