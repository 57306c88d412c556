import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DEFAULT_METRICS_SERVICE } from '../shared/metrics';

/** `<prefix>-<name>`, or the name alone: alarm, filter and metric names of one installation. */
export const withPrefix = (prefix: string | undefined, name: string): string =>
  prefix ? `${prefix}-${name}` : name;

/**
 * ARN of an alarm of this stack's account and region, from its name. Built from the name rather than the alarm's
 * own ARN attribute so that the topic key's policy can name the alarms without a dependency cycle
 * (key ← topic ← alarm).
 */
export const alarmArn = (scope: IConstruct, alarmName: string): string =>
  Stack.of(scope).formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: alarmName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** The bot's Powertools service name: the `service` dimension of its metrics, one per installation. */
export const metricsServiceName = (prefix: string | undefined): string =>
  withPrefix(prefix, DEFAULT_METRICS_SERVICE);
