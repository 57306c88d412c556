import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../shared/alarms';
import {
  HEALTH_ALARMS,
  type HealthAlarmKey,
  logPipelineTamperPattern,
  TRAIL_TAMPER_PATTERN,
} from '../shared/health-alarms';
import { BOT_METRIC_NAMESPACE, BOT_METRICS, type BotMetricName } from '../shared/metrics';
import { withPrefix } from './names';
import { allowAlarmsToPublish } from './topics';

/** Default for `deadManHours`: hours without any event in the trail's log group before the dead-man fires. */
export const DEFAULT_DEAD_MAN_HOURS = 6;

export interface PipelineHealthAlarmsProps {
  /** Log group the trail delivers to. */
  readonly logGroup: logs.ILogGroup;
  /** The bot's functions (errors, throttles) and the worker's failure queue. */
  readonly functions: {
    readonly eventsWorker: lambda.IFunction;
    readonly slackIngress: lambda.IFunction;
    readonly sweeper: lambda.IFunction;
    readonly eventsWorkerFailures: sqs.IQueue;
  };
  /** Name of the subscription filter that feeds the events worker (its delivery errors are watched). */
  readonly subscriptionFilterName: string;
  /** The `service` dimension of the bot's own metrics (POWERTOOLS_SERVICE_NAME). */
  readonly metricsService: string;
  /** Topic every health alarm notifies. */
  readonly topic: sns.Topic;
  /**
   * Prefix of alarm, metric filter and metric names.
   * @default - none
   */
  readonly namePrefix?: string;
  /**
   * Consecutive hours without a single event in the log group before the dead-man alarm fires (1–24).
   * @default 6
   */
  readonly deadManHours?: number;
}

interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly periods?: number;
  readonly missing: cloudwatch.TreatMissingData;
}

const AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const FIVE_MINUTES = Duration.minutes(5);
// Metrics that exist only when something happens (Lambda errors, tamper events, bot counters): no data is good news.
const QUIET_IS_FINE = cloudwatch.TreatMissingData.NOT_BREACHING;
// Metrics that must keep arriving (log events, the sweeper's per-minute gauge): silence is the failure.
const SILENCE_IS_FAILURE = cloudwatch.TreatMissingData.BREACHING;

/**
 * What watches the watcher (shared/health-alarms.ts): trail and log-pipeline tampering, a dead-man on the log
 * group, and the bot's own health. Every alarm notifies one topic, which mails and texts people directly, so the
 * alert does not depend on the part that broke.
 */
export class PipelineHealthAlarms extends Construct {
  readonly alarms: Readonly<Record<HealthAlarmKey, cloudwatch.Alarm>>;
  readonly tamperFilters: readonly logs.MetricFilter[];

