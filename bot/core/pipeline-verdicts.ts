// Verdicts on the AWS half of an installation: the trail, its log group and filters, the alarms and what
// their actions did. Facts in (read by bot/adapters/aws-health-probe.ts), one check result out.
import { broken, type CheckResult, ok } from './health-checks';

export interface TrailFacts {
  readonly name: string;
  readonly arn: string;
  readonly isLogging: boolean;
  readonly latestDeliveryError?: string;
  readonly latestCloudWatchLogsDeliveryError?: string;
}

export const judgeTrail = (trail: TrailFacts): CheckResult => {
  const key = `trail:${trail.name}`;
  if (!trail.isLogging)
    return broken(
      key,
      `trail ${trail.name} is not logging: no sign-in is recorded`,
      `find who stopped it in CloudTrail event history, then \`aws cloudtrail start-logging --name ${trail.arn}\``,
    );
  if (trail.latestCloudWatchLogsDeliveryError)
    return broken(
      key,
      `trail ${trail.name} cannot deliver to CloudWatch Logs (${trail.latestCloudWatchLogsDeliveryError})`,
      "the trail's CloudWatch Logs role must allow logs:CreateLogStream and logs:PutLogEvents on the log group; `npx cdk deploy` restores the stack's",
    );
  if (trail.latestDeliveryError)
    return broken(
      key,
      `trail ${trail.name} cannot deliver to its S3 bucket (${trail.latestDeliveryError})`,
      "the bucket policy (and its KMS key, if any) must let cloudtrail.amazonaws.com write; `npx cdk deploy` restores the stack's",
    );
  return ok(key, `trail ${trail.name} is logging and delivering`);
};

/** The name part of a trail name or ARN (`arn:…:trail/NAME`). */
export const trailNameOf = (nameOrArn: string): string => nameOrArn.replace(/^arn:.*:trail\//, '');

export const trailNotFound = (nameOrArn: string): CheckResult => {
  const name = trailNameOf(nameOrArn);
  return broken(
    `trail:${name}`,
    `trail ${name} does not exist`,
    "find who deleted it in CloudTrail event history; `npx cdk deploy` recreates the stack's trail",
  );
};

export const noTrailDelivers = (logGroup: string | undefined): CheckResult =>
  broken(
    'trail',
    logGroup ? `no trail delivers to log group ${logGroup}` : 'no trail delivers to CloudWatch Logs',
    logGroup
      ? 'point a multi-region trail at this log group (or pass --trail NAME if it is in another region)'
      : 'deploy the stack (it creates a trail), or pass --trail NAME / --log-group NAME',
  );

/** The log group name in a trail's `CloudWatchLogsLogGroupArn` (`arn:…:log-group:NAME:*`). */
export const logGroupNameOfArn = (arn: string): string | undefined =>
  /:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1];

// --- the log group, its subscription filter and metric filters ---------------------------------------

export const judgeLogGroup = (name: string, exists: boolean): CheckResult =>
  exists
    ? ok(`log-group:${name}`, `log group ${name} exists`)
    : broken(
        `log-group:${name}`,
        `log group ${name} does not exist: sign-ins reach neither the alarms nor the bot`,
        "find who deleted it in CloudTrail event history; `npx cdk deploy` recreates it (or fix the trail's log group)",
      );

export interface SubscriptionFilterFacts {
  readonly name: string;
  readonly destinationArn: string;
}

const isLambdaArn = (arn: string): boolean => /^arn:[^:]+:lambda:/.test(arn);

/** The worker's filter: the named one, or else any that sends to a Lambda function. */
export const judgeSubscriptionFilter = (
  logGroup: string,
  filters: readonly SubscriptionFilterFacts[],
  expectedName: string | undefined,
): CheckResult => {
  const key = `subscription-filter:${logGroup}`;
  const found = filters.find((f) => (expectedName ? f.name === expectedName : isLambdaArn(f.destinationArn)));
  if (found) return ok(key, `subscription filter ${found.name} sends ${logGroup} to the bot`);
  return broken(
    key,
    expectedName
      ? `subscription filter ${expectedName} is missing from ${logGroup}: no sign-in reaches the bot`
      : `no subscription filter sends ${logGroup} to a Lambda function: no sign-in reaches the bot`,
    'find who deleted it in CloudTrail event history; `npx cdk deploy` restores it (a log group takes at most two filters)',
  );
};

