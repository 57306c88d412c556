// `signins replay [--dry-run [--preview]] [--json] [FILE|-]…`: exactly the worker's pipeline over files.
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../adapters/json-logger';
import type { RecordedCall } from '../adapters/slack-notifier';
import { BURST_REDRAW_MS } from '../core/burst';
import { blockKitBuilderUrl } from '../core/render/preview-link';
import { type Config, loadConfig } from '../pipeline/config';
import { addIngestResults, emptyIngestResult } from '../pipeline/ingest';
import { openReplayDryRunStore } from '../pipeline/local-runtime';
import type { Responders } from '../pipeline/responders';
import { UsageError } from './cli-error';
import type { Command, Io } from './command';
import { localGeoData } from './local-geo';
import { ingestInput, localDeps } from './local-pipeline';
import { openCliStore } from './local-store';
import { presentCall, summaryLine } from './present';
import { terminalProgress } from './progress';
import { streamInputs, totalSize } from './read-inputs';

export { UsageError } from './cli-error';

/** Records per pipeline run: the worker's batches are of this order (a subscription delivery, an SQS batch). */
const BATCH = 500;

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

/**
 * Storm cards are redrawn at most once per BURST_REDRAW_MS and the sweeper draws the last count; a replay has
 * no sweeper after it, so it waits for the last redraw to fall due and does it, so the card ends on the count.
 */
const settleStormCards = async (responders: Responders, groupedAt: number): Promise<void> => {
  const wait = groupedAt + BURST_REDRAW_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await responders.sweep({ deadline: Date.now() + BURST_REDRAW_MS });
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
  const progress = terminalProgress(await totalSize(options.paths));
  const shown = progress ? progress.wrap(io) : io;
  // A dry run decides in a memory store that forgets what no later record can touch: flat memory, no table.
  const local = options.dryRun ? openReplayDryRunStore(config) : await openCliStore(config, true);
  let total = emptyIngestResult();
  try {
    const deps = localDeps({
      config,
      store: local.store,
      logger: createJsonLogger({ level: 'silent' }),
      io: shown,
      onCall: showCall(options, shown),
      slackToken: options.dryRun ? undefined : config.slackBotToken,
      geo: localGeoData(config, shown),
    });
    // One batch at a time through the pipeline: its store writes are batched, and memory holds one batch.
    let groupedAt: number | null = null;
    for await (const batch of streamInputs(options.paths, {
      batchSize: BATCH,
      onRead: (n) => progress?.read(n),
    })) {
      if (batch.items.length === 0) continue;
      const result = await ingestInput(batch.name, batch.items, deps, shown, 'file');
      if (result.grouped > 0) groupedAt = Date.now();
      total = addIngestResults(total, result);
      progress?.counted(batch.items.length);
      await shown.drained?.();
    }
    if (groupedAt !== null) await settleStormCards(deps.responders, groupedAt);
  } finally {
    progress?.clear();
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

Runs the events worker's pipeline (store, dedupe, classify, render, post) over files, or standard input,
read as streams and fed to the pipeline 500 records at a time (a file from S3 comes through standard input:
aws s3 cp s3://…/file.json.gz - | signins replay -). On a terminal, a long run shows its progress on stderr.
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
