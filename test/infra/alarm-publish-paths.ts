// Walks a synthesized template from every CloudWatch alarm action to its SNS topic, the topic's policy and the
// topic's KMS key policy, and says which links would refuse CloudWatch. A small IAM evaluator: enough of the
// policy language for the statements CDK writes (Allow/Deny, Principal, Action, Resource, Condition operators
// String*/Arn*/Bool); anything it cannot evaluate is reported as a problem, never assumed fine.

type Json = unknown;
type Resources = Record<string, { Type: string; Properties?: Record<string, Json> }>;

/** The account and region the checks pretend to deploy to (pseudo parameters resolve to these). */
export const ENV = { partition: 'aws', region: 'eu-west-1', account: '123456789012' } as const;

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
type Request = {
  readonly actions: readonly string[];
  readonly resource: Json;
  readonly context: Readonly<Record<string, string>>;
};

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const glob = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i',
  ).test(value);

/** A template value as a string, resolving pseudo parameters and Fn::Join; undefined when it cannot. */
const resolve = (value: Json): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: string }).Ref;
    if (ref === 'AWS::Partition') return ENV.partition;
    if (ref === 'AWS::Region') return ENV.region;
    if (ref === 'AWS::AccountId') return ENV.account;
    const join = (value as { 'Fn::Join'?: [string, Json[]] })['Fn::Join'];
    if (join) {
      const parts = join[1].map(resolve);
      return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
    }
  }
  return undefined;
};

const conditionHolds = (
  operator: string,
  key: string,
  expected: Json,
  context: Request['context'],
): boolean => {
  const actual = context[key];
  if (actual === undefined) return false;
  const values = asList(expected).map(resolve);
  const test: Record<string, (v: string) => boolean> = {
    StringEquals: (v) => v === actual,
    ArnEquals: (v) => v === actual,
    StringLike: (v) => glob(v, actual),
    ArnLike: (v) => glob(v, actual),
    Bool: (v) => v.toLowerCase() === actual.toLowerCase(),
  };
  const check = test[operator];
  if (!check) throw new Error(`condition operator ${operator} is not understood`);
  return values.some((v) => v !== undefined && check(v));
};

interface Statement {
  Effect: 'Allow' | 'Deny';
  Principal?: Json;
  Action?: string | string[];
  Resource?: Json;
  Condition?: Record<string, Record<string, Json>>;
  [other: string]: Json;
}

const principalIsCloudWatch = (principal: Json, serviceOnly: boolean): boolean => {
  if (principal === '*') return !serviceOnly;
  const p = (principal ?? {}) as { AWS?: Json; Service?: Json };
  if (!serviceOnly && asList(p.AWS as string | string[]).includes('*')) return true;
  return asList(p.Service as string | string[]).includes(CLOUDWATCH);
};

/** Whether `statement` applies to CloudWatch making `request` for `action`. */
const applies = (statement: Statement, action: string, request: Request, serviceOnly: boolean): boolean => {
  for (const unsupported of ['NotAction', 'NotPrincipal', 'NotResource']) {
    if (unsupported in statement) throw new Error(`${unsupported} is not understood`);
  }
  if (!principalIsCloudWatch(statement.Principal, serviceOnly)) return false;
  if (!asList(statement.Action).some((a) => glob(a, action))) return false;
  const resources = asList(statement.Resource as Json[]);
  const resourceMatches = resources.some(
    (r) => r === '*' || JSON.stringify(r) === JSON.stringify(request.resource),
  );
  if (!resourceMatches) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, request.context)),
  );
};

/** Problems with CloudWatch making `request` under `statements` (explicit Allow needed, no matching Deny). */
const evaluate = (what: string, statements: Statement[], request: Request): string[] =>
  request.actions.flatMap((action) => {
    try {
      if (statements.some((s) => s.Effect === 'Deny' && applies(s, action, request, false)))
        return [`${what}: a Deny stops cloudwatch.amazonaws.com from ${action}`];
      if (!statements.some((s) => s.Effect === 'Allow' && applies(s, action, request, true)))
        return [`${what}: no Allow lets cloudwatch.amazonaws.com ${action} for this alarm`];
      return [];
    } catch (error) {
      return [`${what}: ${(error as Error).message}`];
    }
  });

export interface PublishReport {
  /** Alarm → topic links checked. */
  readonly links: number;
  readonly problems: string[];
}

/** Every reason an alarm of `template` could not notify its topics. */
export const alarmPublishProblems = (template: { Resources?: Resources }): PublishReport => {
  const resources = template.Resources ?? {};
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const alarms = ofType('AWS::CloudWatch::Alarm');
  if (alarms.length === 0) return { links: 0, problems: ['the template has no AWS::CloudWatch::Alarm'] };

  let links = 0;
  const problems: string[] = [];
  for (const [alarmId, alarm] of alarms) {
    const name = alarm.Properties?.AlarmName;
    if (typeof name !== 'string') {
      problems.push(`${alarmId}: no fixed AlarmName, so no policy can name it`);
      continue;
    }
    const context = {
      'aws:SourceAccount': ENV.account,
      'aws:SourceArn': `arn:${ENV.partition}:cloudwatch:${ENV.region}:${ENV.account}:alarm:${name}`,
      'aws:SecureTransport': 'true',
    };
    const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((k) =>
      asList(alarm.Properties?.[k] as Json[]),
    );
    if (actions.length === 0) problems.push(`${name}: notifies nobody (no alarm action)`);
    for (const action of actions) {
      links++;
      const topicId = (action as { Ref?: string }).Ref;
      const topic = topicId === undefined ? undefined : resources[topicId];
      if (!topicId || topic?.Type !== 'AWS::SNS::Topic') {
        problems.push(`${name}: action ${JSON.stringify(action)} is not a topic of this template`);
        continue;
      }
      const topicRef = { Ref: topicId };
      const policies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) =>
        asList(p.Properties?.Topics as Json[]).some((t) => JSON.stringify(t) === JSON.stringify(topicRef)),
      );
      if (policies.length === 0)
        problems.push(`${name} → ${topicId}: the topic has no policy allowing CloudWatch`);
      const topicStatements = policies.flatMap(
        ([, p]) => (p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
      );
      problems.push(
        ...evaluate(`${name} → ${topicId} policy`, topicStatements, {
          actions: ['sns:Publish'],
          resource: topicRef,
          context,
        }),
      );

      const keyRef = topic.Properties?.KmsMasterKeyId;
      if (keyRef === undefined) continue;
      const keyId =
        (keyRef as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ??
        (keyRef as { Ref?: string }).Ref;
      const key = keyId === undefined ? undefined : resources[keyId];
      if (!keyId || key?.Type !== 'AWS::KMS::Key') {
        problems.push(
          `${name} → ${topicId}: key ${JSON.stringify(keyRef)} is not a key whose policy CloudWatch passes`,
        );
        continue;
      }
      const keyStatements =
        (key.Properties?.KeyPolicy as { Statement?: Statement[] } | undefined)?.Statement ?? [];
      problems.push(
        ...evaluate(`${name} → ${topicId} → ${keyId} key policy`, keyStatements, {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resource: '*',
          // AWS documents no source condition keys on the KMS calls CloudWatch makes for an encrypted topic (SNS
          // developer guide, "encrypted topics"): a key statement that needs them could refuse every alarm.
          context: { 'aws:SecureTransport': 'true' },
        }),
      );
    }
  }
  return { links, problems };
};
