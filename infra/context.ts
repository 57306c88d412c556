import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { SignInsStackProps } from './signins-stack';

/** The `-c key=value` settings infra/app.ts understands (README "Deploy" lists them). */
export const CONTEXT_KEYS = [
  'stackName',
  'channel',
  'routing',
  'retentionDays',
  'alarmEmail',
  'rootSmsNumber',
  'alarmNamePrefix',
  'escalationEmail',
  'escalationSms',
  'existingLogGroup',
  'organizationTrail',
  'organizationId',
  'writeOnlyEvents',
  'logRetentionDays',
  'existingSecret',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface AppSettings {
  readonly stackName: string;
  readonly stackProps: Pick<SignInsStackProps, 'alerts' | 'existingSecret'>;
}

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** Comma-separated list; `undefined` when empty, so no empty subscription list is set. */
const list = (value: string | undefined): string[] | undefined => {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
};

const retentionDaysEnum = (key: string, value: number | undefined): logs.RetentionDays | undefined => {
  if (value === undefined) return undefined;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(value)) {
    throw new ContextError(`${key} must be one of CloudWatch Logs' retention values: ${allowed.join(', ')}`);
  }
  return value as logs.RetentionDays;
};

/** Reads the app's context (`cdk.json` or `-c key=value`) into stack props, failing with a clear message. */
export const readContext = (get: (key: ContextKey) => unknown): AppSettings => {
  const text = (key: ContextKey): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value).trim();
  };
  const bool = (key: ContextKey): boolean => {
    const value = text(key);
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    throw new ContextError(`${key} must be true or false, got "${value}"`);
  };
  const int = (key: ContextKey): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new ContextError(`${key} must be a whole number, got "${value}"`);
    return Number(value);
  };

  const channel = text('channel');
  if (channel === undefined) {
    throw new ContextError('Set the Slack channel ID to post to: npx cdk deploy -c channel=C0123ABCD');
  }
  const alarmEmails = list(text('alarmEmail'));
  const rootSms = list(text('rootSmsNumber'));
  const all = { emails: alarmEmails };

  return {
    stackName: text('stackName') ?? 'SignIns',
    stackProps: {
      existingSecret: text('existingSecret'),
      alerts: {
        slackChannel: channel,
        routing: text('routing'),
        retentionDays: int('retentionDays'),
        trail: {
          existingLogGroupName: text('existingLogGroup'),
          organizationTrail: bool('organizationTrail'),
          organizationId: text('organizationId'),
          managementEvents: bool('writeOnlyEvents') ? cloudtrail.ReadWriteType.WRITE_ONLY : undefined,
          logRetention: retentionDaysEnum('logRetentionDays', int('logRetentionDays')),
        },
        alarms: {
          namePrefix: text('alarmNamePrefix'),
          // As in the seeds: mail for all four alarms, SMS also for root successes.
          recipients: {
            'signin-console-success-root': { emails: alarmEmails, smsNumbers: rootSms },
            'signin-console-failure-root': all,
            'signin-console-success-iam': all,
            'signin-console-failure-iam': all,
          },
        },
        escalationRecipients: {
          emails: list(text('escalationEmail')),
          smsNumbers: list(text('escalationSms')),
        },
      },
    },
  };
};
