// Verdicts on the Slack half of an installation: the secret holding the token, the token, the channels.
import type { Routing } from '../../shared/routing';
import { assertNever } from './assert-never';
import { broken, type CheckResult, ok, unknown } from './health-checks';
import { slackErrorMeaning } from './slack-errors';

/** The stack's placeholder: a generated alphanumeric string, not the JSON the bot needs (infra/state.ts). */
export const isGeneratedPlaceholder = (secretString: string): boolean =>
  /^[A-Za-z0-9]{20,}$/.test(secretString);

export type SecretFacts =
  | { readonly state: 'set' }
  | { readonly state: 'missing' }
  | { readonly state: 'placeholder' }
  | { readonly state: 'invalid'; readonly problem: string };

export const judgeSlackSecret = (secretId: string, facts: SecretFacts): CheckResult => {
  const key = 'slack-secret';
  const put = `\`aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '{"botToken":"xoxb-…","signingSecret":"…"}'\``;
  switch (facts.state) {
    case 'set':
      return ok(key, `Slack secret ${secretId} holds a bot token and a signing secret`);
    case 'missing':
      return broken(
        key,
        `Slack secret ${secretId} does not exist`,
        `\`npx cdk deploy\` recreates it, then ${put}`,
      );
    case 'placeholder':
      return broken(key, `Slack secret ${secretId} still holds the placeholder the stack created`, put);
    case 'invalid':
      return broken(key, `Slack secret ${secretId} is not usable: ${facts.problem}`, put);
    default:
      return assertNever(facts);
  }
};

export type SlackAnswer = { readonly ok: true } | { readonly ok: false; readonly error: string };

export const judgeSlackToken = (answer: SlackAnswer, team: string | undefined): CheckResult => {
  const key = 'slack-token';
  if (answer.ok) return ok(key, `Slack accepts the bot token${team ? ` (workspace ${team})` : ''}`);
  const meaning = slackErrorMeaning(answer.error);
  if (meaning.tokenRefused)
    return broken(
      key,
      `Slack refused the bot token (${answer.error})`,
      'reinstall the Slack app and store the new xoxb- token in the secret',
    );
  return unknown(key, 'Slack token', `Slack answered ${answer.error}`);
};

export const judgeChannel = (channel: string, answer: SlackAnswer): CheckResult => {
  const key = `channel:${channel}`;
  if (answer.ok) return ok(key, `the bot is in channel ${channel}`);
  if (answer.error === 'not_in_channel' || answer.error === 'channel_not_found')
    return broken(
      key,
      `the bot is not in channel ${channel} (${answer.error}): its cards there are refused`,
      `invite it: /invite @signins in ${channel} (or fix the channel ID in SIGNINS_CHANNEL / routing)`,
    );
  const hint = slackErrorMeaning(answer.error).hint;
  return hint
    ? broken(key, `Slack refuses channel ${channel} (${answer.error})`, hint)
    : unknown(key, `the bot in channel ${channel}`, `Slack answered ${answer.error}`);
};

/** Every channel the bot may post to: the default one and each routed one, once. */
export const routedChannels = (routing: Routing, defaultChannel: string): string[] => {
  const channels = [defaultChannel, ...Object.values(routing.channels)];
  for (const account of Object.values(routing.accounts)) {
    if (account.channel) channels.push(account.channel);
    channels.push(...Object.values(account.channels));
  }
  return [...new Set(channels.filter((c): c is string => typeof c === 'string'))];
};
