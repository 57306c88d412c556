// Asks Slack what the health checks need: does it accept the bot token (auth.test), and is the bot in each
// channel it posts to (conversations.history with limit 1: `not_in_channel` / `channel_not_found` say it
// is not). The history scopes are in both manifests for exactly-once delivery; no new scope is needed.
import { ErrorCode, type WebClient } from '@slack/web-api';
import { type CheckResult, unknown } from '../core/health-checks';
import { judgeChannel, judgeSlackToken, type SlackAnswer } from '../core/slack-verdicts';

/** What a Slack call gave: an answer (ok or a Slack error code), or no answer at all. */
type Reply<T> =
  | { readonly answered: true; readonly answer: SlackAnswer; readonly value?: T }
  | { readonly answered: false; readonly reason: string };

const ask = async <T>(call: () => Promise<T>): Promise<Reply<T>> => {
  try {
    return { answered: true, answer: { ok: true }, value: await call() };
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
    switch (e.code) {
      case ErrorCode.PlatformError:
        return { answered: true, answer: { ok: false, error: e.data?.error ?? 'unknown_error' } };
      case ErrorCode.RateLimitedError:
        return { answered: false, reason: 'Slack rate-limited the check: try again in a minute' };
      case ErrorCode.HTTPError:
        return { answered: false, reason: `Slack answered HTTP ${e.statusCode ?? '?'}` };
      default:
        return { answered: false, reason: `Slack did not answer (${e.message ?? String(err)})` };
    }
  }
};

// Membership can be asked by channel ID only (C…, G…); a `#name` is what a local setup may use.
const isChannelId = (channel: string): boolean => /^[CGD][A-Z0-9]{6,}$/.test(channel);

export class SlackHealthProbe {
  constructor(private readonly client: WebClient) {}

  async check(channels: readonly string[]): Promise<CheckResult[]> {
    const auth = await ask(() => this.client.auth.test());
    if (!auth.answered)
      return [
        unknown('slack-token', 'Slack token', auth.reason),
        ...channels.map((c) => unknown(`channel:${c}`, `the bot in channel ${c}`, auth.reason)),
      ];
    const token = judgeSlackToken(auth.answer, (auth.value as { team?: string } | undefined)?.team);
    if (token.status !== 'ok')
      return [
        token,
        ...channels.map((c) =>
          unknown(`channel:${c}`, `the bot in channel ${c}`, 'Slack did not accept the token'),
        ),
      ];
    const results: CheckResult[] = [token];
    for (const channel of channels) results.push(await this.checkChannel(channel));
    return results;
  }

  private async checkChannel(channel: string): Promise<CheckResult> {
    if (!isChannelId(channel))
      return unknown(
        `channel:${channel}`,
        `the bot in channel ${channel}`,
        'membership is checked by channel ID: set SIGNINS_CHANNEL (and routing) to IDs like C0123ABCD',
      );
    const history = await ask(() => this.client.conversations.history({ channel, limit: 1 }));
    return history.answered
      ? judgeChannel(channel, history.answer)
      : unknown(`channel:${channel}`, `the bot in channel ${channel}`, history.reason);
  }
}
