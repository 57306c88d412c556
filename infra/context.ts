import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MAX_SILENCE_DAYS, REGION_CODE } from '../shared/env-keys';
import { DEFAULT_DEAD_MAN_HOURS } from './health-alarms';
import { QuerySettingsError, querySettingsEnvironment } from './query-settings';
import {
  type ResponderSettings,
  ResponderSettingsError,
  responderSettings,
  TIMEOUT_MINUTES,
} from './responder-settings';
import { channelIdProblem, isChannelId, RoutingError, routingValue } from './routing-value';
import type { SignInsStackProps } from './signins-stack';
import { checkDeferredIndexes, DeferredIndexError } from './state';

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
  'deadManHours',
  'responders',
  'oncall',
  'identityMap',
  'autoAsk',
  'askTimeoutMinutes',
  'ackTimeoutMinutes',
  'historyRegions',
  'maxSilenceDays',
  'deferIndexes',
  'fastPathRegions',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface AppSettings {
  readonly stackName: string;
  readonly stackProps: Pick<SignInsStackProps, 'alerts' | 'existingSecret' | 'fastPathRegions'>;
}

/** A setting the user got wrong: infra/app.ts prints its message as one line and exits 1. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

// Keys the CDK CLI and aws-cdk-lib put in the context themselves (feature flags, `aws:cdk:*`, lookups cached in
// cdk.context.json such as `availability-zones:account=…`, cdk.json's `cli-telemetry`): never a user's typo.
const isCdkOwnKey = (key: string): boolean =>
  key.includes(':') ||
  key.startsWith('@') ||
  key.startsWith('aws') ||
  key.startsWith('cdk') ||
  ['cli-telemetry', 'acknowledged-issue-numbers'].includes(key);

/** Edit distance, to suggest `channel` for `chanel`. */
const distance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
    }
    row = next;
  }
  return row[b.length] ?? 0;
};

const checkKnownKeys = (given: readonly string[]): void => {
  const unknown = given.filter(
    (key) => !isCdkOwnKey(key) && !(CONTEXT_KEYS as readonly string[]).includes(key),
  );
  const [first] = unknown;
  if (first === undefined) return;
  const closest = [...CONTEXT_KEYS].sort((a, b) => distance(first, a) - distance(first, b))[0] as string;
  const hint = distance(first, closest) <= 3 ? ` (did you mean "${closest}"?)` : '';
  throw new ContextError(
    `unknown context key "${first}"${hint}; the keys are: ${CONTEXT_KEYS.join(', ')} (README "Deploy")`,
  );
};

// Deliberately loose (SNS sends a confirmation mail anyway): one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
// E.164: a plus sign, then up to 15 digits, the first not 0 (SNS refuses other forms at deploy time).
const E164 = /^\+[1-9]\d{1,14}$/;
// Alarm and filter names, metric names and IAM ARN patterns are built from it.
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

/** Comma-separated list; `undefined` when empty, so no empty subscription list is set. */
const list = (value: string | undefined): string[] | undefined => {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
};

const checked = (key: ContextKey, items: string[] | undefined, pattern: RegExp, what: string) => {
  const bad = items?.find((item) => !pattern.test(item));
  if (bad !== undefined) throw new ContextError(`${key}: "${bad}" is not ${what}`);
  return items;
};

const retentionDaysEnum = (key: string, value: number | undefined): logs.RetentionDays | undefined => {
  if (value === undefined) return undefined;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(value)) {
    throw new ContextError(`${key} must be one of CloudWatch Logs' retention values: ${allowed.join(', ')}`);
  }
  return value as logs.RetentionDays;
};

/**
 * Reads the app's context (`cdk.json` or `-c key=value`) into stack props, failing with a clear ContextError.
 * `givenKeys` are all the keys in the context, to catch typos such as `-c chanel=…`.
 */
