// `signins query last 24h [filters…] [--json] [--history]`: the `/signins` answer in a terminal, from the same
// store `signins start` uses (or the deployed table), through the same Queries service as Slack. A window
// older than the store is read from CloudTrail event history: at once against the deployed table, on request
// (--history) locally, since it uses the user's AWS credentials.
import { parseArgs } from 'node:util';
import { describeCallError, describeUnreachable } from '../adapters/aws-errors';
import { CloudTrailHistory, HistoryLookupError, HistoryThrottledError } from '../adapters/cloudtrail-history';
import { createJsonLogger } from '../adapters/json-logger';
import type { GeoData } from '../core/geo';
import type { ActivitySummary, QueryFilters, QueryWindow } from '../core/query';
import { parseCommand, USAGE } from '../core/query-grammar';
import { renderQueryText, terminalTime } from '../core/render/query-answer';
import { accountNames } from '../core/routing';
import { type Config, loadConfig } from '../pipeline/config';
import { geoDataFor } from '../pipeline/geo-source';
import type { LocalStore } from '../pipeline/local-runtime';
import { answerFromHistory, historyProblem, Queries, type QueryOutcome } from '../pipeline/queries';
import { queryTitle } from '../pipeline/slash-commands';
import { type Clock, type Logger, type SignInHistory, systemClock } from '../ports';
import { CliError, UsageError } from './cli-error';
import type { Command, Io } from './command';
import { withCommandStore } from './local-store';
import { jsonSafe, terminalSafe } from './terminal-text';

const SLASH = /\/signins( (?:silences|silence|unsilence)\b)?/g;
/** A usage line's command and its description, two or more spaces apart. */
const COLUMNS = /^(\/signins\S*(?: \S+)*)( {2,})(\S.*)$/;

/**
 * The grammar's usage in the terminal's words: `/signins last 24h` is `signins query last 24h` here, and
 * `public` (an answer in the channel) means nothing. Descriptions stay in their column.
 */
export const cliUsage = (): string =>
  USAGE.split('\n')
    .filter((line) => !/^\/signins {2,}/.test(line))
    .map((line) => {
      const words = (text: string) =>
        text
          .replace(SLASH, (_, verb: string | undefined) => (verb ? `signins${verb}` : 'signins query'))
          .replace(/ · public \(.*\)$| public$/, '');
      const columns = COLUMNS.exec(line);
      if (!columns) return words(line);
      const [, command = '', gap = '', description = ''] = columns;
      const width = command.length + gap.length;
      const cli = words(command);
      return `${cli}${' '.repeat(Math.max(2, width - cli.length))}${words(description)}`;
    })
    .join('\n');

/**
 * The words as one command text. The shell has already removed the quotes: a word with a space in it
 * (`user "Jane Doe"`) is quoted again so that the grammar reads it as one value.
 */
export const commandText = (words: readonly string[]): string =>
  words.map((w) => (/\s/.test(w) && !w.includes('"') ? `"${w}"` : w)).join(' ');

export interface QueryOptions {
  readonly words: readonly string[];
  readonly json: boolean;
  /** Read CloudTrail event history (the user's AWS credentials) when the window is older than a local store. */
  readonly history: boolean;
}

export interface QueryParts {
  readonly clock: Clock;
  /** CloudTrail event history, made only when a window needs it. */
  readonly history: () => SignInHistory;
  /** How the store is opened (tests give an embedded one); by default as `signins start` opens it. */
  readonly open?: (config: Config) => Promise<LocalStore>;
  /** The geo data (countries and networks); by default the bundled data, as `signins start` reads it. */
  readonly geo?: (config: Config, logger: Logger) => GeoData | null;
}

export const defaultQueryParts: QueryParts = {
  clock: systemClock,
  history: () => new CloudTrailHistory(),
};

/** What was asked (no words: the last 24 hours, as `/signins query` in Slack), or why it cannot be. */
const readQuery = (words: readonly string[], now: Date): { window: QueryWindow; filters: QueryFilters } => {
  const command = parseCommand(`query ${commandText(words)}`, now);
  switch (command.kind) {
    case 'query':
      return command;
    case 'invalid':
      throw new UsageError(`${command.problem}\n\n${cliUsage()}`);
    case 'help':
    case 'silence':
    case 'silences':
    case 'unsilence':
      // The leading `query` keeps the grammar from reading anything else.
      throw new Error(`the grammar read a query as ${command.kind}`);
    default:
      return command satisfies never;
  }
};

type HistoryNeeded = Extract<QueryOutcome, { kind: 'history' }>;

