// Notifier on the Slack Web API. Bounded retries (the client's default retries for ~30 minutes), a
// request timeout, and SLACK_API_URL honoured for tests and Enterprise Grid proxies.
import { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../core/render/blocks';
import type { Notifier, PostedMessage } from '../ports';

export interface SlackClientOptions {
  readonly slackApiUrl?: string;
  /** Retries after a failed call (5xx, network, 429 after Retry-After). */
  readonly retries?: number;
  readonly timeoutMs?: number;
}

export const createSlackClient = (token: string, options: SlackClientOptions = {}): WebClient =>
  new WebClient(token, {
    slackApiUrl: options.slackApiUrl,
    timeout: options.timeoutMs ?? 5000,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
  });

/** The exact chat.postMessage arguments for a card: no unfurling of links the record may carry. */
export const postMessageArgs = (channel: string, message: SlackMessage) => ({
  channel,
  text: message.text,
  blocks: message.blocks,
  unfurl_links: false,
  unfurl_media: false,
});

export class SlackNotifier implements Notifier {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, message: SlackMessage): Promise<PostedMessage> {
    // Block Kit types are structurally the subset in core/render/blocks.ts.
    const res = await this.client.chat.postMessage(
      postMessageArgs(channel, message) as Parameters<WebClient['chat']['postMessage']>[0],
    );
    if (!res.ts || !res.channel) throw new Error('chat.postMessage answered without ts/channel');
    return { channel: res.channel, ts: res.ts };
  }
}

export interface RecordedCall {
  readonly method: 'chat.postMessage';
  readonly args: ReturnType<typeof postMessageArgs>;
}

/** A Notifier that calls Slack only when given a delegate, and reports every call it makes. */
export class ReportingNotifier implements Notifier {
  private count = 0;

  constructor(
    private readonly onCall: (call: RecordedCall) => void,
    private readonly delegate?: Notifier,
  ) {}

  async post(channel: string, message: SlackMessage): Promise<PostedMessage> {
    this.onCall({ method: 'chat.postMessage', args: postMessageArgs(channel, message) });
    if (this.delegate) return this.delegate.post(channel, message);
    this.count += 1;
    return { channel, ts: `dry-run.${String(this.count).padStart(6, '0')}` };
  }
}
