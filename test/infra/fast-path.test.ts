// The EventBridge fast path: the home rule to the events worker, the forwarder stacks of the other regions, the
// permissions each side needs and no more, the context key, and `infra/app.ts` with and without a known region.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { type ContextKey, readContext } from '../../infra/context';
import {
  addFastPathForwarders,
  FastPathError,
  FastPathForwarderStack,
  type FastPathTarget,
} from '../../infra/fast-path';
import { SignInsStack } from '../../infra/signins-stack';
import { actionsOf, arnOf, buildStack, CHANNEL, logicalId, statementsOfRole, testApp } from './stacks';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

let home: SignInsStack;
let homeTemplate: Template;
let forwarders: FastPathForwarderStack[];

beforeAll(() => {
  const app = testApp();
  home = new SignInsStack(app, 'SignInsTest', {
    env: { region: 'us-east-1' },
    alerts: { slackChannel: CHANNEL },
    fastPathRegions: REGIONS,
  });
  forwarders = addFastPathForwarders(app, home, REGIONS);
  homeTemplate = Template.fromStack(home);
});

const fastPath = (): FastPathTarget => home.fastPath as FastPathTarget;
const worker = () => home.alerts.functions.eventsWorker;
const failureQueue = () => home.alerts.functions.eventsWorkerFailures;
const signInRules = (template: Template) =>
  Object.values(
    template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { source: ['aws.signin'] } },
    }),
  );

const SIGN_IN_PATTERN = {
  source: ['aws.signin'],
  'detail-type': ['AWS Console Sign In via CloudTrail'],
  detail: {
    eventSource: ['signin.amazonaws.com'],
    eventName: Match.arrayWith([
      'ConsoleLogin',
      'SwitchRole',
      'PasswordUpdated',
      'ExternalIdPDirectoryLogin',
    ]),
  },
};

describe('the home region', () => {
  it('sends console sign-ins on its default bus to the events worker, with retries and the failure queue', () => {
    homeTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: SIGN_IN_PATTERN,
      Targets: [
        {
          Arn: arnOf(worker()),
          DeadLetterConfig: { Arn: arnOf(failureQueue()) },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          Id: Match.anyValue(),
        },
      ],
    });
    // The default bus: no EventBusName means the account's default bus in this region.
    expect(signInRules(homeTemplate)).toHaveLength(1);
    expect(signInRules(homeTemplate)[0]?.Properties.EventBusName).toBeUndefined();
  });

  it('lets EventBridge invoke the worker from that rule only', () => {
    homeTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(worker()),
      Principal: 'events.amazonaws.com',
      SourceArn: arnOf(fastPath().rule),
    });
  });

  it('lets EventBridge put what it could not deliver in the failure queue, from that rule only', () => {
    homeTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(failureQueue()) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Resource: arnOf(failureQueue()),
            Condition: { ArnEquals: { 'aws:SourceArn': arnOf(fastPath().rule) } },
          }),
        ]),
      },
    });
  });

  it('keeps the CloudWatch Logs path to the worker: the safety net', () => {
    const filters = Object.values(homeTemplate.findResources('AWS::Logs::SubscriptionFilter'));
    expect(filters).toHaveLength(1);
    expect(filters[0]?.Properties.DestinationArn).toEqual(arnOf(worker()));
    expect(JSON.stringify(filters[0]?.Properties.FilterPattern)).toContain('signin.amazonaws.com');
  });

  it('has no sign-in rule without fastPathRegions', () => {
    const { stack, template } = buildStack();
    expect(stack.fastPath).toBeUndefined();
    expect(signInRules(template)).toEqual([]);
  });
});

