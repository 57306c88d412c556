// `/signins` settings (issue 8) from `-c key=value` to the three functions' environment, the table's indexes
// (and leaving one out for an upgrade), and the 4 KB environment with everything set. Per-key mistakes are in
// context-errors.test.ts.
import { type ContextKey, readContext } from '../../infra/context';
import { DEPLOY_TIME_VALUE_BYTES, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../infra/environment-size';
import { QuerySettingsError } from '../../infra/query-settings';
import { SignInsStack } from '../../infra/signins-stack';
import { DeferredIndexError } from '../../infra/state';
import { ENV } from '../../shared/env-keys';
import { type BuiltStack, buildStack, CHANNEL, logicalId, statementsOfRole, testApp } from './stacks';

const read = (values: Record<string, unknown>) =>
  readContext((key: ContextKey) => values[key], Object.keys(values));

const functionsOf = (built: BuiltStack) => {
  const { eventsWorker, slackIngress, sweeper } = built.stack.alerts.functions;
  return [eventsWorker, slackIngress, sweeper];
};

const environments = (built: BuiltStack): Record<string, unknown>[] =>
  functionsOf(built).map(
    (fn) => built.template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables,
  );

describe('query settings', () => {
  it('reach all three functions from the context, as typed on the command line', () => {
    const { stackProps } = read({
      channel: CHANNEL,
      historyRegions: 'us-east-1, eu-west-1,eu-central-1,eu-west-1',
      maxSilenceDays: '14',
    });
    for (const env of environments(buildStack(stackProps.alerts))) {
      expect(env).toMatchObject({
        [ENV.historyRegions]: 'us-east-1,eu-west-1,eu-central-1',
        [ENV.maxSilenceDays]: '14',
      });
    }
  });

  it('take a JSON list and a number from cdk.json', () => {
    const { stackProps } = read({
      channel: CHANNEL,
      historyRegions: ['us-east-1', 'ap-southeast-2'],
      maxSilenceDays: 3,
    });
    expect(stackProps.alerts).toMatchObject({
      historyRegions: ['us-east-1', 'ap-southeast-2'],
      maxSilenceDays: 3,
    });
  });

  it('set nothing when not given, so the bot keeps its defaults (us-east-1 and its own region, 7 days)', () => {
    const { stackProps } = read({ channel: CHANNEL });
    for (const env of environments(buildStack(stackProps.alerts))) {
      expect(env).not.toHaveProperty(ENV.historyRegions);
      expect(env).not.toHaveProperty(ENV.maxSilenceDays);
    }
  });

  it('are checked for construct users too, not only on the command line', () => {
    const build = (props: { historyRegions?: string[]; maxSilenceDays?: number }) => () =>
      new SignInsStack(testApp(), 'QueryCheck', { alerts: { slackChannel: CHANNEL, ...props } });
    expect(build({ historyRegions: ['Ireland'] })).toThrow(QuerySettingsError);
    expect(build({ historyRegions: [] })).toThrow(/historyRegions must list AWS region codes/);
    expect(build({ maxSilenceDays: 120 })).toThrow(/maxSilenceDays must be a whole number from 1 to 90/);
  });

  it('keep the environment within Lambda’s 4 KB with every region and setting given', () => {
    const regions = [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'ca-central-1',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'ap-south-1',
      'ap-south-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-east-1',
      'sa-east-1',
      'me-south-1',
      'me-central-1',
      'af-south-1',
      'il-central-1',
    ];
    const iamUsers = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`user${i}`, `U0USER${i}`]));
    const built = buildStack({
      historyRegions: regions,
      maxSilenceDays: 90,
      alarms: { namePrefix: 'production-signins' },
      routing: { channels: { critical: 'C0SECOPS', high: 'C0SECHIGH' } },
      responders: { responders: ['U0ALICE', 'S0OPS'], oncall: 'S0OPS', identityMap: { iamUsers } },
    });
    // The construct checks it at synth (checkEnvironmentSize) and would have thrown; this counts the template's.
    for (const env of environments(built)) {
      expect(env[ENV.historyRegions]).toBe(regions.join(','));
      const bytes = Object.entries(env).reduce(
        (total, [name, value]) =>
          total +
          Buffer.byteLength(name) +
          (typeof value === 'string' ? Buffer.byteLength(value) : DEPLOY_TIME_VALUE_BYTES),
        0,
      );
      expect(bytes).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    }
  });
});

describe('table indexes for an upgrade', () => {
  it('leave out the deferred index from the table and from every function’s queries', () => {
    const { stackProps } = read({ channel: CHANNEL, deferIndexes: 'byIp' });
    const built = buildStack(stackProps.alerts);
    const table = built.template.toJSON().Resources[logicalId(built.stack.alerts.state.table)];
    const names = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(
      (i) => i.IndexName,
    );
    expect(names.sort()).toEqual(['byTime', 'byUser', 'pending']);
    for (const fn of functionsOf(built)) {
      const role = logicalId(fn.role as NonNullable<typeof fn.role>);
      const queries = statementsOfRole(built.template, role).filter((s) => s.Action === 'dynamodb:Query');
      expect(JSON.stringify(queries)).toContain('/index/byUser');
      expect(JSON.stringify(queries)).not.toContain('/index/byIp');
    }
  });

  it('never leave out an index the bot needs', () => {
    expect(
      () =>
        new SignInsStack(testApp(), 'IndexCheck', {
          alerts: { slackChannel: CHANNEL, deferredIndexes: ['pending'] },
        }),
    ).toThrow(DeferredIndexError);
  });
});
