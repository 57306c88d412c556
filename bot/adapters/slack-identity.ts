// Who the bot is (auth.test), asked once with our bounded client. Handing botId/botUserId to Bolt stops
// it from calling auth.test itself in the App constructor, where it retries for minutes unobserved.
import type { WebClient } from '@slack/web-api';

export interface BotIdentity {
  readonly botId: string;
  readonly botUserId: string;
}

export const fetchBotIdentity = async (client: WebClient): Promise<BotIdentity> => {
  const res = await client.auth.test();
  if (!res.bot_id || !res.user_id)
    throw new Error('auth.test did not identify a bot: is SLACK_BOT_TOKEN a bot token (xoxb-)?');
  return { botId: res.bot_id, botUserId: res.user_id };
};
