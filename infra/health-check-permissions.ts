import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { SIGNIN_ALARMS } from '../shared/alarms';
import { HEALTH_ALARMS } from '../shared/health-alarms';
import { alarmArn } from './names';

export interface HealthCheckScope {
  /** The trail's log group (subscription and metric filters are read from it). */
  readonly logGroup: logs.ILogGroup;
  /** The trail the stack created; without one the checks look for the trail that feeds the log group. */
  readonly trail?: cloudtrail.Trail;
  /** Prefix of this installation's alarm names. */
  readonly alarmNamePrefix?: string;
}

/** Name patterns of every alarm of one installation: `<prefix>-*`, or the two families' own prefixes. */
export const alarmNamePatterns = (prefix: string | undefined): string[] => {
  if (prefix) return [`${prefix}-*`];
  const family = (name: string) => `${name.split('-').slice(0, 2).join('-')}-*`;
  return [
    ...new Set([
      ...SIGNIN_ALARMS.map((a) => family(a.name)),
      ...Object.values(HEALTH_ALARMS).map((a) => family(a.name)),
    ]),
  ];
};

/**
 * The read-only calls of the hourly health checks (`signins doctor`'s checks, run by the sweeper), each on the
 * narrowest resource the service accepts. `logs:DescribeLogGroups` and `cloudtrail:DescribeTrails` take no
 * resource narrower than the account's log groups / trails.
 */
export const healthCheckStatements = (scope: IConstruct, props: HealthCheckScope): iam.PolicyStatement[] => {
  const stack = Stack.of(scope);
  const anyTrail = stack.formatArn({
    service: 'cloudtrail',
    region: '*',
    resource: 'trail',
    resourceName: '*',
  });
  const anyLogGroup = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [
    new iam.PolicyStatement({
      sid: 'TrailStatus',
      // A trail the stack created is known; an existing log group's trail may live in any region of the account.
      actions: ['cloudtrail:GetTrailStatus'],
      resources: [props.trail?.trailArn ?? anyTrail],
    }),
    new iam.PolicyStatement({
      sid: 'ListTrails',
      actions: ['cloudtrail:DescribeTrails'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ListLogGroups',
      actions: ['logs:DescribeLogGroups'],
      resources: [anyLogGroup],
    }),
    new iam.PolicyStatement({
      sid: 'LogGroupFilters',
      actions: ['logs:DescribeSubscriptionFilters', 'logs:DescribeMetricFilters'],
      resources: [props.logGroup.logGroupArn],
    }),
    new iam.PolicyStatement({
      sid: 'OwnAlarms',
      actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
      resources: alarmNamePatterns(props.alarmNamePrefix).map((pattern) => alarmArn(scope, pattern)),
    }),
  ];
};
