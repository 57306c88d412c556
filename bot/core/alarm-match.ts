// Which stored sign-ins an alarm counted. The metric filter counts records by their CloudWatch Logs
// timestamp, which trails eventTime by CloudTrail's delivery delay (about 5 minutes, not guaranteed).
import { findSignInAlarm } from '../../shared/alarms';
import type { AlarmNotification, ClassifiedSignIn } from './sign-in';

const DELIVERY_SLACK_MS = 15 * 60_000;
const DEFAULT_WINDOW_S = 300;

export const alarmLookback = (alarm: AlarmNotification): { from: Date; to: Date } | null => {
  if (!alarm.time) return null;
  const at = Date.parse(alarm.time);
  const windowMs = (alarm.windowSeconds ?? DEFAULT_WINDOW_S) * 1000;
  return { from: new Date(at - windowMs - DELIVERY_SLACK_MS), to: new Date(at + 60_000) };
};

/**
 * The sign-ins an ALARM of one of the four sign-in alarms stands for; empty for other alarms. No account
 * filter: the metric counts the whole log group, which on an organization trail holds every member
 * account's sign-ins while the alarm belongs to the account that owns the log group.
 */
export const signInsBehindAlarm = (
  alarm: AlarmNotification,
  candidates: readonly ClassifiedSignIn[],
): ClassifiedSignIn[] => {
  const definition = findSignInAlarm(alarm.alarmName);
  if (!definition || alarm.state !== 'ALARM') return [];
  return candidates.filter(
    (s) =>
      s.eventName === 'ConsoleLogin' &&
      s.outcome === definition.outcome &&
      (definition.scope === 'root') === (s.identityType === 'Root'),
  );
};
