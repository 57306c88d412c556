// `signins doctor`: checks a deployed installation end to end and says, line by line, what is fine and what
// is broken, with the fix. Exit 0 when every check passed, 1 when one did not (or AWS is out of reach), 2 on
// a usage error. The same checks run hourly in the sweeper (bot/pipeline/health-watch.ts).
import { parseArgs } from 'node:util';
import type { WebClient } from '@slack/web-api';
import { AwsUnreachableError, describeUnreachable } from '../adapters/aws-errors';
import { type AwsHealthClients, AwsHealthProbe, createAwsHealthClients } from '../adapters/aws-health-probe';
import { createSlackClient } from '../adapters/slack-client';
import { SlackHealthProbe } from '../adapters/slack-health-probe';
import { allFine, formatLine } from '../core/health-checks';
import { routedChannels } from '../core/slack-verdicts';
import { ConfigError, loadConfig } from '../pipeline/config';
import { checkInstallation, healthTarget } from '../pipeline/installation-checks';
import { type Clock, systemClock } from '../ports';
import { CliError, UsageError } from './cli-error';
import type { Command, Io } from './command';
import { terminalSafe } from './terminal-text';

const HELP = `usage: signins doctor [--region REGION] [--trail NAME] [--log-group NAME] [--prefix PREFIX] [--secret ARN]

Checks a deployed installation: the trail is logging and delivering, the log group and its subscription
filter and metric filters exist, every alarm exists and no alarm action failed in the last 7 days, the
Slack secret is set, Slack accepts the token and the bot is in its channels. One line per check:
  ✓ fine    ✗ broken — fix: what to do    ? could not check (why)

  --region REGION     AWS region of the stack (default: AWS_REGION / your profile's region)
  --trail NAME        the trail (default: SIGNINS_TRAIL, else the trails that deliver to the log group)
  --log-group NAME    the trail's log group (default: SIGNINS_LOG_GROUP, else found from the trails)
  --prefix PREFIX     the stack's alarmNamePrefix (default: SIGNINS_ALARM_PREFIX, else none)
  --secret ARN        the Slack secret, the stack output SlackSecretArn (default: SIGNINS_SECRET_ARN)
Channels come from SIGNINS_CHANNEL and SIGNINS_ROUTING, as deployed. Nothing is changed.
Exit status: 0 all fine, 1 something is broken or could not be checked, 2 usage error.`;

export interface DoctorOptions {
  readonly region?: string;
  readonly trail?: string;
  readonly logGroup?: string;
  readonly prefix?: string;
  readonly secret?: string;
}

/** The outside world doctor talks to; tests pass mocked AWS clients and a fake Slack. */
export interface DoctorParts {
  readonly aws: AwsHealthClients;
  readonly slack: (token: string) => WebClient;
  readonly clock: Clock;
}

const SLACK_CHECK_OPTIONS = { retries: 1, timeoutMs: 3_000 } as const;

const defaultParts = (region: string | undefined, slackApiUrl: string | undefined): DoctorParts => ({
  aws: createAwsHealthClients(region),
  slack: (token) => createSlackClient(token, { ...SLACK_CHECK_OPTIONS, slackApiUrl }),
  clock: systemClock,
});

const closeAll = (aws: AwsHealthClients): void => {
  for (const client of Object.values(aws)) client.destroy();
};

export const runDoctor = async (
  options: DoctorOptions,
  env: NodeJS.ProcessEnv,
  io: Io,
  given?: DoctorParts,
): Promise<number> => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`doctor: ${err.message}`, 2);
    throw err;
  }
  const parts = given ?? defaultParts(options.region, config.slackApiUrl);
  try {
    let region: string;
    try {
      region = await parts.aws.cloudTrail.config.region();
    } catch (err) {
      throw new AwsUnreachableError(describeUnreachable(err) ?? 'cannot tell the AWS region', { cause: err });
    }
    io.out(`signins doctor: checking the installation in ${region}`);
    const target = healthTarget(config);
    const results = await checkInstallation({
      aws: new AwsHealthProbe(
        parts.aws,
        {
          ...target,
          trail: options.trail ?? target.trail,
          logGroup: options.logGroup ?? target.logGroup,
          alarmNamePrefix: options.prefix ?? target.alarmNamePrefix,
          secretId: options.secret ?? config.secretArn,
        },
        parts.clock,
      ),
      slack: (token) => new SlackHealthProbe(parts.slack(token)),
      channels: routedChannels(config.routing, config.channel),
      fallbackToken: config.slackBotToken,
    });
    // Names and error messages come from the account: never let them drive the terminal.
    for (const result of results) io.out(terminalSafe(formatLine(result)));
    return allFine(results) ? 0 : 1;
  } catch (err) {
    if (err instanceof AwsUnreachableError) throw new CliError(`doctor: ${err.message}`, 1, { cause: err });
    throw err;
  } finally {
    if (!given) closeAll(parts.aws);
  }
};

const parseDoctorArgs = (args: readonly string[]): DoctorOptions => {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        region: { type: 'string' },
        trail: { type: 'string' },
        'log-group': { type: 'string' },
        prefix: { type: 'string' },
        secret: { type: 'string' },
      },
    });
    return {
      region: values.region,
      trail: values.trail,
      logGroup: values['log-group'],
      prefix: values.prefix,
      secret: values.secret,
    };
  } catch (err) {
    throw new UsageError(`doctor: ${(err as Error).message} (signins doctor --help)`, 2);
  }
};

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a deployed installation: trail, log group, filters, alarms, Slack secret, token, channels',
  help: HELP,
  run: (args, io) => runDoctor(parseDoctorArgs(args), process.env, io),
};
