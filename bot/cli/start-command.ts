// `signins start` (what `npm start` runs): the bot on this machine, on the embedded store.
//   no Slack credentials                   → dry run: cards printed as text, nothing posted
//   SLACK_BOT_TOKEN + SLACK_APP_TOKEN      → Socket Mode to a real workspace (no public URL)
//   SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET → HTTP on PORT, Slack requests at POST /slack/events
// With Slack it also runs the sweeper, as the Lambda sweeper does. Every way out closes what was opened.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkWatchPath } from '../adapters/directory-watcher';
import { BackgroundJobQueue } from '../adapters/job-queues';
import { createJsonLogger } from '../adapters/json-logger';
import type { Config } from '../pipeline/config';
import { loadConfig } from '../pipeline/config';
import { HomeTab } from '../pipeline/home-tab';
import type { IngestDeps } from '../pipeline/ingest';
import { Responders } from '../pipeline/responders';
import { UsageError } from './cli-error';
import type { Command, Io } from './command';
import { localCommands, localSilences } from './local-commands';
import { localGeoData } from './local-geo';
import { ingestInput, localDeps } from './local-pipeline';
import { openCliStore } from './local-store';
import { presentCall, summaryLine } from './present';
import { connectSlack, type SlackMode } from './start-slack';
import { type Feed, replayFiles, type Source, tailLogGroup, watchFolder } from './start-sources';
import { startLocalSweeper } from './sweep-loop';

export const SAMPLE_TRAIL = join(__dirname, '..', '..', 'examples', 'sample-trail.json');

export interface StartOptions {
  readonly events: readonly string[];
  readonly watch?: string;
  readonly logGroup?: string;
  readonly pollSeconds: number;
}

type Mode = 'dry-run' | SlackMode;

const modeOf = (config: Config): Mode =>
  !config.slackBotToken
    ? 'dry-run'
    : config.slackAppToken
      ? 'socket'
      : config.slackSigningSecret
        ? 'http'
        : 'dry-run';

/** The sample trail only when the user gave no input at all: their own records are shown alone. */
const filesToReplay = (options: StartOptions, mode: Mode): readonly string[] =>
  mode === 'dry-run' && options.events.length === 0 && !options.watch && !options.logGroup
    ? [SAMPLE_TRAIL]
    : options.events;

const announce = (mode: Mode, config: Config, storeDescription: string, io: Io): void => {
  if (config.slackBotToken && mode === 'dry-run')
    io.err(
      'signins: SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP): running dry',
    );
  io.err(
    `signins: ${mode === 'dry-run' ? 'dry run (no Slack credentials): cards are printed, not posted' : `Slack ${mode} mode`}; ${storeDescription}; default channel ${config.channel}`,
  );
};

/** Feeds inputs through the pipeline, one summary line each, and remembers whether any was rejected. */
const createFeed = (deps: IngestDeps, dryRun: boolean, io: Io): { feed: Feed; rejected: () => number } => {
  let rejected = 0;
  return {
    feed: async (name, items) => {
      const result = await ingestInput(name, items, deps, io);
      rejected += result.rejected.length;
      io.err(`${summaryLine(result, dryRun)} (${name})`);
    },
    rejected: () => rejected,
  };
};

interface StopSignal {
  readonly stopped: Promise<void>;
  readonly requested: () => boolean;
  dispose(): void;
}

/**
 * Listens for Ctrl-C / SIGTERM from the very start, so that a signal during start-up still closes the store
 * and frees the port; a second signal quits at once.
 */
