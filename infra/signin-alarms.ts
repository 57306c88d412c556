import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, SIGNIN_ALARMS, type SignInAlarmDefinition } from '../shared/alarms';
import { withPrefix } from './names';
import { allowAlarmsToPublish, createNotificationTopic, type NotificationRecipients } from './topics';

/** The seeds' alarm names: signin-console-{success,failure}-{root,iam}. */
export type SignInAlarmName =
  `signin-console-${SignInAlarmDefinition['outcome']}-${SignInAlarmDefinition['scope']}`;

/** What a user may change about the alarms. */
export interface SignInAlarmsOptions {
  /**
   * People each alarm's topic notifies directly, keyed by alarm name.
   * @default - no e-mail or SMS subscriptions; only the bot is notified
   */
  readonly recipients?: Partial<Record<SignInAlarmName, NotificationRecipients>>;
  /**
   * Prefix for alarm, metric filter and metric names (`<prefix>-signin-console-…`, `<prefix>-ConsoleSignin…`), for
   * a second copy in one account or when the seeds' hand-made filters of the same name still exist on the log group.
   * @default - no prefix: names exactly as in the seeds
   */
  readonly namePrefix?: string;
  /**
   * CloudWatch namespace of the four metrics.
   * @default 'SigninAlerts'
   */
  readonly metricNamespace?: string;
  /**
   * Alarm period: a sign-in raises its alarm within about one period.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

export interface SignInAlarmsProps extends SignInAlarmsOptions {
  /** Log group the trail delivers to. */
  readonly logGroup: logs.ILogGroup;
  /** Key that encrypts the alarm topics; its policy must let CloudWatch use it. */
  readonly masterKey: kms.IKey;
}

/** One sign-in alarm with its metric filter and topic. */
export interface SignInAlarm {
  readonly definition: SignInAlarmDefinition;
  readonly metricFilter: logs.MetricFilter;
  readonly alarm: cloudwatch.Alarm;
  readonly topic: sns.Topic;
}

/** The seeds' four console sign-in metric filters and alarms, each notifying its own encrypted topic. */
export class SignInAlarms extends Construct {
  readonly alarms: readonly SignInAlarm[];

  constructor(scope: Construct, id: string, props: SignInAlarmsProps) {
    super(scope, id);
    this.alarms = SIGNIN_ALARMS.map((definition) => {
      const name = withPrefix(props.namePrefix, definition.name);
      const metricFilter = new logs.MetricFilter(this, `${definition.name}-filter`, {
        logGroup: props.logGroup,
        filterName: name,
        filterPattern: logs.FilterPattern.literal(definition.filterPattern),
        metricNamespace: props.metricNamespace ?? METRIC_NAMESPACE,
        // Prefixed too: two copies in one account must not count (and alarm on) each other's sign-ins.
        metricName: withPrefix(props.namePrefix, definition.metricName),
        metricValue: '1',
        // A default value (which rules out dimensions) keeps quiet periods at 0, so the alarm is OK, not grey.
        defaultValue: 0,
      });
      const topic = createNotificationTopic(this, `${definition.name}-topic`, {
        masterKey: props.masterKey,
        displayName: name,
        recipients: props.recipients?.[definition.name as SignInAlarmName],
      });
      const alarm = new cloudwatch.Alarm(this, `${definition.name}-alarm`, {
        alarmName: name,
        alarmDescription: `Console sign-in: ${definition.outcome}, ${definition.scope === 'root' ? 'root user' : 'IAM, SSO or federated principal'}`,
        metric: metricFilter.metric({
          statistic: cloudwatch.Stats.SUM,
          period: props.period ?? Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // The default value covers periods with log events; this covers periods with none at all.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(topic));
      allowAlarmsToPublish(topic, [name]);
      return { definition, metricFilter, alarm, topic };
    });
  }
}