describe('the other listed regions', () => {
  it('each get a forwarder stack in their region and the same account, deployed after the home stack', () => {
    expect(forwarders.map((f) => [f.stackName, f.region])).toEqual([
      ['SignInsTestFastPath-eu-west-1', 'eu-west-1'],
      ['SignInsTestFastPath-ap-southeast-2', 'ap-southeast-2'],
    ]);
    for (const forwarder of forwarders) {
      expect(forwarder.account).toBe(home.account);
      expect(forwarder.dependencies).toContain(home);
    }
  });

  it.each(['eu-west-1', 'ap-southeast-2'])(
    '%s forwards the same sign-ins to the default bus in the home region',
    (region) => {
      const forwarder = forwarders.find((f) => f.region === region) as FastPathForwarderStack;
      const template = Template.fromStack(forwarder);
      const homeBus = {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':events:us-east-1:',
            { Ref: 'AWS::AccountId' },
            ':event-bus/default',
          ],
        ],
      };
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: SIGN_IN_PATTERN,
        Targets: [{ Arn: homeBus, RoleArn: arnOf(forwarder.role), Id: Match.anyValue() }],
      });
      // Exactly the home rule's pattern, so that what is forwarded is what the home rule takes.
      expect(signInRules(template)[0]?.Properties.EventPattern).toEqual(
        signInRules(homeTemplate)[0]?.Properties.EventPattern,
      );
    },
  );

  it('forwards with a role only EventBridge in this account may assume, allowed events:PutEvents on the home bus only', () => {
    for (const forwarder of forwarders) {
      const template = Template.fromStack(forwarder);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      });
      const statements = statementsOfRole(template, logicalId(forwarder.role));
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Effect).toBe('Allow');
      expect(actionsOf(statements[0] as never)).toEqual(['events:PutEvents']);
      expect(forwarder.resolve(statements[0]?.Resource)).toEqual(forwarder.resolve(forwarder.homeBusArn));
      // Nothing else in the forwarder stack: a rule, its role and the role's policy.
      expect(
        Object.values(template.toJSON().Resources)
          .map((r) => (r as { Type: string }).Type)
          .sort(),
      ).toEqual(['AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    }
  });

  it('cannot be added while the home region is unknown, and names what to set', () => {
    const app = testApp();
    const agnostic = new SignInsStack(app, 'Agnostic', {
      alerts: { slackChannel: CHANNEL },
      fastPathRegions: REGIONS,
    });
    expect(() => addFastPathForwarders(app, agnostic, REGIONS)).toThrow(
      new FastPathError(
        'fastPathRegions needs to know the home region to forward to: give the CDK a region ' +
          '(--profile with a region, or AWS_REGION / CDK_DEFAULT_REGION)',
      ),
    );
  });

  it('refuses a forwarder in the home region itself', () => {
    const app = testApp();
    expect(
      () =>
        new FastPathForwarderStack(app, 'Loop', { env: { region: 'us-east-1' }, homeRegion: 'us-east-1' }),
    ).toThrow(/us-east-1 is the home region/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the home stack with the fast path or in any forwarder', () => {
    const findings = [home, ...forwarders].flatMap((stack: IConstruct) =>
      new AwsSolutionsChecks()
        .validateScope(stack)
        .violations.map(
          (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`,
        ),
    );
    expect(findings).toEqual([]);
  });
});

describe('the fastPathRegions context key', () => {
  const read = (values: Record<string, unknown>) =>
    readContext((key: ContextKey) => values[key], Object.keys(values)).stackProps.fastPathRegions;

  it('reads a comma-separated list or a JSON array, once each', () => {
    expect(read({ channel: CHANNEL, fastPathRegions: 'us-east-1, eu-west-1,eu-west-1' })).toEqual([
      'us-east-1',
      'eu-west-1',
    ]);
    expect(read({ channel: CHANNEL, fastPathRegions: ['us-east-1', 'ap-southeast-2'] })).toEqual([
      'us-east-1',
      'ap-southeast-2',
    ]);
    expect(read({ channel: CHANNEL })).toBeUndefined();
  });

  it.each([
    ['us-east-1,Ireland', '"Ireland" is not one'],
    [['us-east-1', 'EU-WEST-1'], '"EU-WEST-1" is not one'],
    [' , ', '"" is not one'],
  ])('refuses %j in one line', (value, problem) => {
    expect(() => read({ channel: CHANNEL, fastPathRegions: value })).toThrow(
      `fastPathRegions must list AWS region codes, comma-separated (such as us-east-1,eu-west-1); ${problem}`,
    );
  });
});

describe('infra/app.ts with fastPathRegions', () => {
  const repo = path.join(__dirname, '..', '..');
  const synth = (region: string | undefined) => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'signins-fast-path-'));
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'infra/app.ts'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
      // No credentials and no account: as `cdk synth` on a machine without them.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CDK_OUTDIR: outdir,
        ...(region ? { CDK_DEFAULT_REGION: region } : {}),
        CDK_CONTEXT_JSON: JSON.stringify({
          channel: CHANNEL,
          stackName: 'SignInsFastPathTest',
          existingLogGroup: 'aws-cloudtrail-logs',
          fastPathRegions: 'us-east-1,eu-west-1',
          'aws:cdk:bundling-stacks': [],
        }),
      },
    });
    return { result, outdir };
  };

  it('synthesizes the home stack and one forwarder without credentials, cdk-nag enforced', () => {
    const { result, outdir } = synth('us-east-1');
    try {
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.status).toBe(0);
      const templates = readdirSync(outdir)
        .filter((f) => f.endsWith('.template.json'))
        .sort();
      expect(templates).toEqual([
        'SignInsFastPathTest.template.json',
        'SignInsFastPathTestFastPath-eu-west-1.template.json',
      ]);
      const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      const forwarder = manifest.artifacts['SignInsFastPathTestFastPath-eu-west-1'];
      expect(forwarder.environment).toBe('aws://unknown-account/eu-west-1');
      expect(forwarder.dependencies).toContain('SignInsFastPathTest');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 150_000);

  it('says in one line what to set when the home region is unknown', () => {
    const { result, outdir } = synth(undefined);
    rmSync(outdir, { recursive: true, force: true });
    const lines = result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
    expect(lines).toEqual([
      'signins: fastPathRegions needs to know the home region to forward to: give the CDK a region ' +
        '(--profile with a region, or AWS_REGION / CDK_DEFAULT_REGION)',
    ]);
    expect(result.status).toBe(1);
  }, 150_000);
});
