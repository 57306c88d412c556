// `signins silence …`, `signins silences`, `signins unsilence ID`: silences from the terminal, through the same
// Silences service (and guardrails) as `/signins`. Whoever runs these holds the store, so they are trusted as
// a responder; the author is `cli:<their user name>`. Announcements go to the channel only when a Slack token
// is configured. Alarm actions are never switched here: the deployed sweeper does it within a minute, the one
// place that switches them (bot/pipeline/silences.ts).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '../adapters/json-logger';
import { SlackNotifier } from '../adapters/slack-notifier';
import { parseCommand } from '../core/query-grammar';
import { cardToText } from '../core/render/card-text';
import { renderSilenceList } from '../core/render/silence-views';
import type { Silence } from '../core/silence-types';
import { type Config, loadConfig } from '../pipeline/config';
import { DeliveryError } from '../pipeline/delivery-error';
import type { LocalStore } from '../pipeline/local-runtime';
import { deployedAlarmName } from '../pipeline/silence-wiring';
import { Silences } from '../pipeline/silences';
import { type Clock, type Notifier, systemClock } from '../ports';
import { CliError, UsageError } from './cli-error';
import type { Command, Io } from './command';
import { localDeps } from './local-pipeline';
import { withCommandStore } from './local-store';
import { cliUsage, commandText } from './query-command';
import { jsonSafe, terminalSafe } from './terminal-text';

export interface SilenceParts {
  readonly clock: Clock;
  /** The person at the terminal (the silence's author is `cli:<user>`). */
  readonly user: () => string;
  /** How the store is opened (tests give an embedded one); by default as `signins start` opens it. */
  readonly open?: (config: Config) => Promise<LocalStore>;
}

export const defaultSilenceParts: SilenceParts = {
  clock: systemClock,
  user: () => userInfo().username,
};

/** Slack as the silences see it without a token: every call fails before the network, as "not configured". */
const noSlack = (): Notifier =>
  new SlackNotifier(async () => {
    throw new DeliveryError({ kind: 'not-attempted', reason: 'not-configured' }, 'no SLACK_BOT_TOKEN');
  });

/** The Silences service over the CLI's store and its Slack (when a token is set). */
const silencesOn = (local: LocalStore, config: Config, parts: SilenceParts, io: Io): Silences => {
  const token = config.slackBotToken;
  // Without a token an announcement cannot be made, and the line this command prints says so.
  const logger = createJsonLogger({ level: token ? config.logLevel : 'error', write: io.err });
  return new Silences({
    store: local.store,
    // Without a token a new silence names no channel (nothing to announce), and the end of one made in Slack is
    // reported as not announced (a recording notifier would claim it was).
    notifier: token
      ? localDeps({ config, store: local.store, logger, io, onCall: () => {}, slackToken: token, geo: null })
          .notifier
      : noSlack(),
    clock: parts.clock,
    logger,
    identityMap: config.responders.identityMap,
    maxSilenceMs: config.maxSilenceDays * 86_400_000,
    alarmActions: null,
    alarmName: deployedAlarmName(config.signInAlarms),
    defaultChannel: token ? config.channel : null,
  });
};

const author = (parts: SilenceParts): string => `cli:${parts.user()}`;

/** Parses `<verb> <words>` with the `/signins` grammar; anything but `kind` is a usage mistake. */
const readCommand = <K extends 'silence' | 'unsilence'>(verb: K, words: readonly string[], now: Date) => {
  const command = parseCommand(`${verb} ${commandText(words)}`, now);
  if (command.kind === verb) return command as Extract<typeof command, { kind: K }>;
  const problem = command.kind === 'invalid' ? command.problem : `that is not a ${verb} command`;
  throw new UsageError(`${problem}\n\n${cliUsage()}`);
};

const refused = (problems: readonly string[]): CliError => new CliError(problems.join(' '));

const announcedWords = (result: { silence: Silence; announced: boolean }, config: Config): string => {
  const channel = result.silence.channel;
  if (result.announced) return `announced in ${channel}`;
  if (!config.slackBotToken) return `not announced in ${channel ?? 'Slack'} (no SLACK_BOT_TOKEN)`;
  return `not announced: ${channel ?? 'no channel'} could not be reached (see above)`;
};

/** What happens to the CloudWatch alarms a new silence covers: the deployed sweeper's work, never a local one's. */
const alarmsLine = (silence: Silence, config: Config): string | null => {
  if (silence.alarms.length === 0) return null;
  const names = silence.alarms.join(', ');
  return config.tableName
    ? `signins: the actions (mail, SMS) of ${names} go off within a minute (the stack's sweeper switches them) and back on when the silence ends`
    : `signins: ${names} are the deployed stack's alarms: a silence in the local store leaves their actions (mail, SMS) on`;
};

