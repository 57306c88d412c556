// What each function may do with the table, CloudTrail event history and the four sign-in alarms: the calls its
// code makes, on the narrowest resources the services accept. Indexes are named one by one (no `/index/*`).
import * as iam from 'aws-cdk-lib/aws-iam';

export type BotFunctionRole = 'worker' | 'ingress' | 'sweeper';

/** Item calls, on the table itself. Query is granted apart, on the table and its indexes. No Scan, no deletes. */
export const TABLE_ITEM_ACTIONS: Readonly<Record<BotFunctionRole, readonly string[]>> = {
  // Stores batches of sign-ins with their rollups and baselines (BatchGet/BatchWrite), claims and posts alerts.
  worker: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
  ],
  // Inside Slack's 3 s: answers /signins from the rollups (BatchGet), makes and ends silences, writes responses.
  ingress: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
  // Retries posts, response timers, silences' alarm switches and end announcements.
  sweeper: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

export interface TableAccess {
  readonly tableArn: string;
  /** Every GSI of the table (BotState.indexNames): the bot queries them all. */
  readonly indexNames: readonly string[];
}

export const tableStatements = (table: TableAccess, role: BotFunctionRole): iam.PolicyStatement[] => [
  new iam.PolicyStatement({
    sid: 'TableItems',
    actions: [...TABLE_ITEM_ACTIONS[role]],
    resources: [table.tableArn],
  }),
  new iam.PolicyStatement({
    sid: 'TableQueries',
    actions: ['dynamodb:Query'],
    resources: [table.tableArn, ...table.indexNames.map((name) => `${table.tableArn}/index/${name}`)],
  }),
];

/**
 * The worker's look-back in CloudTrail event history (a `/signins` window older than the table). LookupEvents
 * has no resource-level permissions: `*` is the only resource it accepts.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 */
export const eventHistoryStatement = (): iam.PolicyStatement =>
  new iam.PolicyStatement({
    sid: 'CloudTrailEventHistory',
    actions: ['cloudtrail:LookupEvents'],
    resources: ['*'],
  });

export const SIGNIN_ALARM_ACTIONS = [
  'cloudwatch:DisableAlarmActions',
  'cloudwatch:EnableAlarmActions',
  'cloudwatch:DescribeAlarms',
] as const;

/**
 * A silence switches the covered sign-in alarms' actions off and on, and `signins doctor` reads them back: on the
 * four alarms' ARNs only, so no silence can quiet the pipeline-health alarms.
 */
export const signInAlarmActionsStatement = (alarmArns: readonly string[]): iam.PolicyStatement =>
  new iam.PolicyStatement({
    sid: 'SilenceSignInAlarms',
    actions: [...SIGNIN_ALARM_ACTIONS],
    resources: [...alarmArns],
  });
