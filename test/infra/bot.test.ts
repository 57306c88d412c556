import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { alarmArn } from '../../infra/names';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { ENV, HEALTH_ENV } from '../../shared/env-keys';
import * as tableSchema from '../../shared/table-schema';
import { TABLE_INDEXES, TABLE_KEYS } from '../../shared/table-schema';
import {
  actionsOf,
  arnOf,
  type BuiltStack,
  buildStack,
  CHANNEL,
  logicalId,
  ref,
  type Statement,
  statementsOfRole,
} from './stacks';

let built: BuiltStack;
let functions: Record<'worker' | 'ingress' | 'sweeper', NodejsFunction>;
beforeAll(() => {
  // The one bundled synth of the suite: local esbuild, no Docker on this machine.
  built = buildStack(
    { routing: { channels: { critical: 'C0SECOPS' } }, retentionDays: 30 },
    { bundle: true },
  );
  const f = built.stack.alerts.functions;
  functions = { worker: f.eventsWorker, ingress: f.slackIngress, sweeper: f.sweeper };
});

const roleId = (fn: NodejsFunction): string => logicalId(fn.role as NonNullable<typeof fn.role>);
const fnProps = (fn: NodejsFunction) => built.template.toJSON().Resources[logicalId(fn)].Properties;

describe('functions', () => {
  it.each(['worker', 'ingress', 'sweeper'] as const)('the %s runs on Node.js 24 on ARM64', (name) => {
    expect(fnProps(functions[name])).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it.each(['worker', 'ingress', 'sweeper'] as const)(
    'the %s is bundled locally into one file with its source map, without the local-only modules',
    (name) => {
      const code = fnProps(functions[name]).Code;
      const assetHash = String(code.S3Key).replace(/\.zip$/, '');
      const dir = path.join(built.app.outdir, `asset.${assetHash}`);
      expect(existsSync(path.join(dir, 'index.js'))).toBe(true);
      expect(existsSync(path.join(dir, 'index.js.map'))).toBe(true);
      const bundle = readFileSync(path.join(dir, 'index.js'), 'utf8');
      // CommonJS: esbuild's cjs wrapper exports through module.exports.
      expect(bundle).toMatch(/module\.exports/);
      // dynalite and tsx are external (local runs only) and not shipped: the bundle must never load them.
      expect(bundle).not.toMatch(/require\(["'](dynalite|tsx)["'/]/);
    },
  );

  it.each(['worker', 'ingress', 'sweeper'] as const)(
    'the %s gets the bot configuration, never the secret (and no responder setting that was not given)',
    (name) => {
      // Only the ingress hands work to the worker.
      const workerName = name === 'ingress' ? { [ENV.workerFunction]: ref(functions.worker) } : {};
      // The worker (cards) and the ingress (/signins) read the geo data layer; the sweeper never looks up.
      const geo = name === 'sweeper' ? {} : { [ENV.geoDir]: '/opt/geo' };
      expect(fnProps(functions[name]).Environment.Variables).toEqual({
        ...workerName,
        ...geo,
        [ENV.table]: ref(built.stack.alerts.state.table),
        [ENV.secretArn]: ref(built.stack.alerts.state.slackSecret),
        [ENV.channel]: CHANNEL,
        [ENV.routing]: JSON.stringify({ channels: { critical: 'C0SECOPS' } }),
        [ENV.escalationTopicArn]: ref(built.stack.alerts.escalationTopic),
        [ENV.retentionDays]: '30',
        [HEALTH_ENV.logGroup]: ref(built.stack.alerts.trail.logGroup),
        [HEALTH_ENV.trail]: arnOf(
          built.stack.alerts.trail.trail as NonNullable<typeof built.stack.alerts.trail.trail>,
        ),
        [HEALTH_ENV.alarmNamePrefix]: '',
        [HEALTH_ENV.subscriptionFilter]: 'signins-events-worker',
        [HEALTH_ENV.failureQueueUrl]: ref(built.stack.alerts.functions.eventsWorkerFailures),
        [HEALTH_ENV.metricsService]: 'signins',
        POWERTOOLS_METRICS_NAMESPACE: 'signins',
        NODE_OPTIONS: '--enable-source-maps',
      });
    },
  );

  it('the ingress has the memory to answer Slack within 3 s from a cold start', () => {
    expect(fnProps(functions.ingress).MemorySize).toBeGreaterThanOrEqual(1024);
  });

  it('the worker keeps failed asynchronous events in a queue after retrying', () => {
    built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(functions.worker),
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: arnOf(built.stack.alerts.functions.eventsWorkerFailures) },
      },
    });
  });

  it('the sweeper runs every minute', () => {
    built.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: arnOf(functions.sweeper) })],
    });
  });
});

