// Slack mrkdwn helpers. Untrusted text is escaped (&, <, > and only these, per Slack's formatting
// guide: https://api.slack.com/reference/surfaces/formatting#escaping) and clipped on its escaped length.

export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ELLIPSIS = '…';

/** Clips already-escaped text to `max` characters without cutting an entity such as `&amp;` in half. */
export const clipEscaped = (escaped: string, max: number): string => {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, Math.max(0, max - ELLIPSIS.length));
  cut = cut.replace(/&[a-z]{0,3}$/, '');
  return cut + ELLIPSIS;
};

/** Escapes then clips: the safe way to put a record's string into a block. */
export const safe = (text: string, max: number): string => clipEscaped(escapeMrkdwn(text), max);

/**
 * plain_text for headers. Slack does not parse plain_text, but record text there is still made
 * unmistakably inert: angle brackets become look-alikes, so no client or copy-paste can revive a
 * `<!channel>` or a link. Then it is clipped.
 */
export const clipPlain = (text: string, max: number): string => {
  const inert = text.replace(/</g, '‹').replace(/>/g, '›');
  return inert.length <= max ? inert : inert.slice(0, max - ELLIPSIS.length) + ELLIPSIS;
};

/** Slack's localised date token, with an ISO fallback for clients that cannot render it. */
export const slackDate = (iso: string): string => {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${iso}>`;
};

/** A link whose URL we built from validated parts; the label is escaped. */
export const link = (url: string, label: string): string => `<${url}|${escapeMrkdwn(label)}>`;
