// The `signins` command: parse, replay, start.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../pipeline/config';
import { type Io, runParse } from './parse-command';
import { runReplay, UsageError } from './replay-command';
import { runStart } from './start-command';

const USAGE = `usage:
  signins parse [FILE|-]…                       one JSON line per sign-in / alarm notification
  signins replay [--dry-run] [--json] [FILE|-]…   run the worker's pipeline over files
  signins start [--events PATH]… [--watch DIR] [--log-group NAME] [--poll-seconds N]
                                                 run the bot locally (what npm start runs)
Inputs: CloudTrail log files (.json/.json.gz), JSON lines, single records, LookupEvents output,
CloudWatch Logs subscription events and SNS alarm events — detected automatically.
Exit status: 0 ok, 2 some input rejected, 1 error.`;

export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'parse': {
        const { positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: {} });
        return await runParse(positionals, io);
      }
      case 'replay': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            'dry-run': { type: 'boolean', default: false },
            json: { type: 'boolean', default: false },
          },
        });
        return await runReplay(
          { dryRun: values['dry-run'] ?? false, json: values.json ?? false, paths: positionals },
          loadConfig(),
          io,
        );
      }
      case 'start': {
        const { values } = parseArgs({
          args: [...rest],
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
        return await runStart(
          { events: values.events ?? [], watch: values.watch, logGroup: values['log-group'], pollSeconds },
          loadConfig(),
          io,
        );
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.err(`signins: unknown command "${command}"\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    // Bad usage and bad settings get one clear line, not a stack trace.
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`signins: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
};
