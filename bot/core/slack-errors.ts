// What a Slack Web API error code means for delivery: retry later, or stop and tell people. Codes from
// https://api.slack.com/methods/chat.postMessage#errors and https://api.slack.com/methods/conversations.history#errors

export interface SlackErrorMeaning {
  /** Slack may have done the work before it failed (its own docs say so): look before posting again. */
  readonly mayHaveLanded: boolean;
  /** No retry can fix it: stop retrying and raise a pipeline-health alert. */
  readonly permanent: boolean;
  /** The token itself is refused: nothing the bot posts anywhere will land. */
  readonly tokenRefused: boolean;
  /** What a person should do, for logs, the CLI and the escalation message. */
  readonly hint?: string;
}

/** Server-side failures that can come after the message was stored. */
const MAY_HAVE_LANDED = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

const PERMANENT_HINTS: Readonly<Record<string, string>> = {
  channel_not_found:
    'the channel does not exist or the bot cannot see it: check the channel ID and invite the bot (/invite @signins)',
  not_in_channel: 'the bot is not in the channel: invite it with /invite @signins in that channel',
  is_archived: 'the channel is archived: unarchive it or route alerts to another channel',
  missing_scope: "the Slack app lacks a scope: reinstall it from the repository's slack/manifest.yml",
  restricted_action: 'a workspace setting forbids the bot to post there',
  ekm_access_denied: 'the workspace refused access (Enterprise Key Management)',
  team_access_not_granted: 'the app is not granted access to this workspace',
  invalid_blocks: 'Slack rejected the card layout: report this as a bug in signins',
  msg_too_long: 'Slack rejected the card as too long: report this as a bug in signins',
  no_text: 'Slack rejected an empty card: report this as a bug in signins',
  channel_is_a_name:
    'the channel is set by name: set its ID (C…, in the channel details) so that a lost answer is looked up instead of posted again',
};

export const slackErrorMeaning = (code: string): SlackErrorMeaning => {
  if (MAY_HAVE_LANDED.has(code)) return { mayHaveLanded: true, permanent: false, tokenRefused: false };
  if (TOKEN_REFUSED.has(code)) {
    return {
      mayHaveLanded: false,
      permanent: true,
      tokenRefused: true,
      hint: 'Slack refused the bot token: reinstall the app and store the new xoxb- token in the secret',
    };
  }
  const hint = Object.hasOwn(PERMANENT_HINTS, code) ? PERMANENT_HINTS[code] : undefined;
  return hint
    ? { mayHaveLanded: false, permanent: true, tokenRefused: false, hint }
    : { mayHaveLanded: false, permanent: false, tokenRefused: false };
};
