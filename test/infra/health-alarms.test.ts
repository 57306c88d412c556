import { Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { ALERT_LEASE_MS } from '../../shared/timeouts';
import { arnOf, type BuiltStack, buildStack, ref } from './stacks';

let built: BuiltStack;
beforeAll(() => {
  built = buildStack({
    deadManHours: 4,
    escalationRecipients: { emails: ['oncall@example.com'], smsNumbers: ['+15555550199'] },
  });
});

const alarmNamed = (template: BuiltStack['template'], name: string) => {
  const found = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties;
};

describe('pipeline-health alarms', () => {
  it('exist for every health alarm the bot knows how to explain, each notifying the health topic', () => {
    for (const definition of Object.values(HEALTH_ALARMS)) {
      const alarm = alarmNamed(built.template, definition.name);
      expect(alarm.AlarmActions).toEqual([ref(built.stack.alerts.healthTopic)]);
      expect(alarm.AlarmDescription).toBe(`${definition.meaning} ${definition.action}`);
    }
  });

  it.each([
    [
      'trail-tampering',
      'TrailTampering',
      () =>
        '{ (($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "PutEventSelectors"))) }',
    ],
    [
      'log-pipeline-tampering',
      'LogPipelineTampering',
      // Only the trail's own log group (a token here: CloudFormation names it).
      () =>
        built.stack.resolve(
          `{ (($.eventSource = "logs.amazonaws.com") && ($.requestParameters.logGroupName = "${built.stack.alerts.trail.logGroup.logGroupName}") && (($.eventName = "DeleteLogGroup") || ($.eventName = "DeleteSubscriptionFilter") || ($.eventName = "PutSubscriptionFilter") || ($.eventName = "DeleteMetricFilter"))) }`,
        ),
    ],
  ])('%s fires on one matching CloudTrail event within a minute', (name, metricName, pattern) => {
    built.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: ref(built.stack.alerts.trail.logGroup),
      FilterName: `signins-${name}`,
      FilterPattern: pattern(),
      MetricTransformations: [
        { MetricNamespace: 'SigninAlerts', MetricName: metricName, MetricValue: '1', DefaultValue: 0 },
      ],
    });
    expect(alarmNamed(built.template, `signins-health-${name}`)).toMatchObject({
      Namespace: 'SigninAlerts',
      MetricName: metricName,
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('the dead-man fires after N silent hours in the log group, and silence itself counts (a switched-off trail)', () => {
    expect(alarmNamed(built.template, 'signins-health-no-log-events')).toMatchObject({
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: ref(built.stack.alerts.trail.logGroup) }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 4,
      DatapointsToAlarm: 4,
      TreatMissingData: 'breaching',
    });
  });

  it('the dead-man waits 6 hours unless told otherwise, and refuses more than a day', () => {
    const defaults = buildStack();
    expect(alarmNamed(defaults.template, 'signins-health-no-log-events').EvaluationPeriods).toBe(6);
    expect(() => buildStack({ deadManHours: 25 })).toThrow(
      /deadManHours must be a whole number from 1 to 24/,
    );
  });

  it.each([
    ['worker', 'eventsWorker'],
    ['ingress', 'slackIngress'],
    ['sweeper', 'sweeper'],
  ] as const)('the %s: any error or throttle in five minutes', (name, fn) => {
    for (const [suffix, metric] of [
      ['errors', 'Errors'],
      ['throttles', 'Throttles'],
    ]) {
      expect(alarmNamed(built.template, `signins-health-${name}-${suffix}`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: ref(built.stack.alerts.functions[fn]) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('the failure queue holding any event', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signins-health-failure-queue',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('EventsWorkerFailures'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it("CloudWatch Logs failing to deliver to the worker through this stack's subscription filter", () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signins-health-subscription-delivery-errors',
      Namespace: 'AWS/Logs',
      MetricName: 'DeliveryErrors',
      Dimensions: [
        { Name: 'DestinationType', Value: 'Lambda' },
        { Name: 'FilterName', Value: 'signins-events-worker' },
        { Name: 'LogGroupName', Value: ref(built.stack.alerts.trail.logGroup) },
      ],
      Threshold: 1,
    });
  });

  it("the bot's own metrics: an alert waiting over 15 minutes (or no sweeper reporting), give-ups, token refused, failed checks", () => {
    const service = [{ Name: 'service', Value: 'signins' }];
    expect(alarmNamed(built.template, 'signins-health-pending-alert-age')).toMatchObject({
      Namespace: 'signins',
      MetricName: 'OldestPendingAlertAgeSeconds',
      Dimensions: service,
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
    for (const [name, metric] of [
      ['abandoned-alerts', 'AbandonedAlerts'],
      ['slack-token-refused', 'SlackTokenRefused'],
      ['health-check-failed', 'HealthCheckFailures'],
    ]) {
      expect(alarmNamed(built.template, `signins-health-${name}`)).toMatchObject({
        Namespace: 'signins',
        MetricName: metric,
        Dimensions: service,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });
});

describe('health topic', () => {
  it('is encrypted, feeds the events worker (a critical card) and mails and texts people directly', () => {
    const topic = built.stack.alerts.healthTopic;
    built.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'signins pipeline health',
      KmsMasterKeyId: Match.anyValue(),
    });
    for (const [protocol, endpoint] of [
      ['lambda', arnOf(built.stack.alerts.functions.eventsWorker)],
      ['email', 'oncall@example.com'],
      ['sms', '+15555550199'],
    ]) {
      built.template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: ref(topic),
        Protocol: protocol,
        Endpoint: endpoint,
      });
    }
  });

  it('is an output', () => {
    const values = Object.values(built.template.findOutputs('*')).map((o) => JSON.stringify(o.Value));
    expect(values).toContain(JSON.stringify(ref(built.stack.alerts.healthTopic)));
  });
});

describe('the subscription filter pattern', () => {
  it('is what CloudWatch Logs’ own pattern builder writes for sign-ins or tamper events, under its 1024-character limit', () => {
    const eq = (field: string, value: string) => logs.FilterPattern.stringValue(field, '=', value);
    const events = (source: string, names: string[], ...more: logs.JsonPattern[]) =>
      logs.FilterPattern.all(
        eq('$.eventSource', source),
        ...more,
        logs.FilterPattern.any(...names.map((n) => eq('$.eventName', n))),
      );
    const expected = (logGroupName: string) =>
      logs.FilterPattern.any(
        eq('$.eventSource', 'signin.amazonaws.com'),
        events('cloudtrail.amazonaws.com', [
          'StopLogging',
          'DeleteTrail',
          'UpdateTrail',
          'PutEventSelectors',
        ]),
        events(
          'logs.amazonaws.com',
          ['DeleteLogGroup', 'DeleteSubscriptionFilter', 'PutSubscriptionFilter', 'DeleteMetricFilter'],
          eq('$.requestParameters.logGroupName', logGroupName),
        ),
      ).logPatternString;
    const actual = Object.values(built.template.findResources('AWS::Logs::SubscriptionFilter'))[0]?.Properties
      .FilterPattern;
    expect(actual).toEqual(built.stack.resolve(expected(built.stack.alerts.trail.logGroup.logGroupName)));
    // CloudFormation names a log group with fewer than 100 characters.
    expect(expected('x'.repeat(100)).length).toBeLessThanOrEqual(1024);
  });

  it('watches changes to its own log group only, and every trail', () => {
    const existing = buildStack({ trail: { existingLogGroupName: 'aws-cloudtrail-logs-123' } });
    const pattern = Object.values(existing.template.findResources('AWS::Logs::SubscriptionFilter'))[0]
      ?.Properties.FilterPattern as string;
    expect(pattern).toContain('($.requestParameters.logGroupName = "aws-cloudtrail-logs-123")');
    expect(pattern).toContain('($.eventName = "StopLogging")');
  });
});

describe('a name prefix', () => {
  it('prefixes the metric names too, so two copies in one account do not fire each other’s alarms', () => {
    const prefixed = buildStack({ alarms: { namePrefix: 'prod' } });
    const filters = Object.values(prefixed.template.findResources('AWS::Logs::MetricFilter'));
    const metricNames = filters.map((f) => f.Properties.MetricTransformations[0].MetricName as string);
    expect(metricNames).toHaveLength(6);
    expect(metricNames.every((n) => n.startsWith('prod-'))).toBe(true);
    for (const alarm of Object.values(prefixed.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmName).toMatch(/^prod-/);
      if (alarm.Properties.Namespace === 'SigninAlerts')
        expect(alarm.Properties.MetricName).toMatch(/^prod-/);
      if (alarm.Properties.Namespace === 'signins')
        expect(alarm.Properties.Dimensions).toEqual([{ Name: 'service', Value: 'prod-signins' }]);
    }
    prefixed.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterName: 'prod-signins-events-worker',
    });
  });
});

describe('function timeouts', () => {
  it('are all shorter than the alert lease, so no claim expires while its function may still post', () => {
    const timeouts = Object.values(built.template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Timeout as number,
    );
    expect(timeouts).toHaveLength(3);
    for (const seconds of timeouts) expect(seconds * 1000).toBeLessThan(ALERT_LEASE_MS);
  });
});