  constructor(scope: Construct, id: string, props: PipelineHealthAlarmsProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const tamperMetric = (filterId: string, name: string, metricName: string, pattern: string) =>
      new logs.MetricFilter(this, filterId, {
        logGroup: props.logGroup,
        filterName: withPrefix(prefix, name),
        filterPattern: logs.FilterPattern.literal(pattern),
        metricNamespace: METRIC_NAMESPACE,
        metricName: withPrefix(prefix, metricName),
        metricValue: '1',
        defaultValue: 0,
      });
    const trailTamper = tamperMetric(
      'TrailTamperFilter',
      'signins-trail-tampering',
      'TrailTampering',
      TRAIL_TAMPER_PATTERN,
    );
    const logTamper = tamperMetric(
      'LogPipelineTamperFilter',
      'signins-log-pipeline-tampering',
      'LogPipelineTampering',
      logPipelineTamperPattern(props.logGroup.logGroupName),
    );
    this.tamperFilters = [trailTamper, logTamper];

    const botMetric = (metricName: BotMetricName, statistic: string, period = FIVE_MINUTES) =>
      new cloudwatch.Metric({
        namespace: BOT_METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.metricsService },
        statistic,
        period,
      });
    const fnMetric = (fn: lambda.IFunction, which: 'errors' | 'throttles'): cloudwatch.IMetric =>
      which === 'errors'
        ? fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })
        : fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const onceIn = (metric: cloudwatch.IMetric): AlarmSpec => ({
      metric,
      threshold: 1,
      comparison: AT_LEAST,
      missing: QUIET_IS_FINE,
    });
    const { eventsWorker, slackIngress, sweeper, eventsWorkerFailures } = props.functions;
    const deadManHours = props.deadManHours ?? DEFAULT_DEAD_MAN_HOURS;
    // CloudWatch caps an alarm's evaluation range at one day.
    if (!Number.isInteger(deadManHours) || deadManHours < 1 || deadManHours > 24) {
      throw new Error(`deadManHours must be a whole number from 1 to 24, got ${deadManHours}`);
    }

    const specs: Record<HealthAlarmKey, AlarmSpec> = {
      trailTampering: onceIn(
        trailTamper.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1) }),
      ),
      logPipelineTampering: onceIn(
        logTamper.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1) }),
      ),
      // A switched-off trail, a deleted log group or a broken delivery role all look like silence.
      noLogEvents: {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Logs',
          metricName: 'IncomingLogEvents',
          dimensionsMap: { LogGroupName: props.logGroup.logGroupName },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
        }),
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        periods: deadManHours,
        missing: SILENCE_IS_FAILURE,
      },
      workerErrors: onceIn(fnMetric(eventsWorker, 'errors')),
      workerThrottles: onceIn(fnMetric(eventsWorker, 'throttles')),
      ingressErrors: onceIn(fnMetric(slackIngress, 'errors')),
      ingressThrottles: onceIn(fnMetric(slackIngress, 'throttles')),
      sweeperErrors: onceIn(fnMetric(sweeper, 'errors')),
      sweeperThrottles: onceIn(fnMetric(sweeper, 'throttles')),
      // SQS stops reporting an idle queue after hours; an idle failure queue is the good case.
      failureQueue: onceIn(
        eventsWorkerFailures.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: FIVE_MINUTES,
        }),
      ),
      subscriptionDeliveryErrors: onceIn(
        new cloudwatch.Metric({
          namespace: 'AWS/Logs',
          metricName: 'DeliveryErrors',
          dimensionsMap: {
            LogGroupName: props.logGroup.logGroupName,
            DestinationType: 'Lambda',
            FilterName: props.subscriptionFilterName,
          },
          statistic: cloudwatch.Stats.SUM,
          period: FIVE_MINUTES,
        }),
      ),
      // The sweeper reports this gauge every minute (0 when nothing waits): no data means no sweeper.
      pendingAlertAge: {
        metric: botMetric(BOT_METRICS.oldestPendingAlertAge, cloudwatch.Stats.MAXIMUM, Duration.minutes(15)),
        threshold: 900,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        missing: SILENCE_IS_FAILURE,
      },
      abandonedAlerts: onceIn(botMetric(BOT_METRICS.abandonedAlerts, cloudwatch.Stats.SUM)),
      slackTokenRefused: onceIn(botMetric(BOT_METRICS.slackTokenRefused, cloudwatch.Stats.SUM)),
      healthCheckFailed: onceIn(botMetric(BOT_METRICS.healthCheckFailures, cloudwatch.Stats.SUM)),
    };

    const action = new actions.SnsAction(props.topic);
    const alarms = {} as Record<HealthAlarmKey, cloudwatch.Alarm>;
    const names: string[] = [];
    for (const key of Object.keys(specs) as HealthAlarmKey[]) {
      const spec = specs[key];
      const definition = HEALTH_ALARMS[key];
      const alarmName = withPrefix(prefix, definition.name);
      names.push(alarmName);
      const alarm = new cloudwatch.Alarm(this, key, {
        alarmName,
        alarmDescription: `${definition.meaning} ${definition.action}`,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison,
        evaluationPeriods: spec.periods ?? 1,
        datapointsToAlarm: spec.periods ?? 1,
        treatMissingData: spec.missing,
      });
      alarm.addAlarmAction(action);
      alarms[key] = alarm;
    }
    this.alarms = alarms;
    allowAlarmsToPublish(props.topic, names);
  }
}
