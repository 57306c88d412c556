// Pipeline-health alarms: what watches the watcher. Infra creates one CloudWatch alarm per entry (name
// prefixed like the sign-in alarms); the bot renders a notification of any of them as a critical card that
// says what it means and what to do; the README's "When something breaks" lists the same text.

export interface HealthAlarmDefinition {
  /** Alarm name without the installation's prefix. */
  readonly name: string;
  /** One line: what broke. */
  readonly meaning: string;
  /** One line: what a responder does about it. */
  readonly action: string;
}

const define = (name: string, meaning: string, action: string): HealthAlarmDefinition => ({
  name: `signins-health-${name}`,
  meaning,
  action,
});

export const HEALTH_ALARMS = {
  trailTampering: define(
    'trail-tampering',
    'Someone stopped, deleted or reconfigured a CloudTrail trail (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors).',
    'Find who in CloudTrail event history; if it was not planned, treat it as an incident and run `aws cloudtrail start-logging`.',
  ),
  logPipelineTampering: define(
    'log-pipeline-tampering',
    "Someone deleted or changed the trail's log group, its subscription filter or its metric filters.",
    'Find who in CloudTrail event history; run `signins doctor`, then `npx cdk deploy` to restore what was removed.',
  ),
  noLogEvents: define(
    'no-log-events',
    "No CloudTrail events reached the trail's log group for hours: sign-ins would go unseen.",
    'Run `signins doctor`: check that the trail is logging and still delivers to the log group.',
  ),
  workerErrors: define(
    'worker-errors',
    'The events worker failed: some records could not be stored.',
    "Read the worker's logs; `signins redrive` replays what landed in its failure queue once fixed.",
  ),
  workerThrottles: define(
    'worker-throttles',
    'The events worker was throttled: deliveries are delayed and may land in the failure queue.',
    "Raise the account's Lambda concurrency or the function's reserved concurrency.",
  ),
  ingressErrors: define(
    'ingress-errors',
    'The Slack ingress failed: buttons and /signins answer with an error.',
    "Read the ingress function's logs; check the Slack secret (`signins doctor`).",
  ),
  ingressThrottles: define(
    'ingress-throttles',
    'The Slack ingress was throttled: Slack requests were refused.',
    "Raise the account's Lambda concurrency.",
  ),
  sweeperErrors: define(
    'sweeper-errors',
    'The sweeper failed: alerts that did not reach Slack are not retried.',
    "Read the sweeper's logs; run `signins doctor`.",
  ),
  sweeperThrottles: define(
    'sweeper-throttles',
    'The sweeper was throttled: retries and health checks are not running.',
    "Raise the account's Lambda concurrency.",
  ),
  failureQueue: define(
    'failure-queue',
    'Events the worker could not handle are waiting in its failure queue.',
    'Fix the cause (worker logs), then run `signins redrive` to replay them.',
  ),
  subscriptionDeliveryErrors: define(
    'subscription-delivery-errors',
    'CloudWatch Logs could not deliver sign-in records to the worker.',
    'Check the worker exists and that CloudWatch Logs may invoke it (`signins doctor`); redeploy if not.',
  ),
  pendingAlertAge: define(
    'pending-alert-age',
    'An alert has been waiting more than 15 minutes to reach Slack.',
    'Run `signins doctor` (token, channel membership); the sweeper posts it once Slack accepts it.',
  ),
  abandonedAlerts: define(
    'abandoned-alerts',
    'The bot gave up posting an alert to Slack; it was sent to the escalation topic instead.',
    'Read the escalation mail for the alert; run `signins doctor` to find why Slack refused it.',
  ),
  slackTokenRefused: define(
    'slack-token-refused',
    'Slack refused the bot token (invalid_auth, token_revoked or account_inactive): nothing can be posted.',
    'Reinstall the Slack app, put the new token in the secret, then run `signins doctor`.',
  ),
  healthCheckFailed: define(
    'health-check-failed',
    'The hourly health check found something broken (trail, log group, subscription filter, alarms, Slack).',
    'Run `signins doctor` for the details and the fix.',
  ),
} as const satisfies Record<string, HealthAlarmDefinition>;

export type HealthAlarmKey = keyof typeof HEALTH_ALARMS;

/** The health alarm an alarm name belongs to, with or without an installation prefix. */
export const findHealthAlarm = (alarmName: string): HealthAlarmDefinition | undefined =>
  Object.values(HEALTH_ALARMS).find((a) => alarmName === a.name || alarmName.endsWith(`-${a.name}`));

/** CloudTrail events that stop or blind the trail (metric filter and subscription filter). */
export const TRAIL_TAMPER_EVENTS = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
] as const;
/** CloudWatch Logs events that cut the path from the trail to the bot. */
export const LOG_PIPELINE_TAMPER_EVENTS = [
  'DeleteLogGroup',
  'DeleteSubscriptionFilter',
  'PutSubscriptionFilter',
  'DeleteMetricFilter',
] as const;

const anyOf = (names: readonly string[]): string => names.map((n) => `($.eventName = "${n}")`).join(' || ');

const TRAIL_TAMPER_CLAUSE = `(($.eventSource = "cloudtrail.amazonaws.com") && (${anyOf(TRAIL_TAMPER_EVENTS)}))`;
/**
 * Only changes to the trail's own log group: a CDK deploy or a Lambda clean-up deletes and subscribes other log
 * groups all day, and each would otherwise page someone. Every trail's StopLogging counts, whichever trail.
 */
const logTamperClause = (logGroupName: string): string =>
  `(($.eventSource = "logs.amazonaws.com") && ($.requestParameters.logGroupName = "${logGroupName}") && ` +
  `(${anyOf(LOG_PIPELINE_TAMPER_EVENTS)}))`;

export const TRAIL_TAMPER_PATTERN = `{ ${TRAIL_TAMPER_CLAUSE} }`;
export const logPipelineTamperPattern = (logGroupName: string): string =>
  `{ ${logTamperClause(logGroupName)} }`;
/** The subscription filter: every sign-in event plus the tamper events, which become critical cards. */
export const workerSubscriptionPattern = (logGroupName: string): string =>
  `{ ($.eventSource = "signin.amazonaws.com") || ${TRAIL_TAMPER_CLAUSE} || ${logTamperClause(logGroupName)} }`;
