// Text for Block Kit. Record values go into plain_text (Slack neither formats nor parses it); mrkdwn
// is for our own formatting, where a record value is escaped (&, <, > and only these, per
// https://api.slack.com/reference/surfaces/formatting#escaping) and clipped on its escaped length.
// Both neutralise controls, bidi overrides and lone surrogates first (record-text.ts).
import { clip, ELLIPSIS, prefixWithin } from './clip';
import { neutralize } from './record-text';

export const escapeMrkdwn = (text: string): string =>
  /[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;

/** Clips already-escaped text to `max` without cutting a character or an entity such as `&amp;`. */
export const clipEscaped = (escaped: string, max: number): string => {
  if (escaped.length <= max) return escaped;
  return prefixWithin(escaped, max - ELLIPSIS.length).replace(/&[a-z]{0,3}$/, '') + ELLIPSIS;
};

// Neutralising at most halves a value's length (a two-unit format character becomes U+FFFD) and
// escaping only lengthens it: more than this much of a value can never fit in `max`.
const workingPrefix = (text: string, max: number): string => text.slice(0, 2 * max + 64);

/** Neutralises, escapes then clips: a record's string inside our own mrkdwn. */
export const safe = (text: string, max: number): string =>
  clipEscaped(escapeMrkdwn(neutralize(workingPrefix(text, max))), max);

/**
 * A record's string for plain_text. Slack does not parse plain_text, but angle brackets still become
 * look-alikes so that no client or copy-paste can revive a `<!channel>` or a link. Then it is clipped.
 */
export const clipPlain = (text: string, max: number): string => {
  const shown = neutralize(workingPrefix(text, max));
  return clip(/[<>]/.test(shown) ? shown.replace(/</g, '‹').replace(/>/g, '›') : shown, max);
};

export const TIME_UNKNOWN = 'time unknown';

/** The ISO form of a time, or "time unknown" when it is missing or not a date. */
export const timeText = (iso: string | null): string => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : TIME_UNKNOWN;
};

/** Slack's localised date token, with an ISO fallback; "time unknown" for a missing or bad date. */
export const slackDate = (iso: string | null): string => {
  const exact = timeText(iso);
  if (exact === TIME_UNKNOWN) return TIME_UNKNOWN;
  const seconds = Math.floor(Date.parse(exact) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${exact}>`;
};

/** A link whose URL we built from validated parts; the label is escaped. */
export const link = (url: string, label: string): string => `<${url}|${escapeMrkdwn(label)}>`;