/** A window older than a local store, without --history: where its record begins and what to do. */
const olderThanStore = (outcome: HistoryNeeded, local: LocalStore): CliError => {
  const begins = outcome.coverage
    ? `has sign-ins from ${terminalTime(outcome.coverage.toISOString())} on, after the window's start (${terminalTime(outcome.window.from.toISOString())})`
    : 'has no sign-ins yet';
  return new CliError(
    `the ${local.description} ${begins}: ask for a shorter window, or add --history to read CloudTrail event history with your AWS credentials`,
  );
};

const lookBack = async (
  request: { window: QueryWindow; filters: QueryFilters },
  outcome: HistoryNeeded,
  config: Config,
  parts: QueryParts,
  logger: Logger,
  io: Io,
  geo: GeoData | null,
): Promise<ActivitySummary> => {
  const regions = config.historyRegions;
  const days = Math.max(
    1,
    Math.round((outcome.window.to.getTime() - outcome.window.from.getTime()) / 86_400_000),
  );
  io.err(
    `signins: the store's record begins ${outcome.coverage ? terminalTime(outcome.coverage.toISOString()) : 'nowhere yet'}: looking back ${days} day(s) in CloudTrail event history (${regions.join(', ')}), 2 pages a second…`,
  );
  try {
    return await answerFromHistory(
      { ...request, range: outcome.window },
      config.routing,
      { history: parts.history(), regions, logger, geo },
      async (p) =>
        io.err(
          `signins: CloudTrail ${p.region}: page ${p.page}${p.estimatedPages ? ` of ~${p.estimatedPages}` : ''}, ${p.signIns} matching sign-in(s) so far`,
        ),
    );
  } catch (err) {
    // The adapter's errors say which region and page; AWS out of reach is said the same way everywhere.
    const why =
      describeUnreachable(err instanceof Error && err.cause ? err.cause : err) ??
      (err instanceof HistoryLookupError || err instanceof HistoryThrottledError
        ? err.message
        : describeCallError('LookupEvents', err));
    throw new CliError(`the look-back in CloudTrail failed: ${why}`, 1, { cause: err });
  }
};

export const runQuery = async (
  options: QueryOptions,
  config: Config,
  io: Io,
  parts: QueryParts = defaultQueryParts,
): Promise<number> => {
  const now = parts.clock.now();
  const request = readQuery(options.words, now);
  const logger = createJsonLogger({ level: config.logLevel, write: io.err });
  const geo = (parts.geo ?? geoDataFor)(config, logger);
  const { outcome, description } = await withCommandStore(
    config,
    async (local) => {
      const queries = new Queries({
        store: local.store,
        clock: parts.clock,
        routing: config.routing,
        logger,
        geo,
      });
      const answered = await queries.answer(request);
      if (answered.kind === 'unanswerable') throw new CliError(answered.problem);
      if (answered.kind === 'history') {
        const problem = historyProblem(answered.window, now);
        if (problem) throw new CliError(problem);
        if (!config.tableName && !options.history) throw olderThanStore(answered, local);
      }
      return { outcome: answered, description: local.description };
    },
    parts.open,
  );
  const summary =
    outcome.kind === 'answer'
      ? outcome.summary
      : await lookBack(request, outcome, config, parts, logger, io, geo);
  if (options.json) io.out(jsonSafe(JSON.stringify(summary, null, 2)));
  else
    io.out(
      terminalSafe(
        renderQueryText(summary, {
          title: queryTitle(request.window, request.filters),
          now,
          accountNames: accountNames(config.routing),
        }),
      ),
    );
  if (outcome.kind === 'answer')
    io.err(`signins: answered from the ${description} (${outcome.itemsRead} item(s) read)`);
  return 0;
};

export const queryCommand: Command = {
  name: 'query',
  summary: 'who signed in: the /signins answer in the terminal (e.g. last 24h user alice)',
  help: `usage: signins query last 24h [filters…] [--json] [--history]

Answers as /signins does in Slack, from the store signins start keeps (SIGNINS_DATA_DIR, default
.signins-data; stop a running signins start first, or ask in Slack), or from the deployed table when
SIGNINS_TABLE is set (with AWS credentials). A window older than the store is read from CloudTrail event
history (LookupEvents, 2 pages a second, in SIGNINS_HISTORY_REGIONS): with SIGNINS_TABLE at once, locally
with --history.

  --json      the answer as JSON (totals, per user with countries and networks, per IP, buckets, latest,
              first-seen flags)
  --history   locally: read CloudTrail event history (your AWS credentials) for a window older than the store

${cliUsage()}

Exit status: 0 answered, 1 a mistake in the words or the store cannot be read (one line saying why).`,
  run: async (args, io) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        history: { type: 'boolean', default: false },
      },
    });
    return runQuery(
      { words: positionals, json: values.json ?? false, history: values.history ?? false },
      loadConfig(),
      io,
    );
  },
};
