import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { SignInsStack, type SignInsStackProps } from '../../infra/signins-stack';
import { CHANNEL, testApp } from './stacks';

// cdk-nag v3 checks the construct tree; no synthesis (and no bundling) is needed.
const VARIANTS: Record<string, SignInsStackProps> = {
  'a new trail, secret and subscriptions': {
    alerts: {
      slackChannel: CHANNEL,
      alarms: {
        recipients: {
          'signin-console-success-root': { emails: ['a@example.com'], smsNumbers: ['+15555550123'] },
        },
      },
      escalationRecipients: { emails: ['b@example.com'] },
    },
  },
  'an existing log group and secret name': {
    existingSecret: 'slack/signins',
    alerts: { slackChannel: CHANNEL, trail: { existingLogGroupName: 'aws-cloudtrail-logs' } },
  },
  'an existing log group with a name prefix': {
    alerts: {
      slackChannel: CHANNEL,
      trail: { existingLogGroupName: 'aws-cloudtrail-logs' },
      alarms: { namePrefix: 'prod' },
    },
  },
  'an organization trail and secret ARN': {
    existingSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf',
    alerts: { slackChannel: CHANNEL, trail: { organizationTrail: true, organizationId: 'o-a1b2c3d4e5' } },
  },
};

const stacks = new Map<string, SignInsStack>();
beforeAll(() => {
  for (const [name, props] of Object.entries(VARIANTS)) {
    stacks.set(name, new SignInsStack(testApp(), 'NagTest', props));
  }
});

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.keys(VARIANTS))('finds no unacknowledged error or warning with %s', (name) => {
    const report = new AwsSolutionsChecks().validateScope(stacks.get(name) as SignInsStack);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('every acknowledgement names one finding and says why', () => {
    const acknowledgements = [...stacks.values()].flatMap((stack) =>
      stack.node
        .findAll()
        .flatMap((c: IConstruct) => c.node.metadata)
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        // aws-cdk-lib stores { 'Annotation::<rule id>': reason }.
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([key, reason]) => ({ id: key.replace(/^annotation::/i, ''), reason })),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length).toBeGreaterThan(60);
    }
  });
});