export const readContext = (
  get: (key: ContextKey) => unknown,
  givenKeys: readonly string[] = [],
): AppSettings => {
  checkKnownKeys(givenKeys);
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
  const int = (key: ContextKey, range?: { min: number; max: number }): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || (range && (n < range.min || n > range.max))) {
      const bounds = range ? ` from ${range.min} to ${range.max}` : '';
      throw new ContextError(`${key} must be a whole number${bounds}, got "${value}"`);
    }
    return n;
  };
  const emails = (key: ContextKey) => checked(key, list(text(key)), EMAIL, 'an e-mail address');
  const phones = (key: ContextKey) =>
    checked(key, list(text(key)), E164, 'a phone number in E.164 form, such as +15555550123');

  const channel = text('channel');
  if (channel === undefined) {
    throw new ContextError('Set the Slack channel ID to post to: npx cdk deploy -c channel=C0123ABCD');
  }
  if (!isChannelId(channel)) throw new ContextError(`channel ${channelIdProblem(channel)}`);
  let routing: string | undefined;
  try {
    routing = routingValue(text('routing'));
  } catch (error) {
    if (error instanceof RoutingError) throw new ContextError(error.message, { cause: error });
    throw error;
  }
  const namePrefix = text('alarmNamePrefix');
  if (namePrefix !== undefined && !PREFIX.test(namePrefix)) {
    throw new ContextError(
      `alarmNamePrefix must be 1–40 letters, digits, '.', '_' or '-' (starting with a letter or digit), got "${namePrefix}"`,
    );
  }
  const existingLogGroup = text('existingLogGroup');
  const organizationTrail = bool('organizationTrail');
  const organizationId = text('organizationId');
  if (organizationTrail && existingLogGroup !== undefined) {
    throw new ContextError('organizationTrail creates a trail; it cannot be combined with existingLogGroup');
  }
  if (organizationTrail && organizationId === undefined) {
    throw new ContextError(
      'organizationTrail=true needs organizationId (o-…): -c organizationId=o-a1b2c3d4e5',
    );
  }
  // AWS Organizations ids: o- then 10 to 32 lower-case letters or digits.
  if (organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    throw new ContextError(
      `organizationId must look like o-a1b2c3d4e5 (AWS Organizations), got "${organizationId}"`,
    );
  }
  const stackName = text('stackName') ?? 'SignIns';
  // CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new ContextError(
      `stackName must start with a letter and hold only letters, digits and hyphens (at most 128), got "${stackName}"`,
    );
  }
  const existingSecret = text('existingSecret');
  // A complete secret ARN ends in the secret's name, a hyphen and six random characters; a partial one cannot be
  // granted precisely. A name is looked up by name.
  if (
    existingSecret?.startsWith('arn:') &&
    !/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(existingSecret)
  ) {
    throw new ContextError(
      "existingSecret must be the secret's name or its complete ARN (ending in -AbCdEf, as `aws secretsmanager describe-secret` prints it)",
    );
  }

  let responders: ResponderSettings | undefined;
  try {
    responders = responderSettings({
      responders: list(text('responders')),
      oncall: text('oncall'),
      identityMap: text('identityMap'),
      autoAsk: text('autoAsk'),
      askTimeoutMinutes: int('askTimeoutMinutes', TIMEOUT_MINUTES),
      ackTimeoutMinutes: int('ackTimeoutMinutes', TIMEOUT_MINUTES),
    });
  } catch (error) {
    if (error instanceof ResponderSettingsError) throw new ContextError(error.message, { cause: error });
    throw error;
  }

  // A list in cdk.json may be a JSON array; on the command line it is comma-separated.
  const regionList = (key: ContextKey): string[] | undefined => {
    const value = get(key);
    return Array.isArray(value) ? value.map(String) : text(key)?.split(',');
  };
  const historyRegions = regionList('historyRegions');
  const maxSilenceDays = int('maxSilenceDays', MAX_SILENCE_DAYS);
  try {
    querySettingsEnvironment({ historyRegions, maxSilenceDays });
  } catch (error) {
    if (error instanceof QuerySettingsError) throw new ContextError(error.message, { cause: error });
    throw error;
  }

  const deferIndexes = list(text('deferIndexes'));
  try {
    checkDeferredIndexes(deferIndexes ?? []);
  } catch (error) {
    if (error instanceof DeferredIndexError) throw new ContextError(error.message, { cause: error });
    throw error;
  }

  const fastPathRegions = regionList('fastPathRegions')
    ?.map((r) => r.trim())
    .filter(Boolean);
  if (fastPathRegions !== undefined) {
    const bad = fastPathRegions.find((r) => !REGION_CODE.test(r));
    if (bad !== undefined || fastPathRegions.length === 0) {
      throw new ContextError(
        `fastPathRegions must list AWS region codes, comma-separated (such as us-east-1,eu-west-1); "${bad ?? ''}" is not one`,
      );
    }
  }

  const alarmEmails = emails('alarmEmail');
  const rootSms = phones('rootSmsNumber');
  const all = { emails: alarmEmails };

  return {
    stackName,
    stackProps: {
      existingSecret,
      fastPathRegions: fastPathRegions && [...new Set(fastPathRegions)],
      alerts: {
        slackChannel: channel,
        routing,
        retentionDays: int('retentionDays', { min: 1, max: 3650 }),
        deadManHours: int('deadManHours', { min: 1, max: 24 }) ?? DEFAULT_DEAD_MAN_HOURS,
        responders,
        historyRegions,
        maxSilenceDays,
        deferredIndexes: deferIndexes,
        trail: {
          existingLogGroupName: existingLogGroup,
          organizationTrail,
          organizationId,
          managementEvents: bool('writeOnlyEvents') ? cloudtrail.ReadWriteType.WRITE_ONLY : undefined,
          logRetention: retentionDaysEnum('logRetentionDays', int('logRetentionDays')),
        },
        alarms: {
          namePrefix,
          // As in the seeds: mail for all four alarms, SMS also for root successes.
          recipients: {
            'signin-console-success-root': { emails: alarmEmails, smsNumbers: rootSms },
            'signin-console-failure-root': all,
            'signin-console-success-iam': all,
            'signin-console-failure-iam': all,
          },
        },
        // Escalations and pipeline health reach the alarms' people unless told otherwise (issue 6, item 6).
        escalationRecipients: {
          emails: emails('escalationEmail') ?? alarmEmails,
          smsNumbers: phones('escalationSms') ?? rootSms,
        },
      },
    },
  };
};