describe('Slack ingress URL', () => {
  it('is public: Slack signs its requests and Bolt checks the signature', () => {
    built.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: arnOf(functions.ingress),
    });
  });

  it('may be invoked by anyone through the URL (both permissions a public URL needs)', () => {
    built.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: arnOf(functions.ingress),
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
    built.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(functions.ingress),
      Principal: '*',
    });
  });

  it('is an output, with the slack/events path to paste into the Slack app', () => {
    const outputs = built.template.findOutputs('*');
    const url = Object.values(outputs).find((o) => o.Description?.startsWith('Paste into the Slack app'));
    const urlId = logicalId(built.stack.alerts.functions.slackIngressUrl);
    expect(url?.Value).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'slack/events']],
    });
  });
});

describe('the failure queue', () => {
  it('is an output, for signins redrive', () => {
    const outputs = built.template.findOutputs('FailureQueueUrl');
    expect(Object.values(outputs)[0]?.Value).toEqual({
      Ref: logicalId(built.stack.alerts.functions.eventsWorkerFailures),
    });
  });
});

describe('permissions', () => {
  const allStatements = (): { role: string; statement: Statement }[] =>
    Object.values(built.template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).flatMap((role) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
          role: role.Ref,
          statement,
        })),
      ),
    );

  it('exactly the three function roles may read the Slack secret', () => {
    const secret = ref(built.stack.alerts.state.slackSecret);
    const readers = allStatements()
      .filter(({ statement }) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))
      .filter(({ statement }) => JSON.stringify(statement.Resource) === JSON.stringify(secret))
      .map(({ role }) => role);
    expect(readers.sort()).toEqual(Object.values(functions).map(roleId).sort());
    // Nobody else may read it through a wildcard either.
    for (const { statement } of allStatements()) {
      if (actionsOf(statement).some((a) => a.startsWith('secretsmanager:')))
        expect(statement.Resource).toEqual(secret);
    }
  });

  it('no function role holds IAM write permissions or a wildcard action', () => {
    const isIamWrite = (action: string) =>
      action === '*' || /^iam:(\*|(?!Get|List|Simulate|Generate)\w+)/i.test(action);
    for (const fn of Object.values(functions)) {
      const role = built.template.toJSON().Resources[roleId(fn)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      const actions = statementsOfRole(built.template, roleId(fn)).flatMap(actionsOf);
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter(isIamWrite)).toEqual([]);
    }
  });

  const tableStatementsOf = (name: 'worker' | 'ingress' | 'sweeper') =>
    statementsOfRole(built.template, roleId(functions[name])).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );

  it.each([
    ['worker', ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
    ['ingress', ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem']],
    ['sweeper', ['GetItem', 'PutItem', 'UpdateItem']],
  ] as const)(
    'the %s may call %j on the table itself and Query it and each of its indexes by name, and nothing more',
    (name, itemActions) => {
      const table = arnOf(built.stack.alerts.state.table);
      const indexes = TABLE_INDEXES.map((index) => ({ 'Fn::Join': ['', [table, `/index/${index.name}`]] }));
      expect(tableStatementsOf(name)).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: itemActions.map((a) => `dynamodb:${a}`),
          Resource: table,
        }),
        expect.objectContaining({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: [table, ...indexes] }),
      ]);
      const granted = tableStatementsOf(name).flatMap(actionsOf);
      expect(granted.filter((a) => /Scan|Delete|Transact|PartiQL|\*/.test(a))).toEqual([]);
      expect(JSON.stringify(tableStatementsOf(name))).not.toContain('/index/*');
    },
  );

  it('only the worker may read CloudTrail event history, the one action granted on `*`', () => {
    const lookups = (name: 'worker' | 'ingress' | 'sweeper') =>
      statementsOfRole(built.template, roleId(functions[name])).filter((s) =>
        actionsOf(s).includes('cloudtrail:LookupEvents'),
      );
    expect(lookups('worker')).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }),
    ]);
    expect(lookups('ingress')).toEqual([]);
    expect(lookups('sweeper')).toEqual([]);
    const onEverything = statementsOfRole(built.template, roleId(functions.worker)).filter(
      (s) => s.Resource === '*',
    );
    expect(onEverything.flatMap(actionsOf)).toEqual(['cloudtrail:LookupEvents']);
  });

  it.each(['worker', 'ingress', 'sweeper'] as const)(
    'the %s may switch off, switch on and read the actions of the four sign-in alarms, and of no other alarm',
    (name) => {
      const stack = built.stack;
      const fourArns = SIGNIN_ALARMS.map((a) => stack.resolve(alarmArn(stack, a.name)));
      const switching = statementsOfRole(built.template, roleId(functions[name])).filter((s) =>
        actionsOf(s).some((a) => /^cloudwatch:(Disable|Enable)AlarmActions$/.test(a)),
      );
      expect(switching).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: [
            'cloudwatch:DisableAlarmActions',
            'cloudwatch:EnableAlarmActions',
            'cloudwatch:DescribeAlarms',
          ],
          Resource: fourArns,
        }),
      ]);
      expect(JSON.stringify(fourArns)).not.toContain('*');
    },
  );

  it('the ingress may invoke the events worker (its unqualified ARN), and no other function', () => {
    const lambdaStatements = statementsOfRole(built.template, roleId(functions.ingress)).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('lambda:')),
    );
    expect(lambdaStatements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: arnOf(functions.worker),
      }),
    ]);
    for (const name of ['worker', 'sweeper'] as const) {
      const actions = statementsOfRole(built.template, roleId(functions[name])).flatMap(actionsOf);
      expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual([]);
    }
  });

  it('the worker and the sweeper may publish to the escalation topic (and use its key), the ingress nowhere', () => {
    const topic = ref(built.stack.alerts.escalationTopic);
    const key = built.stack.alerts.escalationTopic.masterKey as NonNullable<
      typeof built.stack.alerts.escalationTopic.masterKey
    >;
    for (const name of ['worker', 'sweeper'] as const) {
      const statements = statementsOfRole(built.template, roleId(functions[name]));
      const publish = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
      expect(publish).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: topic }),
      ]);
      const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kms.map((s) => s.Resource)).toEqual([arnOf(key)]);
      expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
    const ingress = statementsOfRole(built.template, roleId(functions.ingress)).flatMap(actionsOf);
    expect(ingress.filter((a) => a.startsWith('sns:') || a.startsWith('kms:'))).toEqual([]);
  });

  it('only the sweeper may read what the health checks read, and nothing it could change', () => {
    const readOnly = /^(cloudtrail:(GetTrailStatus|DescribeTrails)|logs:Describe\w+|cloudwatch:Describe\w+)$/;
    // Apart from the sign-in alarms' switches, which every function has (tested above).
    const health = (name: 'worker' | 'ingress' | 'sweeper') =>
      statementsOfRole(built.template, roleId(functions[name]))
        .filter((s) => !actionsOf(s).includes('cloudwatch:DisableAlarmActions'))
        .flatMap(actionsOf)
        .filter((a) => /^(cloudtrail:(?!LookupEvents)|cloudwatch:)|^logs:Describe/.test(a));
    expect(health('worker')).toEqual([]);
    expect(health('ingress')).toEqual([]);
    expect(health('sweeper').sort()).toEqual(
      [
        'cloudtrail:DescribeTrails',
        'cloudtrail:GetTrailStatus',
        'cloudwatch:DescribeAlarmHistory',
        'cloudwatch:DescribeAlarms',
        'logs:DescribeLogGroups',
        'logs:DescribeMetricFilters',
        'logs:DescribeSubscriptionFilters',
      ].sort(),
    );
    expect(health('sweeper').every((a) => readOnly.test(a))).toBe(true);
    const trailStatus = statementsOfRole(built.template, roleId(functions.sweeper)).find((s) =>
      actionsOf(s).includes('cloudtrail:GetTrailStatus'),
    );
    expect(trailStatus?.Resource).toEqual(
      arnOf(built.stack.alerts.trail.trail as NonNullable<typeof built.stack.alerts.trail.trail>),
    );
  });
});

