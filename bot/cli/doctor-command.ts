// `signins doctor`: checks a deployed installation end to end and says, line by line, what is fine and what
// is broken, with the fix. Exit 0 when every check passed, 1 when one did not (or AWS is out of reach), 2 on
// a usage error. The same checks run hourly in the sweeper (bot/pipeline/health-watch.ts).
import { parseArgs } from 'node:util';
import type { WebClient } from '@slack/web-api';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { prefixedName } from '../adapters/aws-alarm-probe';
import { AwsUnreachableError, attempt, describeUnreachable } from '../adapters/aws-errors';
import { type AwsHealthClients, AwsHealthProbe, createAwsHealthClients } from '../adapters/aws-health-probe';
import { CloudWatchAlarmActions } from '../adapters/cloudwatch-alarm-actions';
import { createSlackClient } from '../adapters/slack-client';
import { SlackHealthProbe } from '../adapters/slack-health-probe';
import { allFine, broken, type CheckResult, formatLine, ok, unknown } from '../core/health-checks';
import { silenceState } from '../core/silence';
import type { Silence } from '../core/silence-types';
import { routedChannels } from '../core/slack-verdicts';
import { type Config, ConfigError, loadConfig } from '../pipeline/config';
import { checkInstallation, healthTarget } from '../pipeline/installation-checks';
import { openLocalStore } from '../pipeline/local-runtime';
import { type Clock, systemClock } from '../ports';
import { CliError, UsageError } from './cli-error';
import type { Command, Io } from './command';
import { terminalSafe } from './terminal-text';

const HELP = `usage: signins doctor [--region REGION] [--trail NAME] [--log-group NAME] [--prefix PREFIX] [--secret ARN]

Checks a deployed installation: the trail is logging and delivering, the log group and its subscription
filter and metric filters exist, every alarm exists and no alarm action failed in the last 7 days, the
Slack secret is set, Slack accepts the token and the bot is in its channels, and no sign-in alarm has its
actions (mail, SMS) left off without a silence in force (silences are read from SIGNINS_TABLE, the stack
output TableName, in AWS_REGION). One line per check:
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
  /**
   * The silences not ended before `since` (the store's listSilences), asked only when an alarm's actions are off.
   * @default - none: without a table nothing tells whether a silence switched them off
   */
  readonly silences?: (since: Date) => Promise<readonly Silence[]>;
}

/** The deployed table's silences (SIGNINS_TABLE), as `signins silences` reads them. */
const tableSilences =
  (config: Config) =>
  async (since: Date): Promise<readonly Silence[]> => {
    const local = await openLocalStore(config, true);
    try {
      return await local.store.listSilences(since);
    } finally {
      await local.close();
    }
  };

type SilencesRead =
  | { readonly ok: true; readonly silences: readonly Silence[] }
  | { readonly ok: false; readonly reason: string };

/**
 * A sign-in alarm whose actions are off is fine only while an active silence covers it; otherwise mail and SMS
 * stay quiet for good (a sweeper that failed to switch them back on, or someone's hand in the console).
 */
export const judgeAlarmsLeftOff = (
  disabled: readonly string[],
  silences: SilencesRead,
  now: Date,
  region: string,
): CheckResult[] => {
  if (disabled.length === 0) return [ok('signin-alarm-actions', "the sign-in alarms' actions are on")];
  return disabled.map((name) => {
    const key = `signin-alarm-actions:${name}`;
    if (!silences.ok) return unknown(key, `alarm ${name} has its actions disabled`, silences.reason);
    const cover = silences.silences
      .filter((s) => silenceState(s, now) === 'active' && s.alarms.includes(name))
      .sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
    return cover
      ? ok(key, `alarm ${name} has its actions off while silence ${cover.id} lasts (until ${cover.endsAt})`)
      : broken(
          key,
          `alarm ${name} has its actions disabled and no silence covers it`,
          `\`aws cloudwatch enable-alarm-actions --region ${region} --alarm-names ${name}\``,
        );
  });
};

const checkAlarmsLeftOff = async (
  parts: DoctorParts,
  prefix: string | undefined,
  region: string,
): Promise<CheckResult[]> => {
  const names = SIGNIN_ALARMS.map((a) => prefixedName(prefix, a.name));
  const actions = new CloudWatchAlarmActions(parts.aws.cloudWatch, { alarmNames: names });
  const disabled = await attempt('cloudwatch:DescribeAlarms', () => actions.disabled(names));
  if (!disabled.ok) return [unknown('signin-alarm-actions', "the sign-in alarms' actions", disabled.reason)];
  const now = parts.clock.now();
  let silences: SilencesRead = {
    ok: false,
    reason: 'no SIGNINS_TABLE to read the silences from (set it to the stack output TableName)',
  };
  if (disabled.value.length > 0 && parts.silences) {
    silences = await parts.silences(now).then(
      (found): SilencesRead => ({ ok: true, silences: found }),
      (err: unknown): SilencesRead => ({
        ok: false,
        reason: `the silences could not be read: ${(err as Error).message ?? String(err)}`,
      }),
    );
  }
  return judgeAlarmsLeftOff(disabled.value, silences, now, region);
};

const SLACK_CHECK_OPTIONS = { retries: 1, timeoutMs: 3_000 } as const;

const defaultParts = (region: string | undefined, config: Config): DoctorParts => ({
  aws: createAwsHealthClients(region),
  slack: (token) => createSlackClient(token, { ...SLACK_CHECK_OPTIONS, slackApiUrl: config.slackApiUrl }),
  clock: systemClock,
  silences: config.tableName ? tableSilences(config) : undefined,
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
  const parts = given ?? defaultParts(options.region, config);
  try {
    let region: string;
    try {
      region = await parts.aws.cloudTrail.config.region();
    } catch (err) {
      throw new AwsUnreachableError(describeUnreachable(err) ?? 'cannot tell the AWS region', { cause: err });
    }
    io.out(`signins doctor: checking the installation in ${region}`);
    const target = healthTarget(config);
    const prefix = options.prefix ?? target.alarmNamePrefix;
    const installation = await checkInstallation({
      aws: new AwsHealthProbe(
        parts.aws,
        {
          ...target,
          trail: options.trail ?? target.trail,
          logGroup: options.logGroup ?? target.logGroup,
          alarmNamePrefix: prefix,
          secretId: options.secret ?? config.secretArn,
        },
        parts.clock,
      ),
      slack: (token) => new SlackHealthProbe(parts.slack(token)),
      channels: routedChannels(config.routing, config.channel),
      fallbackToken: config.slackBotToken,
    });
    const results = [...installation, ...(await checkAlarmsLeftOff(parts, prefix, region))];
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
