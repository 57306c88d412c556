// The `signins` command: one entry per subcommand in ENTRIES; help, version and one-line failures here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Io } from './command';
import { terminalSafe } from './terminal-text';

interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

// Each command is loaded when it runs: `start` brings Bolt and the AWS SDK, `parse` neither, and
// `--version` nothing at all (the compiled CLI keeps each command in its own chunk).
// Add a command here (and its file in bot/cli/): help and dispatch follow.
const ENTRIES: readonly CommandEntry[] = [
  { name: 'parse', load: async () => (await import('./parse-command')).parseCommand },
  { name: 'replay', load: async () => (await import('./replay-command')).replayCommand },
  { name: 'start', load: async () => (await import('./start-command')).startCommand },
  { name: 'query', load: async () => (await import('./query-command')).queryCommand },
  { name: 'silence', load: async () => (await import('./silence-command')).silenceCommand },
  { name: 'silences', load: async () => (await import('./silence-command')).silencesCommand },
  { name: 'unsilence', load: async () => (await import('./silence-command')).unsilenceCommand },
  { name: 'redrive', load: async () => (await import('./redrive-command')).redriveCommand },
  { name: 'doctor', load: async () => (await import('./doctor-command')).doctorCommand },
];

export const commandNames: readonly string[] = ENTRIES.map((e) => e.name);

/** Every command, loaded (the usage lists them all with their summaries). */
export const allCommands = (): Promise<Command[]> => Promise.all(ENTRIES.map((e) => e.load()));

export const version = (): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
    .version;

const usage = async (): Promise<string> => {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: signins COMMAND [options]   (signins COMMAND --help for its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
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
      io.err(await usage());
      return 1;
    case '-h':
    case '--help':
    case 'help': {
      const topic = await ENTRIES.find((e) => e.name === rest[0])?.load();
      io.out(topic ? topic.help : await usage());
      return 0;
    }
    case '-v':
    case '--version':
      io.out(version());
      return 0;
  }
  const command = await ENTRIES.find((e) => e.name === name)?.load();
  if (!command) {
    io.err(`signins: unknown command "${name}"\n${await usage()}`);
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
  const safeIo: Io = { out: io.out, err: (line) => io.err(terminalSafe(line)), drained: io.drained };
  try {
    return await dispatch(argv, safeIo);
  } catch (err) {
    // Loaded only on a failure: it knows the error classes of the store and the config.
    const { userFacingMessage } = await import('./cli-error');
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    safeIo.err(`signins: ${message}`);
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
};
