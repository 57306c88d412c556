// A Slack answer the user can fix (the bot is not in the channel, the channel does not exist) is told once
// per channel, in words, on top of the failure line of each alert it stopped.

import type { SlackMessage } from '../core/render/blocks';
import { slackErrorMeaning } from '../core/slack-errors';
import { DeliveryError } from '../pipeline/delivery-error';
import type { AlertTag, Notifier, PostedMessage } from '../ports';

export class HintingNotifier implements Notifier {
  private readonly told = new Set<string>();

  constructor(
    private readonly delegate: Notifier,
    private readonly err: (line: string) => void,
  ) {}

  private hint(channel: string, err: unknown): void {
    if (!(err instanceof DeliveryError) || err.failure.kind !== 'rejected') return;
    const { code } = err.failure;
    const hint = slackErrorMeaning(code).hint;
    const key = `${channel}:${code}`;
    if (!hint || this.told.has(key)) return;
    this.told.add(key);
    this.err(`signins: cannot post to ${channel}: ${hint}`);
  }

  async post(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
  ): Promise<PostedMessage> {
    try {
      return await this.delegate.post(channel, message, tag, budgetMs);
    } catch (err) {
      this.hint(channel, err);
      throw err;
    }
  }

  async findPosted(
    channel: string,
    tag: AlertTag,
    since: Date,
    budgetMs: number,
  ): Promise<PostedMessage | null> {
    try {
      return await this.delegate.findPosted(channel, tag, since, budgetMs);
    } catch (err) {
      this.hint(channel, err);
      throw err;
    }
  }
}