describe('state', () => {
  it('keeps the table on demand, recoverable, expiring and retained, with the shared keys and indexes', () => {
    built.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      },
    });
    const attributes = built.template.toJSON().Resources[logicalId(built.stack.alerts.state.table)].Properties
      .AttributeDefinitions as { AttributeType: string }[];
    // Each key attribute once, however many indexes share it (byUser and byIp sort on byTime's key).
    const keys = new Set([
      TABLE_KEYS.partitionKey,
      TABLE_KEYS.sortKey,
      ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
    ]);
    expect(attributes).toHaveLength(keys.size);
    expect(attributes.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('has every index shared/table-schema.ts defines (byUser and byIp included), so no query meets a missing one', () => {
    const defined = Object.entries(tableSchema)
      .filter(([name]) => name.endsWith('_INDEX'))
      .map(([, index]) => (index as { name: string }).name);
    const table = built.template.toJSON().Resources[logicalId(built.stack.alerts.state.table)];
    const deployed = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(
      (i) => i.IndexName,
    );
    expect(defined).toEqual(expect.arrayContaining(['byTime', 'pending', 'byUser', 'byIp']));
    expect(deployed.sort()).toEqual(defined.sort());
  });

  it('creates the Slack secret with a random placeholder, never a value in the template', () => {
    built.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.anyValue(),
      SecretString: Match.absent(),
    });
  });

  it('outputs the topics, table and secret a user needs after deploying', () => {
    const values = Object.values(built.template.findOutputs('*')).map((o) => JSON.stringify(o.Value));
    const expected = [
      ...built.stack.alerts.alarms.alarms.map((a) => ref(a.topic)),
      ref(built.stack.alerts.escalationTopic),
      ref(built.stack.alerts.state.table),
      ref(built.stack.alerts.state.slackSecret),
    ];
    for (const value of expected) expect(values).toContain(JSON.stringify(value));
  });
});

describe('an existing secret', () => {
  it('is passed by ARN and only read, never created', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack/signins-AbCdEf';
    const { stack, template } = buildStack({}, { existingSecret: arn });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const ingress = template.toJSON().Resources[logicalId(stack.alerts.functions.slackIngress)];
    expect(ingress.Properties.Environment.Variables[ENV.secretArn]).toBe(arn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: arn,
          }),
        ]),
      },
    });
  });
});
