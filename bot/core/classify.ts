// Default severity of a sign-in. The rules read top to bottom; the first that matches wins.

import { findSignInAlarm } from '../../shared/alarms';
import { findHealthAlarm } from '../../shared/health-alarms';
import { assertNever } from './assert-never';
import type { AlarmNotification, AlarmState, Severity, SignIn } from './sign-in';
import { knownAlarmState } from './sign-in';
import type { TrailChange } from './trail-change';

/** Events that are a sign-in (or a root credential change); the rest are steps of one. */
const SIGN_IN_EVENTS = new Set([
  'ConsoleLogin',
  'UserAuthentication',
  'SwitchRole',
  'ExternalIdPDirectoryLogin',
]);

export const classifySignIn = (s: SignIn): Severity => {
  const isRoot = s.identityType === 'Root';
  if (isRoot && s.eventName === 'PasswordUpdated') return 'high';
  if (isRoot && s.outcome === 'failure') return 'high';
  if (isRoot && s.outcome === 'success' && SIGN_IN_EVENTS.has(s.eventName)) return 'critical';
  // A root sign-in whose outcome was not recorded is still worth a look.
  if (isRoot && s.outcome === null && SIGN_IN_EVENTS.has(s.eventName)) return 'high';
  if (s.outcome === 'failure') return 'medium';
  if (!SIGN_IN_EVENTS.has(s.eventName)) return 'info';
  if (s.outcome !== 'success') return 'info';
  if (s.identityType === 'IAMUser' && s.mfa === 'no') return 'high';
  // Identity Center password-only sign-ins and IAM users whose MFA is not recorded deserve a look.
  if (s.mfa === 'no' || (s.identityType === 'IAMUser' && s.mfa === 'unknown')) return 'medium';
  return 'low';
};

/**
 * A pipeline-health alarm is critical (sign-ins may be going unseen); its recovery is posted too, so
 * that whoever saw the alarm learns it is over. No data from a health check deserves a look.
 */
const classifyHealthAlarm = (state: AlarmState | null): Severity => {
  if (state === null) return 'medium';
  switch (state) {
    case 'ALARM':
      return 'critical';
    case 'OK':
      return 'low';
    case 'INSUFFICIENT_DATA':
      return 'medium';
    default:
      return assertNever(state);
  }
};

/** An alarm in ALARM state is as severe as the sign-ins it counts; recoveries are informational. */
export const classifyAlarm = (a: AlarmNotification): Severity => {
  if (findHealthAlarm(a.alarmName)) return classifyHealthAlarm(knownAlarmState(a.state));
  if (a.state !== 'ALARM') return 'info';
  const known = findSignInAlarm(a.alarmName);
  if (!known) return 'high';
  if (known.scope === 'root') return known.outcome === 'success' ? 'critical' : 'high';
  return known.outcome === 'failure' ? 'medium' : 'low';
};

/**
 * A trail stopped, deleted or blinded, or the log pipeline cut, is critical: sign-ins may go unseen
 * from now on. A refused or failed attempt changed nothing but says someone tried: high.
 */
export const classifyTrailChange = (change: Pick<TrailChange, 'outcome'>): Severity => {
  switch (change.outcome) {
    case 'changed':
      return 'critical';
    case 'denied':
    case 'failed':
      return 'high';
    default:
      return assertNever(change.outcome);
  }
};
