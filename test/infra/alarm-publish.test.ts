import { alarmPublishProblems } from './alarm-publish-paths';
import { buildStack } from './stacks';

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary template JSON to break one link at a time
type TemplateJson = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

const VARIANTS = {
  'a new trail': {},
  'an existing log group and a name prefix': {
    trail: { existingLogGroupName: 'aws-cloudtrail-logs' },
    alarms: { namePrefix: 'prod' },
  },
  'an organization trail': { trail: { organizationTrail: true, organizationId: 'o-a1b2c3d4e5' } },
} as const;

const templates = new Map<string, TemplateJson>();
beforeAll(() => {
  for (const [name, props] of Object.entries(VARIANTS)) {
    templates.set(name, buildStack(props).template.toJSON() as TemplateJson);
  }
});

const copy = (): TemplateJson => structuredClone(templates.get('a new trail') as TemplateJson);
const ofType = (t: TemplateJson, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

describe('every alarm can publish to its topics', () => {
  it.each(Object.keys(VARIANTS))('with %s: topic policy and key policy let CloudWatch publish', (name) => {
    const report = alarmPublishProblems(templates.get(name) as TemplateJson);
    expect(report.problems).toEqual([]);
    // Not vacuous: 4 sign-in alarms and 15 pipeline-health alarms, one action each.
    expect(report.links).toBe(19);
  });
});

describe('the structural check', () => {
  it('fails when the template has no alarm at all', () => {
    const t = copy();
    for (const [id, r] of Object.entries(t.Resources))
      if (r.Type === 'AWS::CloudWatch::Alarm') delete t.Resources[id];
    expect(alarmPublishProblems(t).problems).toEqual(['the template has no AWS::CloudWatch::Alarm']);
  });

  it('fails when a topic policy holds only the TLS deny (what enforceSSL alone writes)', () => {
    const t = copy();
    for (const policy of ofType(t, 'AWS::SNS::TopicPolicy')) {
      const doc = policy.Properties.PolicyDocument;
      doc.Statement = doc.Statement.filter((s: { Effect: string }) => s.Effect === 'Deny');
    }
    const { problems } = alarmPublishProblems(t);
    expect(problems).toHaveLength(19);
    expect(problems[0]).toMatch(/no Allow lets cloudwatch\.amazonaws\.com sns:Publish/);
  });

  it('fails when a Deny covers CloudWatch', () => {
    const t = copy();
    const policy = ofType(t, 'AWS::SNS::TopicPolicy')[0];
    policy?.Properties.PolicyDocument.Statement.push({
      Effect: 'Deny',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:*',
      Resource: '*',
    });
    expect(alarmPublishProblems(t).problems.join('\n')).toMatch(/a Deny stops cloudwatch\.amazonaws\.com/);
  });

  it('fails when the key does not let CloudWatch decrypt and generate data keys', () => {
    const t = copy();
    const key = ofType(t, 'AWS::KMS::Key')[0];
    if (!key) throw new Error('no key');
    key.Properties.KeyPolicy.Statement = key.Properties.KeyPolicy.Statement.filter(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service !== 'cloudwatch.amazonaws.com',
    );
    const problems = alarmPublishProblems(t).problems;
    expect(problems.some((p) => /key policy: no Allow .* kms:Decrypt/.test(p))).toBe(true);
    expect(problems.some((p) => /key policy: no Allow .* kms:GenerateDataKey/.test(p))).toBe(true);
  });

  it('fails when the policies name another account or other alarms', () => {
    const t = copy();
    for (const policy of ofType(t, 'AWS::SNS::TopicPolicy')) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        if (s.Condition?.StringEquals) s.Condition.StringEquals['aws:SourceAccount'] = '999999999999';
      }
    }
    expect(alarmPublishProblems(t).problems).toHaveLength(19);
  });

  it('fails when a topic uses the AWS-managed aws/sns key', () => {
    const t = copy();
    for (const topic of ofType(t, 'AWS::SNS::Topic')) topic.Properties.KmsMasterKeyId = 'alias/aws/sns';
    expect(alarmPublishProblems(t).problems[0]).toMatch(/not a key whose policy/);
  });
});
