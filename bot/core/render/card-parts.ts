// Pieces every card is built from. Record values go through clipPlain (or safe for our mrkdwn) first.
import type { AlarmNotification } from '../sign-in';
import type { TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { clip } from './clip';
import { clipPlain, slackDate, TIME_UNKNOWN, timeText } from './mrkdwn';

/** A field: a label line, then value lines already made inert (clipPlain) or written by us. */
export const field = (label: string, ...lines: readonly string[]): TextObject =>
  plain(clip([label, ...lines].join('\n'), LIMITS.fieldText));

/** The Time field: Slack's localised date when the time is known, "time unknown" otherwise. */
export const timeField = (time: string | null): TextObject => {
  const date = slackDate(time);
  return date === TIME_UNKNOWN ? field('Time', TIME_UNKNOWN) : mrkdwn(`Time\n${date}`);
};

/** "prod (111122223333)", "111122223333" or "unknown account", for plain_text. */
export const accountText = (accountId: string | null, accountName: string | null): string => {
  if (!accountId) return 'unknown account';
  const id = clipPlain(accountId, 64);
  return accountName ? `${clipPlain(accountName, 100)} (${id})` : id;
};

/** " at 2026-11-20T09:20:00.000Z" or " (time unknown)", for fallback and list lines. */
export const atTime = (time: string | null): string => {
  const exact = timeText(time);
  return exact === TIME_UNKNOWN ? ` (${TIME_UNKNOWN})` : ` at ${exact}`;
};

/** Account, region and time of an alarm notification, as fields. */
export const alarmFactFields = (a: AlarmNotification, accountName: string | null): TextObject[] => {
  const region = a.region ?? a.regionDisplayName;
  return [
    field('Account', accountText(a.accountId, accountName)),
    field('Region', region ? clipPlain(region, 60) : 'not recorded'),
    timeField(a.time),
  ];
};
