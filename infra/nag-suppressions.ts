// Every cdk-nag (AwsSolutions) finding this construct acknowledges, with why. Kept in the construct so apps that
// embed SignInAlerts get them too. cdk-nag v3 acknowledges each finding by its exact id: RuleId[FindingId].
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { SignInAlerts } from './signin-alerts';

/** `<LogicalId.Arn>` as cdk-nag writes a resource ARN reference in a finding id. */
const arnRef = (element: IConstruct): string => {
  const stack = Stack.of(element);
  return `<${stack.resolve(stack.getLogicalId(element.node.defaultChild as CfnElement))}.Arn>`;
};

export const applyNagSuppressions = (alerts: SignInAlerts): void => {
  if (alerts.trail.bucket) {
    Validations.of(alerts.trail.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only CloudTrail log files written by CloudTrail; the trail itself records who changes ' +
        'the bucket. Server access logs would need a second bucket. Pass trail.bucket to use a logged bucket.',
    });
  }
  if (alerts.state.slackSecret instanceof secretsmanager.Secret) {
    Validations.of(alerts.state.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The Slack bot token and signing secret are issued by Slack and cannot be rotated by a rotation Lambda; ' +
        'they are regenerated in the Slack app settings and stored with put-secret-value (README "Deploy").',
    });
  }
  Validations.of(alerts.functions.eventsWorkerFailures).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself the dead-letter destination (Lambda on-failure destination) of the events worker's " +
      'asynchronous invocations; a DLQ of the DLQ would add nothing.',
  });

  const tableIndexes = `AwsSolutions-IAM5[Resource::${arnRef(alerts.state.table)}/index/*]`;
  for (const fn of [alerts.functions.eventsWorker, alerts.functions.sweeper]) {
    if (!fn.role) continue;
    Validations.of(fn.role).acknowledge({
      id: tableIndexes,
      reason:
        "Table.grant covers the table's own GSIs (byTime, pending), which the bot queries; the wildcard is " +
        'limited to indexes of this one table, and the actions to GetItem, PutItem, UpdateItem and Query.',
    });
  }
};