const listenForStop = (io: Io): StopSignal => {
  let requested = false;
  let resolve = () => {};
  const stopped = new Promise<void>((r) => {
    resolve = r;
  });
  const onSignal = () => {
    if (requested) process.exit(130);
    requested = true;
    io.err('signins: stopping (again to quit at once)');
    resolve();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped,
    requested: () => requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};

/** Opened parts, closed in reverse order however `start` ends. */
class Opened {
  private readonly parts: Source[] = [];
  /** Something that works until stopped (Slack, a watched folder, a tailed log group) was opened. */
  keepsRunning = false;

  add<T extends Source>(part: T, keepsRunning = false): T {
    this.parts.push(part);
    this.keepsRunning ||= keepsRunning;
    return part;
  }

  /** Closes every part even when one fails to (the store last), then reports the first failure. */
  async closeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const part of this.parts.reverse()) {
      try {
        await part.close();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

export const runStart = async (options: StartOptions, config: Config, io: Io): Promise<number> => {
  const mode = modeOf(config);
  // Checked before anything is opened: a typo must not leave a store or a port behind.
  if (options.watch) await checkWatchPath(options.watch);
  const opened = new Opened();
  const stop = listenForStop(io);
  try {
    const store = opened.add(await openCliStore(config, mode !== 'dry-run' || config.dataDirSet));
    const logger = createJsonLogger({
      level: mode === 'dry-run' ? 'silent' : config.logLevel,
      write: io.err,
    });
    const slackToken = mode === 'dry-run' ? undefined : config.slackBotToken;
    const deps = localDeps({
      config,
      store: store.store,
      logger,
      io,
      slackToken,
      geo: localGeoData(config, io),
      // A dry run shows each card; with Slack, one line per post.
      onCall:
        mode === 'dry-run'
          ? presentCall(false, io.out)
          : (call) =>
              io.err(
                `signins: ${call.method === 'chat.postMessage' ? 'posting to' : call.method} ${call.args.channel}`,
              ),
    });
    // Clicks are answered at once; what they hand over (asking, paging) runs here after the answer.
    const jobs = new BackgroundJobQueue(
      (job) => deps.responders.runJob(job),
      (job, err) =>
        io.err(
          `signins: ${job.kind} of ${job.alertId} failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
    // In HTTP mode a click is answered first and worked on after: stopping waits for that work and for the jobs
    // it handed over, after Slack is disconnected (parts close in reverse) and before the store closes.
    const inFlight = new Set<Promise<unknown>>();
    if (slackToken)
      opened.add({
        close: async () => {
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          await jobs.drain();
        },
      });
    const track = (work: Promise<unknown>) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work)).catch(() => {});
    };
    const responders = new Responders({ ...deps, settings: config.responders, jobs });
    const silences = localSilences(config, deps);
    const slack = slackToken
      ? opened.add(
          await connectSlack(
            config,
            mode as SlackMode,
            slackToken,
            logger,
            io,
            { responders, notifier: deps.notifier, logger, track },
            {
              commands: localCommands(config, deps, silences, responders),
              home: new HomeTab({
                ...deps,
                isResponder: (user) => responders.isResponder(config.channel, user, Date.now() + 2_000),
              }),
              logger,
              track,
            },
          ),
          true,
        )
      : undefined;
    announce(mode, config, store.description, io);
    if (slack) opened.add(await startLocalSweeper(deps, io, silences));
    const { feed, rejected } = createFeed(deps, mode === 'dry-run', io);
    await replayFiles(filesToReplay(options, mode), feed, stop.requested);
    if (options.watch) opened.add(await watchFolder(options.watch, feed, io), true);
    if (options.logGroup)
      opened.add(await tailLogGroup(options.logGroup, options.pollSeconds, feed, io), true);
    if (!opened.keepsRunning) {
      io.err(
        'signins: done. Keep it running with --watch DIR or --log-group NAME; post to Slack by setting SLACK_BOT_TOKEN (see README).',
      );
    } else if (!stop.requested()) {
      await stop.stopped;
    }
    return rejected() > 0 ? 2 : 0;
  } finally {
    stop.dispose();
    await opened.closeAll();
  }
};

export const startCommand: Command = {
  name: 'start',
  summary: 'run the bot locally (what npm start runs)',
  help: `usage: signins start [--events PATH]… [--watch DIR] [--log-group NAME] [--poll-seconds N]

Runs the bot on this machine with an embedded store. Without Slack credentials it is a dry run: cards
are printed, nothing is posted, and with no input it shows the sample trail. With SLACK_BOT_TOKEN and
SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP on PORT) it posts to Slack, keeps its store
in SIGNINS_DATA_DIR (default .signins-data) and retries cards Slack did not take every minute.

  --events PATH       replay a file once (repeatable)
  --watch DIR         keep watching DIR and its sub-folders for CloudTrail files (aws s3 sync layout)
  --log-group NAME    tail the trail's CloudWatch Logs log group (your AWS credentials)
  --poll-seconds N    how often --log-group is read (default 10)

Exit status: 0 ok, 2 some input rejected, 1 error (one line saying what to do).`,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        events: { type: 'string', multiple: true, default: [] },
        watch: { type: 'string' },
        'log-group': { type: 'string' },
        'poll-seconds': { type: 'string', default: '10' },
      },
    });
    const pollSeconds = Number(values['poll-seconds']);
    if (!Number.isFinite(pollSeconds) || pollSeconds < 1)
      throw new UsageError('--poll-seconds must be a number ≥ 1');
    return runStart(
      { events: values.events ?? [], watch: values.watch, logGroup: values['log-group'], pollSeconds },
      loadConfig(),
      io,
    );
  },
};
