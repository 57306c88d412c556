import { CfnOutput, Fn } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SIGNIN_SUBSCRIPTION_PATTERN } from '../shared/alarms';
import { ENV } from '../shared/env-keys';
import { describeRoutingError, routingSchema } from '../shared/routing';
import { BotFunctions } from './bot-functions';
import { applyNagSuppressions } from './nag-suppressions';
import { SignInAlarms, type SignInAlarmsOptions } from './signin-alarms';
import { BotState } from './state';
import { createNotificationTopic, createTopicKey, type NotificationRecipients } from './topics';
import { SignInTrail, type SignInTrailProps } from './trail';

export interface SignInAlertsProps {
  /** Slack channel ID (`C0123…`) the bot posts sign-ins to (SIGNINS_CHANNEL). */
  readonly slackChannel: string;
  /**
   * Routing rules (README "Routing"), as a JSON string or an object; passed to the bot as SIGNINS_ROUTING.
   * @default - none: every alert goes to `slackChannel`
   */
  readonly routing?: string | Readonly<Record<string, unknown>>;
  /**
   * Days a stored sign-in is kept for queries (SIGNINS_RETENTION_DAYS; DynamoDB TTL deletes it afterwards).
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * The trail, or the existing log group to use instead.
   * @default - a new multi-region trail delivering to a new log group
   */
  readonly trail?: SignInTrailProps;
  /**
   * Alarm names, period and who each alarm topic notifies besides the bot.
   * @default - the seeds' names, one-minute period, no e-mail or SMS subscriptions
   */
  readonly alarms?: SignInAlarmsOptions;
  /**
   * People the escalation topic notifies when the bot escalates an unanswered alert.
   * @default - no subscriptions; subscribe later in the console if needed
   */
  readonly escalationRecipients?: NotificationRecipients;
  /**
   * Existing secret with the Slack credentials (JSON keys botToken and signingSecret).
   * @default - a new secret; put its value after the first deploy
   */
  readonly slackSecret?: secretsmanager.ISecret;
  /**
   * How long the functions' own logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly functionLogRetention?: logs.RetentionDays;
}

// Checked with the bot's own schema at synth time, so a typo fails the deploy, not every invocation.
const routingValue = (routing: SignInAlertsProps['routing']): string | undefined => {
  if (routing === undefined) return undefined;
  const text = typeof routing === 'string' ? routing : JSON.stringify(routing);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`routing must be JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = routingSchema.safeParse(json);
  if (!parsed.success) throw new Error(`routing is invalid ${describeRoutingError(parsed.error)}`);
  return text;
};

/**
 * AWS console sign-in alerts: the CloudTrail → CloudWatch Logs pipeline, the seeds' four alarms and their topics,
 * and the Slack bot (functions, table, secret, escalation topic) that turns them into Slack messages.
 */
export class SignInAlerts extends Construct {
  readonly trail: SignInTrail;
  readonly alarms: SignInAlarms;
  readonly state: BotState;
  readonly functions: BotFunctions;
  readonly escalationTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: SignInAlertsProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 90;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`retentionDays must be a whole number of days ≥ 1, got ${retentionDays}`);
    }
    if (!props.slackChannel)
      throw new Error('slackChannel is required (a Slack channel ID such as C0123ABCD)');

    const topicKey = createTopicKey(this, 'TopicKey');
    this.trail = new SignInTrail(this, 'Trail', props.trail);
    this.alarms = new SignInAlarms(this, 'Alarms', {
      ...props.alarms,
      logGroup: this.trail.logGroup,
      masterKey: topicKey,
    });
    this.escalationTopic = createNotificationTopic(this, 'EscalationTopic', {
      masterKey: topicKey,
      displayName: 'signins escalation',
      recipients: props.escalationRecipients,
    });
    this.state = new BotState(this, 'State', { slackSecret: props.slackSecret });

    const routing = routingValue(props.routing);
    this.functions = new BotFunctions(this, 'Functions', {
      table: this.state.table,
      slackSecret: this.state.slackSecret,
      escalationTopic: this.escalationTopic,
      logRetention: props.functionLogRetention,
      environment: {
        [ENV.table]: this.state.table.tableName,
        [ENV.secretArn]: this.state.slackSecret.secretArn,
        [ENV.channel]: props.slackChannel,
        [ENV.escalationTopicArn]: this.escalationTopic.topicArn,
        [ENV.retentionDays]: String(retentionDays),
        ...(routing === undefined ? {} : { [ENV.routing]: routing }),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    // Alarm notifications and the raw sign-in records both reach the events worker.
    const worker = this.functions.eventsWorker;
    for (const { topic } of this.alarms.alarms)
      topic.addSubscription(new snsSubscriptions.LambdaSubscription(worker));
    new logs.SubscriptionFilter(this, 'SignInSubscription', {
      logGroup: this.trail.logGroup,
      destination: new logsDestinations.LambdaDestination(worker),
      filterPattern: logs.FilterPattern.literal(SIGNIN_SUBSCRIPTION_PATTERN),
    });

    this.addOutputs();
    applyNagSuppressions(this);
  }

  private addOutputs(): void {
    const url = this.functions.slackIngressUrl.url;
    new CfnOutput(this, 'SlackRequestUrl', {
      description: 'Paste into the Slack app as the Interactivity and /signins request URL',
      value: Fn.join('', [url, 'slack/events']),
    });
    new CfnOutput(this, 'SlackIngressFunctionUrl', {
      description: 'Function URL of the Slack ingress',
      value: url,
    });
    for (const { definition, topic } of this.alarms.alarms) {
      const title = (word: string) => `${word[0]?.toUpperCase()}${word.slice(1)}`;
      new CfnOutput(this, `AlarmTopic${title(definition.outcome)}${title(definition.scope)}`, {
        description: `SNS topic of the ${definition.name} alarm`,
        value: topic.topicArn,
      });
    }
    new CfnOutput(this, 'EscalationTopicArn', { value: this.escalationTopic.topicArn });
    new CfnOutput(this, 'TableName', { value: this.state.table.tableName });
    if (this.trail.bucket) new CfnOutput(this, 'TrailBucketName', { value: this.trail.bucket.bucketName });
    new CfnOutput(this, 'SlackSecretArn', {
      description: 'aws secretsmanager put-secret-value --secret-id <this> --secret-string {"botToken",…}',
      value: this.state.slackSecret.secretArn,
    });
    new CfnOutput(this, 'SlackSecretName', { value: this.state.slackSecret.secretName });
  }
}
