// The `signins` command: one entry per subcommand in COMMANDS; help, version and one-line failures here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userFacingMessage } from './cli-error';
import type { Command, Io } from './command';
import { doctorCommand } from './doctor-command';
import { parseCommand } from './parse-command';
import { queryCommand } from './query-command';
import { redriveCommand } from './redrive-command';
import { replayCommand } from './replay-command';
import { silenceCommand, silencesCommand, unsilenceCommand } from './silence-command';
import { startCommand } from './start-command';
import { terminalSafe } from './terminal-text';

/** Add a command here (and its file in bot/cli/): help and dispatch follow. */
export const COMMANDS: readonly Command[] = [
  parseCommand,
  replayCommand,
  startCommand,
  queryCommand,
  silenceCommand,
  silencesCommand,
  unsilenceCommand,
  redriveCommand,
  doctorCommand,
];

export const version = (): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
    .version;

const usage = (): string => {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: signins COMMAND [options]   (signins COMMAND --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Inputs: CloudTrail log files (.json/.json.gz), JSON lines, single records, LookupEvents output,',
    'CloudWatch Logs subscription events and SNS alarm events — detected automatically.',
    'Exit status: 0 ok, 2 some input rejected, 1 error.   signins --version prints the version.',
  ].join('\n');
};

/** `--help` anywhere before a `--`: the command's help instead of a run. */
const wantsHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

const dispatch = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      io.err(usage());
      return 1;
    case '-h':
    case '--help':
    case 'help': {
      const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
      io.out(topic ? topic.help : usage());
      return 0;
    }
    case '-v':
    case '--version':
      io.out(version());
      return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`signins: unknown command "${name}"\n${usage()}`);
    return 1;
  }
  if (wantsHelp(rest)) {
    io.out(command.help);
    return 0;
  }
  return command.run(rest, io);
};

export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  // Error lines quote input (file names, parser messages): never let them drive the terminal.
  const safeIo: Io = { out: io.out, err: (line) => io.err(terminalSafe(line)) };
  try {
    return await dispatch(argv, safeIo);
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    safeIo.err(`signins: ${message}`);
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
};
