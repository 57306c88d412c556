// `signins replay [--dry-run] [--json] [FILE|-]…`: exactly the worker's pipeline over files.
import { createJsonLogger } from '../adapters/json-logger';
import { createSlackClient, ReportingNotifier, SlackNotifier } from '../adapters/slack-notifier';
import type { Config } from '../pipeline/config';
import { decodeBytes } from '../core/decode-input';
import { addIngestResults, emptyIngestResult, ingest } from '../pipeline/ingest';
import { openLocalStore } from '../pipeline/local-runtime';
import { systemClock } from '../ports';
import type { Io } from './parse-command';
import { presentCall, summaryLine } from './present';
import { readInputs, rejectionLine } from './read-inputs';

export interface ReplayOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly paths: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const runReplay = async (options: ReplayOptions, config: Config, io: Io): Promise<number> => {
  if (!options.dryRun && !config.slackBotToken) {
    throw new UsageError('replay posts to Slack: set SLACK_BOT_TOKEN, or use --dry-run');
  }
  const delegate =
    options.dryRun || !config.slackBotToken
      ? undefined
      : new SlackNotifier(createSlackClient(config.slackBotToken, { slackApiUrl: config.slackApiUrl }));
  const local = await openLocalStore(config, !options.dryRun);
  let total = emptyIngestResult();
  try {
    const deps = {
      store: local.store,
      notifier: new ReportingNotifier(presentCall(options.json, io.out), delegate),
      logger: createJsonLogger({ level: 'silent' }),
      clock: systemClock,
      routing: config.routing,
      defaultChannel: config.channel,
    };
    for (const input of await readInputs(options.paths)) {
      if ('error' in input) {
        total = addIngestResults(total, {
          ...emptyIngestResult(),
          rejected: [{ position: '', message: input.error }],
        });
        io.err(rejectionLine(input.name, '', input.error));
        continue;
      }
      const result = await ingest(decodeBytes(input.bytes), deps);
      for (const r of result.rejected) io.err(rejectionLine(input.name, r.position, r.message));
      for (const f of result.failed)
        io.err(`signins: ${input.name}: post of ${f.alertId} failed: ${f.error}`);
      total = addIngestResults(total, result);
    }
  } finally {
    await local.close();
  }
  io.err(summaryLine(total, options.dryRun));
  if (total.failed.length > 0) return 1;
  return total.rejected.length > 0 ? 2 : 0;
};
