// Every health check of an installation, in doctor's order: the AWS half first (it reads the Slack secret),
// then Slack with the token found there. Shared by `signins doctor` and the sweeper's hourly watch.
import type { AwsHealthReport, AwsHealthTarget } from '../adapters/aws-health-probe';
import { type CheckResult, unknown } from '../core/health-checks';
import type { Config } from './config';
import type { HealthProbe } from './health-watch';

export interface AwsChecks {
  check(): Promise<AwsHealthReport>;
}

export interface SlackChecks {
  check(channels: readonly string[]): Promise<CheckResult[]>;
}

export interface InstallationChecks {
  readonly aws: AwsChecks;
  readonly slack: (token: string) => SlackChecks;
  /** Every channel the bot posts to (default and routed). */
  readonly channels: readonly string[];
  /** A token to use when no secret is checked (a local setup's SLACK_BOT_TOKEN). */
  readonly fallbackToken?: string;
}

export const checkInstallation = async (checks: InstallationChecks): Promise<CheckResult[]> => {
  const aws = await checks.aws.check();
  const token = aws.botToken ?? checks.fallbackToken;
  if (!token) {
    const reason = 'no bot token: the Slack secret is not usable';
    return [
      ...aws.results,
      unknown('slack-token', 'Slack token', reason),
      ...checks.channels.map((c) => unknown(`channel:${c}`, `the bot in channel ${c}`, reason)),
    ];
  }
  return [...aws.results, ...(await checks.slack(token).check(checks.channels))];
};

export const installationProbe = (checks: InstallationChecks): HealthProbe => ({
  run: () => checkInstallation(checks),
});

/** What the construct tells the bot about its installation (HEALTH_ENV, read by config.ts); doctor's flags override it. */
export const healthTarget = (config: Config): Omit<AwsHealthTarget, 'secretId'> => ({
  trail: config.installation.trail,
  logGroup: config.installation.logGroup,
  subscriptionFilter: config.installation.subscriptionFilter,
  alarmNamePrefix: config.installation.alarmNamePrefix,
});
