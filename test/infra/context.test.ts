import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { type ContextKey, readContext } from '../../infra/context';
import { ENV } from '../../shared/env-keys';
import { buildStack } from './stacks';

const from =
  (values: Partial<Record<ContextKey, unknown>>) =>
  (key: ContextKey): unknown =>
    values[key];

describe('app context', () => {
  it('requires the Slack channel and says how to set it', () => {
    expect(() => readContext(from({}))).toThrow(/-c channel=/);
  });

  it('mails every alarm and texts root successes, as the seeds do', () => {
    const { stackProps } = readContext(
      from({
        channel: 'C0123ABCD',
        alarmEmail: 'a@example.com, b@example.com',
        rootSmsNumber: '+15555550123',
      }),
    );
    const recipients = stackProps.alerts.alarms?.recipients ?? {};
    expect(recipients['signin-console-success-root']).toEqual({
      emails: ['a@example.com', 'b@example.com'],
      smsNumbers: ['+15555550123'],
    });
    for (const name of [
      'signin-console-failure-root',
      'signin-console-success-iam',
      'signin-console-failure-iam',
    ] as const) {
      expect(recipients[name]).toEqual({ emails: ['a@example.com', 'b@example.com'] });
    }
  });

  it('reads trail options, typed as given on the command line or in cdk.json', () => {
    const cli = readContext(
      from({
        channel: 'C0123ABCD',
        organizationTrail: 'true',
        organizationId: 'o-a1b2c3d4e5',
        logRetentionDays: '30',
        writeOnlyEvents: 'true',
      }),
    );
    const json = readContext(
      from({
        channel: 'C0123ABCD',
        organizationTrail: true,
        organizationId: 'o-a1b2c3d4e5',
        logRetentionDays: 30,
      }),
    );
    expect(cli.stackProps.alerts.trail).toMatchObject({
      organizationTrail: true,
      organizationId: 'o-a1b2c3d4e5',
      logRetention: 30,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
    });
    expect(json.stackProps.alerts.trail).toMatchObject({ organizationTrail: true, logRetention: 30 });
  });

  it('passes routing rules through as JSON, from a string or a cdk.json object', () => {
    const rules = { channels: { critical: 'C0SECOPS' } };
    expect(
      readContext(from({ channel: 'C0123ABCD', routing: JSON.stringify(rules) })).stackProps.alerts.routing,
    ).toBe(JSON.stringify(rules));
    expect(readContext(from({ channel: 'C0123ABCD', routing: rules })).stackProps.alerts.routing).toBe(
      JSON.stringify(rules),
    );
  });

  it('refuses routing the bot would refuse, at synth time', () => {
    expect(() => buildStack({ routing: { post: ['urgent'] } })).toThrow(/routing is invalid at post\.0/);
    expect(() => buildStack({ routing: '{"channels": ' })).toThrow(/routing must be JSON/);
  });

  it('rejects values CloudFormation would reject later', () => {
    expect(() => readContext(from({ channel: 'C0123ABCD', logRetentionDays: '31' }))).toThrow(
      /logRetentionDays/,
    );
    expect(() => readContext(from({ channel: 'C0123ABCD', organizationTrail: 'yes' }))).toThrow(
      /true or false/,
    );
    expect(() => readContext(from({ channel: 'C0123ABCD', retentionDays: 'ninety' }))).toThrow(
      /whole number/,
    );
  });

  it('defaults the stack name and leaves unset options unset', () => {
    const { stackName, stackProps } = readContext(from({ channel: 'C0123ABCD' }));
    expect(stackName).toBe('SignIns');
    expect(stackProps.existingSecret).toBeUndefined();
    expect(stackProps.alerts.trail?.existingLogGroupName).toBeUndefined();
    expect(stackProps.alerts.escalationRecipients).toEqual({ emails: undefined, smsNumbers: undefined });
    expect(stackProps.alerts.deadManHours).toBe(6);
  });
});

describe('infra/app.ts', () => {
  it('synthesizes from context with cdk-nag enforced, without credentials or network, responder and query settings included', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'signins-synth-'));
    try {
      const repo = path.join(__dirname, '..', '..');
      const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'infra/app.ts'], {
        cwd: repo,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({
            channel: 'C0123ABCD',
            stackName: 'SignInsAppTest',
            existingLogGroup: 'aws-cloudtrail-logs',
            responders: 'U0ALICE,S0OPS',
            oncall: 'S0OPS',
            identityMap: '{"iamUsers": {"alice": "U0ALICE"}}',
            historyRegions: ['us-east-1', 'eu-west-1'],
            maxSilenceDays: 3,
            'aws:cdk:bundling-stacks': [],
          }),
        },
      });
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.status).toBe(0);
      const template = JSON.parse(readFileSync(path.join(outdir, 'SignInsAppTest.template.json'), 'utf8'));
      const resources = Object.values(
        template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
      );
      const types = resources.map((r) => r.Type);
      expect(types).not.toContain('AWS::CloudTrail::Trail');
      const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
      expect(functions).toHaveLength(3);
      for (const fn of functions) {
        expect(fn.Properties.Environment).toEqual({
          Variables: expect.objectContaining({
            [ENV.responders]: 'U0ALICE,S0OPS',
            [ENV.oncall]: 'S0OPS',
            [ENV.identityMap]: '{"iamUsers":{"alice":"U0ALICE"}}',
            [ENV.historyRegions]: 'us-east-1,eu-west-1',
            [ENV.maxSilenceDays]: '3',
          }),
        });
      }
      expect(existsSync(path.join(outdir, 'manifest.json'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
