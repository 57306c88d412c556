import { CfnOutput, Fn } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ENV, HEALTH_ENV } from '../shared/env-keys';
import { workerSubscriptionPattern } from '../shared/health-alarms';
import { BOT_METRIC_NAMESPACE } from '../shared/metrics';
import { BotFunctions } from './bot-functions';
import { PipelineHealthAlarms } from './health-alarms';
import { healthCheckStatements } from './health-check-permissions';
import { applyNagSuppressions } from './nag-suppressions';
import { alarmArn, metricsServiceName, withPrefix } from './names';
import { type QuerySettings, querySettingsEnvironment } from './query-settings';
import { type ResponderSettings, responderEnvironment } from './responder-settings';
import { type RoutingInput, routingValue } from './routing-value';
import { SignInAlarms, type SignInAlarmsOptions } from './signin-alarms';
import { BotState } from './state';
import { createNotificationTopic, createTopicKey, type NotificationRecipients } from './topics';
import { SignInTrail, type SignInTrailProps } from './trail';

export interface SignInAlertsProps extends QuerySettings {
  /** Slack channel ID (`C0123…`) the bot posts sign-ins to (SIGNINS_CHANNEL). */
  readonly slackChannel: string;
  /**
   * Routing rules (README "Routing"), as a JSON string or an object; passed to the bot as SIGNINS_ROUTING.
   * @default - none: every alert goes to `slackChannel`
   */
  readonly routing?: RoutingInput;
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
   * People the escalation topic (alerts the bot could not post, escalations) and the pipeline-health topic notify
   * directly, so that they hear of a broken pipeline without the bot.
   * @default - no subscriptions; subscribe later in the console if needed
   */
  readonly escalationRecipients?: NotificationRecipients;
  /**
   * Consecutive hours without any event reaching the trail's log group before the dead-man alarm fires (1–24).
   * @default 6
   */
  readonly deadManHours?: number;
  /**
   * Who may acknowledge and escalate, whom an escalation mentions, who is asked "was this you?" and when an
   * unanswered alert escalates (issue 7); each unset one keeps the bot's default.
   * @default - the bot's defaults: members of the alert's channel respond, successes ask, 30 / 15 minutes
   */
  readonly responders?: ResponderSettings;
  /**
   * Indexes to leave out of this deploy (`byUser`, `byIp`): DynamoDB adds one index per update, so upgrading a
   * table deployed before `/signins` queries takes two deploys (README "Deploy").
   * @default - none: every index
   */
  readonly deferredIndexes?: readonly string[];
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
  /** Every pipeline-health alarm notifies it; the worker turns it into a critical card, SNS mails and texts. */
  readonly healthTopic: sns.Topic;
  readonly health: PipelineHealthAlarms;
  readonly subscriptionFilter: logs.SubscriptionFilter;
  /** Prefix of this installation's alarm, filter and metric names (`alarmNamePrefix`), if any. */
  readonly namePrefix?: string;

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
    this.healthTopic = createNotificationTopic(this, 'HealthTopic', {
      masterKey: topicKey,
      displayName: 'signins pipeline health',
      recipients: props.escalationRecipients,
    });
    this.state = new BotState(this, 'State', {
      slackSecret: props.slackSecret,
      deferredIndexes: props.deferredIndexes,
    });

    const prefix = props.alarms?.namePrefix;
    this.namePrefix = prefix;
    const subscriptionFilterName = withPrefix(prefix, 'signins-events-worker');
    const metricsService = metricsServiceName(prefix);
    const trail = this.trail.trail;
    const routing = routingValue(props.routing);
    const responders = responderEnvironment(props.responders);
    const querySettings = querySettingsEnvironment({
      historyRegions: props.historyRegions,
      maxSilenceDays: props.maxSilenceDays,
    });
    this.functions = new BotFunctions(this, 'Functions', {
      table: this.state.table,
      tableIndexes: this.state.indexNames,
      // From the names, as the topic key's policy does (infra/names.ts): no dependency on the alarm resources.
      signInAlarmArns: this.alarms.alarms.map((a) => alarmArn(this, withPrefix(prefix, a.definition.name))),
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
        ...responders,
        ...querySettings,
        [HEALTH_ENV.logGroup]: this.trail.logGroup.logGroupName,
        ...(trail === undefined ? {} : { [HEALTH_ENV.trail]: trail.trailArn }),
        [HEALTH_ENV.alarmNamePrefix]: prefix ?? '',
        [HEALTH_ENV.subscriptionFilter]: subscriptionFilterName,
        [HEALTH_ENV.metricsService]: metricsService,
        POWERTOOLS_METRICS_NAMESPACE: BOT_METRIC_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    for (const statement of healthCheckStatements(this, {
      logGroup: this.trail.logGroup,
      trail,
      alarmNamePrefix: prefix,
    })) {
      this.functions.sweeper.addToRolePolicy(statement);
    }

    // Alarm notifications, pipeline-health alarms and the raw records (sign-ins and tamper events, which become
    // critical cards) all reach the events worker.
    const worker = this.functions.eventsWorker;
    for (const topic of [...this.alarms.alarms.map((a) => a.topic), this.healthTopic])
      topic.addSubscription(new snsSubscriptions.LambdaSubscription(worker));
    this.subscriptionFilter = new logs.SubscriptionFilter(this, 'SignInSubscription', {
      logGroup: this.trail.logGroup,
      filterName: subscriptionFilterName,
      destination: new logsDestinations.LambdaDestination(worker),
      filterPattern: logs.FilterPattern.literal(workerSubscriptionPattern(this.trail.logGroup.logGroupName)),
    });

    this.health = new PipelineHealthAlarms(this, 'Health', {
      logGroup: this.trail.logGroup,
      functions: this.functions,
      subscriptionFilterName,
      metricsService,
      topic: this.healthTopic,
      namePrefix: prefix,
      deadManHours: props.deadManHours,
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
    new CfnOutput(this, 'FailureQueueUrl', {
      description: 'Events the worker could not store: npx signins redrive --queue-url <this>',
      value: this.functions.eventsWorkerFailures.queueUrl,
    });
    new CfnOutput(this, 'HealthTopicArn', {
      description: 'SNS topic of the pipeline-health alarms (tampering, dead-man, bot health)',
      value: this.healthTopic.topicArn,
    });
    new CfnOutput(this, 'TableName', { value: this.state.table.tableName });
    if (this.trail.bucket) new CfnOutput(this, 'TrailBucketName', { value: this.trail.bucket.bucketName });
    new CfnOutput(this, 'SlackSecretArn', {
      description: 'aws secretsmanager put-secret-value --secret-id <this> --secret-string {"botToken",…}',
      value: this.state.slackSecret.secretArn,
    });
    new CfnOutput(this, 'SlackSecretName', { value: this.state.slackSecret.secretName });
  }
}
