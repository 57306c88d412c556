// A CloudWatch alarm state change, as the alarm's SNS topic delivers it (SIGNIN-FACTS.md §7).
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { optNumber, optString } from './lenient-schema';
import { usableId } from './normalize-sign-in';
import type { AlarmNotification } from './sign-in';
import { toIsoTime } from './time';

export const alarmMessageSchema = z.looseObject({
  AlarmName: z.string({ error: 'AlarmName is missing' }).min(1),
  AlarmDescription: optString,
  AWSAccountId: optString,
  NewStateValue: z.string({ error: 'NewStateValue is missing' }),
  NewStateReason: optString,
  StateChangeTime: z.unknown().optional(),
  Region: optString,
  AlarmArn: optString,
  OldStateValue: optString,
  Trigger: z
    .looseObject({
      MetricName: optString,
      Namespace: optString,
      Period: optNumber,
      EvaluationPeriods: optNumber,
    })
    .optional()
    .catch(undefined),
});

export class InvalidAlarmError extends Error {
  override readonly name = 'InvalidAlarmError';
}

export const looksLikeAlarmMessage = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && 'AlarmName' in value && 'NewStateValue' in value;

// arn:aws:cloudwatch:eu-south-1:975050211138:alarm:name or arn:aws:sns:eu-south-1:…:topic
const arnParts = (arn: string | undefined): { region: string; account: string } | null => {
  const m = arn ? /^arn:[^:]+:[^:]+:([a-z0-9-]+):(\d{12}|[^:]*):/.exec(arn) : null;
  return m ? { region: m[1] ?? '', account: m[2] ?? '' } : null;
};

export interface SnsContext {
  readonly messageId?: string;
  readonly topicArn?: string;
}

export const normalizeAlarm = (message: unknown, sns: SnsContext = {}): AlarmNotification => {
  const parsed = alarmMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new InvalidAlarmError(parsed.error.issues[0]?.message ?? 'not a CloudWatch alarm notification');
  }
  const m = parsed.data;
  const fromArn = arnParts(m.AlarmArn) ?? arnParts(sns.topicArn);
  const period = m.Trigger?.Period;
  const evaluations = m.Trigger?.EvaluationPeriods ?? 1;
  const notificationId =
    usableId(sns.messageId) ??
    `sha256-${createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 32)}`;
  return {
    kind: 'alarm',
    notificationId,
    alarmName: m.AlarmName,
    alarmArn: m.AlarmArn ?? null,
    description: m.AlarmDescription ?? null,
    state: m.NewStateValue,
    previousState: m.OldStateValue ?? null,
    reason: m.NewStateReason ?? '',
    region: fromArn?.region || null,
    regionDisplayName: m.Region ?? null,
    accountId: m.AWSAccountId ?? (fromArn?.account || null),
    time: toIsoTime(m.StateChangeTime),
    windowSeconds: period !== undefined ? period * evaluations : null,
    metricName: m.Trigger?.MetricName ?? null,
    namespace: m.Trigger?.Namespace ?? null,
  };
};
