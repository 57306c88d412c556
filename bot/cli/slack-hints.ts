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

  /** The delegate's answer; a refusal about `channel` is hinted first, then thrown on. */
  private async hinted<T>(channel: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      this.hint(channel, err);
      throw err;
    }
  }

  post(channel: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage> {
    return this.hinted(channel, () => this.delegate.post(channel, message, tag, budgetMs));
  }

  findPosted(channel: string, tag: AlertTag, since: Date, budgetMs: number): Promise<PostedMessage | null> {
    return this.hinted(channel, () => this.delegate.findPosted(channel, tag, since, budgetMs));
  }

  update(posted: PostedMessage, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<void> {
    return this.hinted(posted.channel, () => this.delegate.update(posted, message, tag, budgetMs));
  }

  postInThread(posted: PostedMessage, text: string, budgetMs: number): Promise<PostedMessage> {
    return this.hinted(posted.channel, () => this.delegate.postInThread(posted, text, budgetMs));
  }

  postEphemeral(channel: string, user: string, text: string, budgetMs: number): Promise<void> {
    return this.hinted(channel, () => this.delegate.postEphemeral(channel, user, text, budgetMs));
  }

  permalink(posted: PostedMessage, budgetMs: number): Promise<string | null> {
    return this.hinted(posted.channel, () => this.delegate.permalink(posted, budgetMs));
  }

  isChannelMember(channel: string, user: string, budgetMs: number): Promise<boolean> {
    return this.hinted(channel, () => this.delegate.isChannelMember(channel, user, budgetMs));
  }

  // No channel of the user's choosing is involved: nothing to hint about.
  openDm(user: string, budgetMs: number): Promise<string> {
    return this.delegate.openDm(user, budgetMs);
  }

  postDm(user: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage> {
    return this.delegate.postDm(user, message, tag, budgetMs);
  }

  lookupUserByEmail(email: string, budgetMs: number): Promise<string | null> {
    return this.delegate.lookupUserByEmail(email, budgetMs);
  }

  groupMembers(groupId: string, budgetMs: number): Promise<readonly string[]> {
    return this.delegate.groupMembers(groupId, budgetMs);
  }
}
