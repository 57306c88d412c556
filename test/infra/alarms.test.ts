import { Match } from 'aws-cdk-lib/assertions';
import { workerSubscriptionPattern } from '../../shared/health-alarms';
import { arnOf, type BuiltStack, buildStack, ref } from './stacks';

// Written out here, not imported, so a change to shared/alarms.ts has to be made on purpose.
const EXPECTED_PATTERNS: Record<string, string> = {
  'signin-console-success-root':
    '{ ($.eventSource = "signin.amazonaws.com") && ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "Root") && ($.responseElements.ConsoleLogin = "Success") }',
  'signin-console-failure-root':
    '{ ($.eventSource = "signin.amazonaws.com") && ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "Root") && ($.responseElements.ConsoleLogin = "Failure") }',
  'signin-console-success-iam':
    '{ ($.eventSource = "signin.amazonaws.com") && ($.eventName = "ConsoleLogin") && ($.userIdentity.type != "Root") && ($.responseElements.ConsoleLogin = "Success") }',
  'signin-console-failure-iam':
    '{ ($.eventSource = "signin.amazonaws.com") && ($.eventName = "ConsoleLogin") && ($.userIdentity.type != "Root") && ($.responseElements.ConsoleLogin = "Failure") }',
};
const ALARM_NAMES = Object.keys(EXPECTED_PATTERNS);

let built: BuiltStack;
beforeAll(() => {
  built = buildStack({
    alarms: {
      recipients: {
        'signin-console-success-root': { emails: ['sec@example.com'], smsNumbers: ['+15555550123'] },
        'signin-console-failure-iam': { emails: ['sec@example.com'] },
      },
    },
    escalationRecipients: { emails: ['oncall@example.com'], smsNumbers: ['+15555550199'] },
  });
});

const alarmNamed = (name: string) => {
  const found = built.stack.alerts.alarms.alarms.find((a) => a.definition.name === name);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
};

describe('metric filters', () => {
  it.each(ALARM_NAMES)(
    '%s matches its console sign-ins, counts 1 per match, 0 otherwise, without dimensions',
    (name) => {
      built.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterName: name,
        FilterPattern: EXPECTED_PATTERNS[name],
        LogGroupName: ref(built.stack.alerts.trail.logGroup),
        MetricTransformations: [
          {
            MetricNamespace: 'SigninAlerts',
            MetricName: alarmNamed(name).definition.metricName,
            MetricValue: '1',
            DefaultValue: 0,
            Dimensions: Match.absent(),
          },
        ],
      });
    },
  );
});

describe('alarms', () => {
  it.each(ALARM_NAMES)('%s fires on one sign-in in one period and notifies its own topic', (name) => {
    const { definition, topic } = alarmNamed(name);
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: name,
      Namespace: 'SigninAlerts',
      MetricName: definition.metricName,
      Dimensions: Match.absent(),
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(topic)],
    });
  });

  it('each alarm has a topic of its own', () => {
    const topics = new Set(built.stack.alerts.alarms.alarms.map((a) => a.topic));
    expect(topics.size).toBe(4);
  });
});

describe('alarm topics', () => {
  it.each(ALARM_NAMES)('%s topic feeds the events worker', (name) => {
    const { topic } = alarmNamed(name);
    const worker = built.stack.alerts.functions.eventsWorker;
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: ref(topic),
      Endpoint: arnOf(worker),
    });
    built.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(worker),
      Principal: 'sns.amazonaws.com',
      SourceArn: ref(topic),
    });
  });

  it('are encrypted with a rotating key that CloudWatch alarms may use', () => {
    const key = built.stack.alerts.alarms.alarms[0]?.topic.masterKey;
    expect(key).toBeDefined();
    for (const { topic } of built.stack.alerts.alarms.alarms) {
      built.template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: Match.anyValue(),
        KmsMasterKeyId: arnOf(topic.masterKey as NonNullable<typeof key>),
      });
    }
    built.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('mail and text only the people given for that alarm', () => {
    // Direct (non-Lambda) subscriptions of one alarm's topic, as protocol:endpoint.
    const people = (name: string): string[] =>
      Object.values(
        built.template.findResources('AWS::SNS::Subscription', {
          Properties: { TopicArn: ref(alarmNamed(name).topic) },
        }),
      )
        .filter((s) => s.Properties.Protocol !== 'lambda')
        .map((s) => `${s.Properties.Protocol}:${s.Properties.Endpoint}`)
        .sort();
    expect(people('signin-console-success-root')).toEqual(['email:sec@example.com', 'sms:+15555550123']);
    expect(people('signin-console-failure-iam')).toEqual(['email:sec@example.com']);
    expect(people('signin-console-success-iam')).toEqual([]);
    expect(people('signin-console-failure-root')).toEqual([]);
  });
});

describe('subscription filter', () => {
  it('sends sign-in and tamper records from the trail log group to the events worker', () => {
    const worker = built.stack.alerts.functions.eventsWorker;
    built.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: ref(built.stack.alerts.trail.logGroup),
      FilterName: 'signins-events-worker',
      FilterPattern: built.stack.resolve(
        workerSubscriptionPattern(built.stack.alerts.trail.logGroup.logGroupName),
      ),
      DestinationArn: arnOf(worker),
    });
    built.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(worker),
      Principal: 'logs.amazonaws.com',
      SourceArn: arnOf(built.stack.alerts.trail.logGroup),
    });
  });
});

describe('escalation topic', () => {
  it('is encrypted and notifies the given mail and phone', () => {
    const topic = built.stack.alerts.escalationTopic;
    built.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'signins escalation',
      KmsMasterKeyId: Match.anyValue(),
    });
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: ref(topic),
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: ref(topic),
      Protocol: 'sms',
      Endpoint: '+15555550199',
    });
  });
});

describe('alarm name prefix', () => {
  it('prefixes alarm and filter names so a second copy or the hand-made seeds do not collide', () => {
    const prefixed = buildStack({ alarms: { namePrefix: 'prod' } });
    prefixed.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-signin-console-success-root',
    });
    prefixed.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterName: 'prod-signin-console-failure-iam',
    });
  });
});
