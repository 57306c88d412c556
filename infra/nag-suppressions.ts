// Every cdk-nag (AwsSolutions) finding this construct acknowledges, with why. Kept in the construct so apps that
// embed SignInAlerts get them too. cdk-nag v3 acknowledges each finding by its exact id: RuleId[FindingId].
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { alarmNamePatterns } from './health-check-permissions';
import type { SignInAlerts } from './signin-alerts';

/** An ARN in the stack's account and region as cdk-nag writes it in a finding id (`<AWS::Region>` when unknown). */
const nagArn = (scope: IConstruct, service: string, resource: string, region?: string): string => {
  const stack = Stack.of(scope);
  const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:${shown(stack.partition, 'Partition')}:${service}:${region ?? shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:${resource}`;
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

  // The worker's look-back for `/signins` windows older than the table.
  const workerRole = alerts.functions.eventsWorker.role;
  if (workerRole) {
    Validations.of(workerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents (event history of console sign-ins older than the table) has no resource-level ' +
        'permissions: `*` is the only resource IAM accepts for it. It is read-only and the only action on `*`.',
    });
  }

  // Publishing to the escalation topic: Topic.grantPublish adds the key's kms:GenerateDataKey* for that one key.
  const keyActions = 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]';
  for (const fn of [alerts.functions.eventsWorker, alerts.functions.sweeper]) {
    if (!fn.role) continue;
    Validations.of(fn.role).acknowledge({
      id: keyActions,
      reason:
        'Publishing to the KMS-encrypted escalation topic needs GenerateDataKey* (GenerateDataKey and ' +
        'GenerateDataKeyWithoutPlaintext) on the one key of this stack’s topics; no other key is granted.',
    });
  }

  // The sweeper's hourly health checks (signins doctor's checks): read-only calls, as narrow as each service allows.
  const sweeperRole = alerts.functions.sweeper.role;
  if (sweeperRole) {
    const wildcards: [string, string][] = [
      ['Resource::*', 'cloudtrail:DescribeTrails has no resource-level permissions; it is read-only.'],
      [
        `Resource::${nagArn(alerts, 'logs', 'log-group:*')}`,
        'logs:DescribeLogGroups lists log groups and takes no narrower resource than all of this region’s.',
      ],
      ...alarmNamePatterns(alerts.namePrefix).map((pattern): [string, string] => [
        `Resource::${nagArn(alerts, 'cloudwatch', `alarm:${pattern}`)}`,
        'DescribeAlarms and DescribeAlarmHistory on the alarms of this installation only (their shared name prefix).',
      ]),
    ];
    if (!alerts.trail.trail) {
      wildcards.push([
        `Resource::${nagArn(alerts, 'logs', `log-group:${alerts.trail.logGroup.logGroupName}:*`)}`,
        'the ARN of an imported log group ends in :* (its log streams); it names that one log group.',
      ]);
      wildcards.push([
        `Resource::${nagArn(alerts, 'cloudtrail', 'trail/*', '*')}`,
        'With an existing log group the trail that feeds it is not known at deploy time and may live in any ' +
          'region (multi-region trails have a home region); GetTrailStatus is read-only.',
      ]);
    }
    for (const [finding, reason] of wildcards) {
      Validations.of(sweeperRole).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `Read-only health checks (README "When something breaks"): ${reason}`,
      });
    }
  }
};
