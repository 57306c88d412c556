// `signins replay [--dry-run] [--json] [FILE|-]…`: exactly the worker's pipeline over files.
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../adapters/json-logger';
import { type Config, loadConfig } from '../pipeline/config';
import { addIngestResults, emptyIngestResult } from '../pipeline/ingest';
import { UsageError } from './cli-error';
import type { Command, Io } from './command';
import { ingestInput, localDeps } from './local-pipeline';
import { openCliStore } from './local-store';
import { presentCall, summaryLine } from './present';
import { decodeInput, readInputs } from './read-inputs';

export { UsageError } from './cli-error';

export interface ReplayOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly paths: readonly string[];
}

export const runReplay = async (options: ReplayOptions, config: Config, io: Io): Promise<number> => {
  if (!options.dryRun && !config.slackBotToken) {
    throw new UsageError('replay posts to Slack: set SLACK_BOT_TOKEN, or use --dry-run');
  }
  const local = await openCliStore(config, !options.dryRun);
  let total = emptyIngestResult();
  try {
    const deps = localDeps({
      config,
      store: local.store,
      logger: createJsonLogger({ level: 'silent' }),
      io,
      onCall: presentCall(options.json, io.out),
      slackToken: options.dryRun ? undefined : config.slackBotToken,
    });
    for (const input of await readInputs(options.paths)) {
      const items =
        'error' in input
          ? [{ kind: 'rejected' as const, position: '', message: input.error }]
          : decodeInput(input.bytes);
      total = addIngestResults(total, await ingestInput(input.name, items, deps, io));
    }
  } finally {
    await local.close();
  }
  io.err(summaryLine(total, options.dryRun));
  if (total.failed.length > 0 || total.notStored.length > 0) return 1;
  return total.rejected.length > 0 ? 2 : 0;
};

export const replayCommand: Command = {
  name: 'replay',
  summary: "run the worker's pipeline over files (posts to Slack, or --dry-run)",
  help: `usage: signins replay [--dry-run] [--json] [FILE|-]…

Runs the events worker's pipeline (store, dedupe, classify, render, post) over files, or standard input.
Posting needs SLACK_BOT_TOKEN; the store is kept in SIGNINS_DATA_DIR (default .signins-data), so a second
replay of the same records posts nothing again.

  --dry-run   no Slack calls; an in-memory store
  --json      each Slack call as {"method":"chat.postMessage","args":{…}} (one JSON line each)

Exit status: 0 ok, 2 some input rejected, 1 a card not posted (it stays pending) or an error.`,
  run: async (args, io) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    return runReplay(
      { dryRun: values['dry-run'] ?? false, json: values.json ?? false, paths: positionals },
      loadConfig(),
      io,
    );
  },
};