const silenceText = (silence: Silence, now: Date): string =>
  cardToText(renderSilenceList([silence], now))
    .split('\n')
    .slice(1, -1)
    .join('\n');

export const runSilence = async (
  words: readonly string[],
  config: Config,
  io: Io,
  parts: SilenceParts = defaultSilenceParts,
): Promise<number> => {
  const now = parts.clock.now();
  const command = readCommand('silence', words, now);
  return withCommandStore(
    config,
    async (local) => {
      // Timed once the store is open (that takes a moment), so that `for 4h` lasts 4 hours from the start.
      const startsAt = command.startsAt ?? parts.clock.now().toISOString();
      const result = await silencesOn(local, config, parts, io).create(
        {
          matchers: command.matchers,
          startsAt,
          endsAt: new Date(Date.parse(startsAt) + command.durationMs).toISOString(),
          reason: command.reason,
        },
        author(parts),
        null,
        true,
      );
      if (!result.ok) throw refused(result.problems);
      io.out(terminalSafe(silenceText(result.silence, parts.clock.now())));
      io.err(
        `signins: silence ${result.silence.id} is set, ${announcedWords(result, config)}; signins unsilence ${result.silence.id} ends it early`,
      );
      const alarms = alarmsLine(result.silence, config);
      if (alarms) io.err(alarms);
      return 0;
    },
    parts.open,
  );
};

export const runSilences = async (
  json: boolean,
  config: Config,
  io: Io,
  parts: SilenceParts = defaultSilenceParts,
): Promise<number> =>
  withCommandStore(
    config,
    async (local) => {
      const list = await silencesOn(local, config, parts, io).list();
      io.out(
        json
          ? jsonSafe(JSON.stringify(list, null, 2))
          : terminalSafe(cardToText(renderSilenceList(list, parts.clock.now()))),
      );
      return 0;
    },
    parts.open,
  );

export const runUnsilence = async (
  words: readonly string[],
  config: Config,
  io: Io,
  parts: SilenceParts = defaultSilenceParts,
): Promise<number> => {
  const command = readCommand('unsilence', words, parts.clock.now());
  return withCommandStore(
    config,
    async (local) => {
      const result = await silencesOn(local, config, parts, io).cancel(command.id, author(parts), true);
      if (!result.ok) throw refused(result.problems);
      io.err(
        `signins: silence ${result.silence.id} has ended (it held back ${result.silence.held} sign-in(s)), ${announcedWords(result, config)}; matching sign-ins are posted again`,
      );
      return 0;
    },
    parts.open,
  );
};

const STORE_HELP = `The store is the one signins start keeps (SIGNINS_DATA_DIR, default .signins-data: stop a running
signins start first, or use /signins in Slack), or the deployed table when SIGNINS_TABLE is set (with AWS
credentials: the stack's sweeper then switches off the actions of the sign-in alarms a silence covers, within a
minute, while it lasts).`;

export const silenceCommand: Command = {
  name: 'silence',
  summary: 'hold back matching sign-in alerts for a while (stored and counted, not posted)',
  help: `usage: signins silence <matchers> [starting <time> | starting in <duration>] for <duration> because <reason>

e.g. signins silence user alice ip 203.0.113.0/24 for 4h because pen test

The guardrails of /signins apply: at least one matcher, a reason, at most SIGNINS_MAX_SILENCE_DAYS (default 7
days), and a silence that would cover root sign-ins must name root. The author is cli:<your user name>. With
SLACK_BOT_TOKEN it is announced in SIGNINS_CHANNEL. ${STORE_HELP}

${cliUsage()}`,
  run: async (args, io) => {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    return runSilence(positionals, loadConfig(), io);
  },
};

export const silencesCommand: Command = {
  name: 'silences',
  summary: 'list silences: active, pending, and those ended in the last day',
  help: `usage: signins silences [--json]

Active silences first, then pending, then those that ended in the last day, with what each held back.
${STORE_HELP}

  --json   the silences as JSON`,
  run: async (args, io) => {
    const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean', default: false } } });
    return runSilences(values.json ?? false, loadConfig(), io);
  },
};

export const unsilenceCommand: Command = {
  name: 'unsilence',
  summary: 'end a silence now (signins unsilence s-7f3a2c)',
  help: `usage: signins unsilence ID

Ends the silence now (IDs as signins silences lists them); matching sign-ins are posted again. With
SLACK_BOT_TOKEN the end is announced in the silence's channel. ${STORE_HELP}`,
  run: async (args, io) => {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    return runUnsilence(positionals, loadConfig(), io);
  },
};
