// Reads the AWS half of an installation for the health checks: the trail, its log group and filters, the
// alarms and their recent actions, the Slack secret. Read-only calls; short timeouts and few attempts, so
// an unreachable AWS is one clear error (AwsUnreachableError), not a hang.
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  DescribeSubscriptionFiltersCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { type CheckResult, unknown } from '../core/health-checks';
import {
  judgeLogGroup,
  judgeMetricFilters,
  judgeSubscriptionFilter,
  judgeTrail,
  logGroupNameOfArn,
  noTrailDelivers,
  trailNotFound,
} from '../core/pipeline-verdicts';
import type { Clock } from '../ports';
import { checkAlarms, prefixedName } from './aws-alarm-probe';
import { type AwsAttempt, attempt } from './aws-errors';
import { checkSlackSecret } from './slack-secret-probe';

export interface AwsHealthClients {
  readonly cloudTrail: CloudTrailClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudWatch: CloudWatchClient;
  readonly secrets: SecretsManagerClient;
}

/** Two attempts and short timeouts: a check answers in seconds or says it could not. */
export const createAwsHealthClients = (region?: string): AwsHealthClients => {
  const config = {
    region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  };
  return {
    cloudTrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudWatch: new CloudWatchClient(config),
    secrets: new SecretsManagerClient(config),
  };
};

export interface AwsHealthTarget {
  /** Name or ARN; default: the trails that deliver to the log group. */
  readonly trail?: string;
  /** Default: the log groups the trails deliver to. */
  readonly logGroup?: string;
  /** Default: any filter on the log group that sends to a Lambda function. */
  readonly subscriptionFilter?: string;
  readonly alarmNamePrefix?: string;
  readonly secretId?: string;
}

export interface AwsHealthReport {
  readonly results: readonly CheckResult[];
  /** The bot token from the secret, for the Slack checks; never printed. */
  readonly botToken?: string;
}

export class AwsHealthProbe {
  constructor(
    private readonly clients: AwsHealthClients,
    private readonly target: AwsHealthTarget,
    private readonly clock: Clock,
  ) {}

  /** Throws AwsUnreachableError when AWS cannot be reached at all; any other failure is a `?` line. */
  async check(): Promise<AwsHealthReport> {
    const trails = await this.checkTrails();
    const pipeline: CheckResult[] = [];
    for (const logGroup of trails.logGroups) pipeline.push(...(await this.checkLogGroup(logGroup)));
    if (trails.logGroups.length === 0)
      pipeline.push(unknown('log-group', 'the log group', 'no trail names one: pass --log-group NAME'));
    const alarms = await checkAlarms(this.clients.cloudWatch, this.target.alarmNamePrefix, this.clock.now());
    const secret = await checkSlackSecret(this.clients.secrets, this.target.secretId);
    return { results: [...trails.results, ...pipeline, ...alarms, secret.result], botToken: secret.botToken };
  }

  private async checkTrails(): Promise<{ results: CheckResult[]; logGroups: string[] }> {
    const { trail, logGroup } = this.target;
    const given = logGroup ? [logGroup] : [];
    const listed = await attempt('cloudtrail:DescribeTrails', () =>
      this.clients.cloudTrail.send(new DescribeTrailsCommand(trail ? { trailNameList: [trail] } : {})),
    );
    if (!listed.ok) return { results: [unknown('trail', 'the trail', listed.reason)], logGroups: given };
    const all = listed.value.trailList ?? [];
    const chosen = trail
      ? all
      : all.filter((t) => {
          const name = t.CloudWatchLogsLogGroupArn && logGroupNameOfArn(t.CloudWatchLogsLogGroupArn);
          return name !== undefined && (!logGroup || name === logGroup);
        });
    if (chosen.length === 0)
      return { results: [trail ? trailNotFound(trail) : noTrailDelivers(logGroup)], logGroups: given };
    const results: CheckResult[] = [];
    for (const t of chosen) results.push(await this.checkTrailStatus(t));
    const delivered = chosen.flatMap((t) => {
      const name = t.CloudWatchLogsLogGroupArn && logGroupNameOfArn(t.CloudWatchLogsLogGroupArn);
      return name ? [name] : [];
    });
    return { results, logGroups: logGroup ? given : [...new Set(delivered)] };
  }

  private async checkTrailStatus(trail: Trail): Promise<CheckResult> {
    const id = trail.TrailARN ?? trail.Name ?? 'unknown';
    const name = trail.Name ?? id;
    const status = await attempt('cloudtrail:GetTrailStatus', () =>
      this.clients.cloudTrail.send(new GetTrailStatusCommand({ Name: id })),
    );
    if (!status.ok)
      return status.errorName === 'TrailNotFoundException'
        ? trailNotFound(name)
        : unknown(`trail:${name}`, `trail ${name}`, status.reason);
    return judgeTrail({
      name,
      arn: id,
      isLogging: status.value.IsLogging === true,
      latestDeliveryError: status.value.LatestDeliveryError || undefined,
      latestCloudWatchLogsDeliveryError: status.value.LatestCloudWatchLogsDeliveryError || undefined,
    });
  }

  private async checkLogGroup(logGroup: string): Promise<CheckResult[]> {
    const logs = this.clients.logs;
    const groups = await attempt('logs:DescribeLogGroups', () =>
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup })),
    );
    if (!groups.ok) return [unknown(`log-group:${logGroup}`, `log group ${logGroup}`, groups.reason)];
    const exists = (groups.value.logGroups ?? []).some((g) => g.logGroupName === logGroup);
    if (!exists) {
      const why = `log group ${logGroup} does not exist`;
      return [
        judgeLogGroup(logGroup, false),
        unknown(`subscription-filter:${logGroup}`, 'the subscription filter', why),
        unknown(`metric-filters:${logGroup}`, 'the sign-in metric filters', why),
      ];
    }
    const subscriptions = await attempt('logs:DescribeSubscriptionFilters', () =>
      logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: logGroup })),
    );
    const metricFilters = await this.metricFilterNames(logGroup);
    const expectedFilters = SIGNIN_ALARMS.map((a) => prefixedName(this.target.alarmNamePrefix, a.name));
    return [
      judgeLogGroup(logGroup, true),
      subscriptions.ok
        ? judgeSubscriptionFilter(
            logGroup,
            (subscriptions.value.subscriptionFilters ?? []).map((f) => ({
              name: f.filterName ?? '',
              destinationArn: f.destinationArn ?? '',
            })),
            this.target.subscriptionFilter,
          )
        : unknown(`subscription-filter:${logGroup}`, 'the subscription filter', subscriptions.reason),
      metricFilters.ok
        ? judgeMetricFilters(logGroup, expectedFilters, metricFilters.value)
        : unknown(`metric-filters:${logGroup}`, 'the sign-in metric filters', metricFilters.reason),
    ];
  }

  private metricFilterNames(logGroup: string): Promise<AwsAttempt<string[]>> {
    return attempt('logs:DescribeMetricFilters', async () => {
      const names: string[] = [];
      let nextToken: string | undefined;
      // A log group rarely has more than a page; ten pages bound the work on one that does.
      for (let page = 0; page < 10; page += 1) {
        const res = await this.clients.logs.send(
          new DescribeMetricFiltersCommand({ logGroupName: logGroup, nextToken }),
        );
        names.push(...(res.metricFilters ?? []).flatMap((f) => (f.filterName ? [f.filterName] : [])));
        nextToken = res.nextToken;
        if (!nextToken) break;
      }
      return names;
    });
  }
}