export const judgeMetricFilters = (
  logGroup: string,
  expected: readonly string[],
  found: readonly string[],
): CheckResult => {
  const missing = expected.filter((name) => !found.includes(name));
  const key = `metric-filters:${logGroup}`;
  if (missing.length === 0)
    return ok(key, `the ${expected.length} sign-in metric filters exist on ${logGroup}`);
  return broken(
    key,
    `metric filters missing from ${logGroup}: ${missing.join(', ')} (their alarms can never fire)`,
    'find who deleted them in CloudTrail event history; `npx cdk deploy` restores them',
  );
};

// --- the alarms -------------------------------------------------------------------------------------

export const judgeAlarmsExist = (expected: readonly string[], found: readonly string[]): CheckResult => {
  const missing = expected.filter((name) => !found.includes(name));
  if (missing.length === 0) return ok('alarms', `the ${expected.length} sign-in and health alarms exist`);
  return broken(
    'alarms',
    `alarms missing: ${missing.join(', ')}`,
    '`npx cdk deploy` recreates them (pass --prefix if the stack was deployed with alarmNamePrefix)',
  );
};

/** One `Action` item of an alarm's history. */
export interface AlarmActionItem {
  readonly alarmName: string;
  readonly timestamp: Date;
  readonly summary: string;
}

export interface AlarmAction {
  readonly alarmName: string;
  readonly target: string;
  readonly failed: boolean;
  readonly error: string | undefined;
  readonly timestamp: Date;
}

// "Failed to execute action arn:aws:sns:…:TOPIC. Received error: "Resource: arn:…:alarm:NAME is not
// authorized to perform: SNS:Publish on resource: …"" (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger)
const ACTION_SUMMARY =
  /^(Failed to execute|Successfully executed) action (\S+?)\.?(?:\s+Received error:\s*(.*))?$/s;

export const parseAlarmAction = (item: AlarmActionItem): AlarmAction | undefined => {
  const match = ACTION_SUMMARY.exec(item.summary.trim());
  if (!match?.[2]) return undefined;
  const error = match[3]?.trim().replace(/^"|"$/g, '');
  return {
    alarmName: item.alarmName,
    target: match[2],
    failed: match[1] === 'Failed to execute',
    error: error || undefined,
    timestamp: item.timestamp,
  };
};

const actionFix = (error: string | undefined, target: string): string => {
  if (error && /not authorized to perform:?\s*SNS:Publish/i.test(error))
    return `the topic policy of ${target} must let cloudwatch.amazonaws.com publish (sns:Publish); \`npx cdk deploy\` with this version adds it, then \`aws cloudwatch set-alarm-state\` to test`;
  if (error && /kms|encryption key/i.test(error))
    return `the KMS key of ${target} must let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*); \`npx cdk deploy\` with this version adds it`;
  return `read the alarm's history in the CloudWatch console and fix ${target}; \`aws cloudwatch set-alarm-state\` tests it`;
};

/** Broken when the newest action of an alarm on a target failed; one line per alarm and target. */
export const judgeAlarmActions = (
  alarmNames: readonly string[],
  items: readonly AlarmActionItem[],
  days: number,
): CheckResult[] => {
  const newest = new Map<string, AlarmAction>();
  for (const action of items.map(parseAlarmAction)) {
    if (!action || !alarmNames.includes(action.alarmName)) continue;
    const id = `${action.alarmName} ${action.target}`;
    const seen = newest.get(id);
    if (!seen || seen.timestamp < action.timestamp) newest.set(id, action);
  }
  const failures = [...newest.values()].filter((a) => a.failed);
  if (failures.length === 0) return [ok('alarm-actions', `no alarm action failed in the last ${days} days`)];
  return failures.map((a) =>
    broken(
      `alarm-action:${a.alarmName}:${a.target}`,
      `alarm ${a.alarmName} could not notify ${a.target}${a.error ? ` (${a.error})` : ''}`,
      actionFix(a.error, a.target),
    ),
  );
};
