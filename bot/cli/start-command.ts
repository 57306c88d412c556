// `signins start` (what `npm start` runs): the bot on this machine, on the embedded store.
//   no Slack credentials          → dry run: cards printed as text, nothing posted
//   SLACK_BOT_TOKEN + SLACK_APP_TOKEN      → Socket Mode to a real workspace (no public URL)
//   SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET → HTTP on PORT, Slack requests at POST /slack/events
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { watchDirectory } from '../adapters/directory-watcher';
import { createJsonLogger } from '../adapters/json-logger';
import { pollLogGroup } from '../adapters/log-group-tail';
import { fetchBotIdentity } from '../adapters/slack-identity';
import { createSlackClient, ReportingNotifier, SlackNotifier } from '../adapters/slack-notifier';
import type { Config } from '../pipeline/config';
import { type DecodedItem, decodeBytes, decodeText } from '../core/decode-input';
import { type IngestDeps, ingest } from '../pipeline/ingest';
import { openLocalStore } from '../pipeline/local-runtime';
import type { Notifier } from '../ports';
import { systemClock } from '../ports';
import { createSlackApp } from '../slack/app';
import type { Io } from './parse-command';
import { presentCall, summaryLine } from './present';
import { readInputs, rejectionLine } from './read-inputs';

export const SAMPLE_TRAIL = join(__dirname, '..', '..', 'examples', 'sample-trail.json');

export interface StartOptions {
  readonly events: readonly string[];
  readonly watch?: string;
  readonly logGroup?: string;
  readonly pollSeconds: number;
}

type Mode = 'dry-run' | 'socket' | 'http';

const modeOf = (config: Config): Mode =>
  !config.slackBotToken
    ? 'dry-run'
    : config.slackAppToken
      ? 'socket'
      : config.slackSigningSecret
        ? 'http'
        : 'dry-run';

export const runStart = async (options: StartOptions, config: Config, io: Io): Promise<number> => {
  const mode = modeOf(config);
  if (config.slackBotToken && mode === 'dry-run') {
    io.err(
      'signins: SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP): running dry',
    );
  }
  const local = await openLocalStore(config, mode !== 'dry-run' || config.dataDirSet);
  const logger = createJsonLogger({ level: mode === 'dry-run' ? 'silent' : 'info', write: io.err });
  const slack =
    mode === 'dry-run' || !config.slackBotToken
      ? undefined
      : new SlackNotifier(createSlackClient(config.slackBotToken, { slackApiUrl: config.slackApiUrl }));
  const notifier: Notifier = new ReportingNotifier(
    mode === 'dry-run'
      ? presentCall(false, io.out)
      : (call) => io.err(`signins: posting to ${call.args.channel}: ${call.args.text}`),
    slack,
  );
  const deps: IngestDeps = {
    store: local.store,
    notifier,
    logger,
    clock: systemClock,
    routing: config.routing,
    defaultChannel: config.channel,
  };
  const feed = async (name: string, items: DecodedItem[]) => {
    const result = await ingest(items, deps);
    for (const r of result.rejected) io.err(rejectionLine(name, r.position, r.message));
    for (const f of result.failed) io.err(`signins: ${name}: post of ${f.alertId} failed: ${f.error}`);
    io.err(`${summaryLine(result, mode === 'dry-run')} (${name})`);
  };

  io.err(
    `signins: ${mode === 'dry-run' ? 'dry run (no Slack credentials): cards are printed, not posted' : `Slack ${mode} mode`}; ${local.description}; default channel ${config.channel}`,
  );
  const app =
    mode === 'dry-run' || !config.slackBotToken
      ? undefined
      : createSlackApp({
          ...(await fetchBotIdentity(
            createSlackClient(config.slackBotToken, { slackApiUrl: config.slackApiUrl }),
          )),
          token: config.slackBotToken,
          appToken: mode === 'socket' ? config.slackAppToken : undefined,
          signingSecret: config.slackSigningSecret,
          slackApiUrl: config.slackApiUrl,
          port: config.port,
          logger,
        });
  if (app) {
    await app.start();
    io.err(
      mode === 'socket'
        ? 'signins: connected to Slack (Socket Mode)'
        : `signins: listening on http://localhost:${config.port}/slack/events`,
    );
  }

  const sources = mode === 'dry-run' ? [SAMPLE_TRAIL, ...options.events] : options.events;
  // readInputs([]) would read standard input: with nothing to replay, read nothing.
  for (const input of sources.length > 0 ? await readInputs(sources) : []) {
    if ('error' in input) io.err(rejectionLine(input.name, '', input.error));
    else await feed(input.name, decodeBytes(input.bytes));
  }

  const closers: (() => Promise<void> | void)[] = [];
  if (options.watch) {
    const watcher = await watchDirectory(
      options.watch,
      (file) => feed(file.path, decodeBytes(file.bytes)),
      (path, err) => io.err(rejectionLine(path, '', String(err))),
    );
    closers.push(() => watcher.close());
    io.err(`signins: watching ${options.watch} for CloudTrail files`);
  }
  if (options.logGroup) {
    const client = new CloudWatchLogsClient({});
    let since = Date.now() - 15 * 60_000;
    let stopped = false;
    const poll = async () => {
      try {
        const page = await pollLogGroup(
          client,
          { logGroupName: options.logGroup ?? '', overlapMs: 5 * 60_000 },
          since,
        );
        since = page.nextSince;
        if (page.messages.length > 0)
          await feed(
            options.logGroup ?? '',
            page.messages.flatMap((m) => decodeText(m)),
          );
      } catch (err) {
        io.err(`signins: reading log group ${options.logGroup}: ${(err as Error).message}`);
      }
      if (!stopped) timer = setTimeout(poll, options.pollSeconds * 1000);
    };
    let timer = setTimeout(poll, 0);
    closers.push(() => {
      stopped = true;
      clearTimeout(timer);
      client.destroy();
    });
    io.err(`signins: tailing log group ${options.logGroup} every ${options.pollSeconds}s`);
  }

  if (!app && closers.length === 0) {
    await local.close();
    io.err(
      'signins: done. Keep it running with --watch DIR or --log-group NAME; post to Slack by setting SLACK_BOT_TOKEN (see README).',
    );
    return 0;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (const close of closers) await close();
  if (app) await app.stop();
  await local.close();
  return 0;
};
