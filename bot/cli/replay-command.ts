// `signins replay [--dry-run [--preview]] [--json] [FILE|-]…`: exactly the worker's pipeline over files.
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../adapters/json-logger';
import type { RecordedCall } from '../adapters/slack-notifier';
import { blockKitBuilderUrl } from '../core/render/preview-link';
import { type Config, loadConfig } from '../pipeline/config';
import { addIngestResults, emptyIngestResult } from '../pipeline/ingest';
import { UsageError } from './cli-error';
import type { Command, Io } from './command';
import { localGeoData } from './local-geo';
import { ingestInput, localDeps } from './local-pipeline';
import { openCliStore } from './local-store';
import { presentCall, summaryLine } from './present';
import { decodeInput, readInputs } from './read-inputs';

export { UsageError } from './cli-error';

export interface ReplayOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
  /** After each card, a Block Kit Builder link that draws it (dry runs only). */
  readonly preview: boolean;
  readonly paths: readonly string[];
}

/**
 * Shows each call, then (with --preview) after each card, posted or redrawn, the link that draws it:
 * `preview: https://app.slack.com/…`. Text-only messages (thread replies, ephemeral notes) have no blocks.
 */
const showCall = (options: ReplayOptions, io: Io): ((call: RecordedCall) => void) => {
  const present = presentCall(options.json, io.out);
  if (!options.preview) return present;
  return (call) => {
    present(call);
    if (!('blocks' in call.args)) return;
    // Printable ASCII (preview-link.ts): nothing from the record can drive the terminal through it.
    io.out(`preview: ${blockKitBuilderUrl({ text: call.args.text, blocks: call.args.blocks })}`);
  };
};

export const runReplay = async (options: ReplayOptions, config: Config, io: Io): Promise<number> => {
  // A preview is of cards not posted: checked first, so that it is the one line a Slack-configured run gets.
  if (options.preview && !options.dryRun) {
    throw new UsageError('--preview shows cards without posting them: add --dry-run');
  }
  // JSON lines already carry each card's blocks; a preview line among them would break the stream.
  if (options.preview && options.json) {
    throw new UsageError('--preview prints cards as text: leave out --json');
  }
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
      onCall: showCall(options, io),
      slackToken: options.dryRun ? undefined : config.slackBotToken,
      geo: localGeoData(config, io),
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
  help: `usage: signins replay [--dry-run [--preview]] [--json] [FILE|-]…

Runs the events worker's pipeline (store, dedupe, classify, render, post) over files, or standard input.
Posting needs SLACK_BOT_TOKEN; the store is kept in SIGNINS_DATA_DIR (default .signins-data), so a second
replay of the same records posts nothing again.

  --dry-run   no Slack calls and an in-memory store, even when SLACK_BOT_TOKEN is set
  --preview   with --dry-run: after each card, "preview: <link>": Slack's Block Kit Builder draws it as
              Slack would (the card travels in the link: opening it shows the card to Slack)
  --json      each Slack call as {"method":"chat.postMessage","args":{…}} (one JSON line each)

Exit status: 0 ok, 2 some input rejected, 1 a card not posted (it stays pending) or an error.`,
  run: async (args, io) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        preview: { type: 'boolean', default: false },
      },
    });
    return runReplay(
      {
        dryRun: values['dry-run'] ?? false,
        json: values.json ?? false,
        preview: values.preview ?? false,
        paths: positionals,
      },
      loadConfig(),
      io,
    );
  },
};
