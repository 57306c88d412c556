// Notifier on the Slack Web API. Every card carries its alert id in message metadata, so that a post whose
// outcome is unknown can be found in the channel instead of being posted again
// (https://api.slack.com/metadata/using). Each call gets a timeout within the time the caller has left, and
// only reads are retried by the client: a write whose answer was lost may have landed.
import {
  type ChatPostMessageArguments,
  type ChatUpdateArguments,
  ErrorCode,
  type WebClient,
} from '@slack/web-api';
import type { SlackMessage } from '../core/render/blocks';
import { slackErrorMeaning } from '../core/slack-errors';
import { asDeliveryError, DeliveryError, rejectedBySlack } from '../pipeline/delivery-error';
import type { AlertTag, Notifier, PostedMessage } from '../ports';
import {
  createSlackClient,
  DEFAULT_SLACK_TIMEOUT_MS,
  type SlackClientOptions,
  slackClientOptions,
} from './slack-client';

export const ALERT_METADATA_EVENT = 'signins_alert';

/** Calls shorter than this are not worth starting: the answer would come after the caller's deadline. */
const MIN_CALL_MS = 1000;
/** Pages of history read when looking for a post (200 messages each). */
const MAX_HISTORY_PAGES = 5;
/** Slack's clock and ours differ a little: look a minute further back than the first attempt. */
const HISTORY_MARGIN_MS = 60_000;
/** Members read per conversations.members page (Slack's recommended maximum). */
const MEMBERS_PAGE = 200;
/** The longest pause the client makes before a retry: a read's two attempts and this pause fit the budget. */
const RETRY_PAUSE_MS = slackClientOptions().retryConfig?.maxTimeout ?? 1000;

const alertMetadata = (tag: AlertTag) => ({
  event_type: ALERT_METADATA_EVENT,
  event_payload: { alert_id: tag.alertId },
});

/** The exact chat.postMessage arguments for a card: no unfurling of links the record may carry. */
export const postMessageArgs = (channel: string, message: SlackMessage, tag: AlertTag) => ({
  channel,
  text: message.text,
  blocks: message.blocks,
  unfurl_links: false,
  unfurl_media: false,
  metadata: alertMetadata(tag),
});

/** chat.update arguments that redraw a card: the metadata goes again, so the card stays findable. */
export const updateArgs = (posted: PostedMessage, message: SlackMessage, tag: AlertTag) => ({
  channel: posted.channel,
  ts: posted.ts,
  text: message.text,
  blocks: message.blocks,
  metadata: alertMetadata(tag),
});

/** A reply in a card's thread: text the bot wrote, no unfurling. */
export const threadReplyArgs = (posted: PostedMessage, text: string) => ({
  channel: posted.channel,
  thread_ts: posted.ts,
  text,
  unfurl_links: false,
  unfurl_media: false,
});

/**
 * A token now, or a DeliveryError saying why there is none yet (the secret is not set). `fresh`: Slack refused the
 * one given before, so read it again rather than from a cache.
 */
export type TokenSource = (fresh?: boolean) => Promise<string>;

const tokenRefused = (err: unknown): boolean =>
  err instanceof DeliveryError && err.failure.kind === 'rejected' && err.failure.tokenRefused;

/** Slack answered `ok: false` with this code (not a timeout, HTTP error or rate limit). */
const slackCode = (err: unknown): string | undefined => {
  const e = err as { code?: string; data?: { error?: string } } | undefined;
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
};

const isChannelId = (channel: string): boolean => /^[CGD][A-Z0-9]{2,}$/.test(channel);

/** Maps what the Web API client threw to what delivery needs to know. */
export const toDeliveryError = (err: unknown, context: string): DeliveryError => {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(
        { kind: 'rate-limited', retryAfterMs: Math.max(1, e.retryAfter ?? 60) * 1000 },
        `${context}: rate limited`,
        { cause: err },
      );
    case ErrorCode.PlatformError:
      return rejectedBySlack(e.data?.error ?? 'unknown_error', context);
    case ErrorCode.HTTPError:
      // A 5xx may come after Slack stored the message; a 4xx means it refused the request.
      return (e.statusCode ?? 500) >= 500
        ? new DeliveryError({ kind: 'unknown' }, `${context}: HTTP ${e.statusCode}`, { cause: err })
        : rejectedBySlack(`http_${e.statusCode}`, context);
    default:
      return asDeliveryError(err);
  }
};

interface HistoryMessage {
  readonly ts?: string;
  readonly metadata?: { event_type?: string; event_payload?: { alert_id?: unknown } };
}

export class SlackNotifier implements Notifier {
  constructor(
    private readonly token: TokenSource,
    private readonly options: SlackClientOptions = {},
  ) {}

  /**
   * A client whose timeout fits the time left, counted after the token is read (a cold secret read takes time).
   * A read may be retried once when both attempts and the pause between them fit; otherwise it gets one attempt.
   */
  private async client(budgetMs: number, what: string, fresh = false, retries = 0): Promise<WebClient> {
    const deadline = Date.now() + budgetMs;
    const outOfTime = () =>
      new DeliveryError({ kind: 'not-attempted', reason: 'out-of-time' }, `${what}: no time left`);
    if (budgetMs < MIN_CALL_MS) throw outOfTime();
    const token = await this.token(fresh);
    const left = deadline - Date.now();
    if (left < MIN_CALL_MS) throw outOfTime();
    const configured = this.options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS;
    const perTry = Math.floor((left - RETRY_PAUSE_MS * retries) / (retries + 1));
    return retries > 0 && perTry >= MIN_CALL_MS
      ? createSlackClient(token, { ...this.options, retries, timeoutMs: Math.min(configured, perTry) })
      : createSlackClient(token, { ...this.options, retries: 0, timeoutMs: Math.min(configured, left) });
  }

  /**
   * One Web API call within the budget, its errors as DeliveryErrors named `what`. A refused token was not sent
   * anything: it is tried once more with the secret read again (rotated), in the time left.
   */
  private async call<T>(
    what: string,
    budgetMs: number,
    retries: 0 | 1,
    run: (client: WebClient) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + budgetMs;
    const once = async (fresh: boolean): Promise<T> => {
      const client = await this.client(deadline - Date.now(), what, fresh, retries);
      try {
        return await run(client);
      } catch (err) {
        throw toDeliveryError(err, what);
      }
    };
    try {
      return await once(false);
    } catch (err) {
      if (!tokenRefused(err)) throw err;
      return once(true);
    }
  }

  async post(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
  ): Promise<PostedMessage> {
    return this.postMessage(postMessageArgs(channel, message, tag), budgetMs);
  }

  private postMessage(
    args: ReturnType<typeof postMessageArgs> | ReturnType<typeof threadReplyArgs>,
    budgetMs: number,
  ): Promise<PostedMessage> {
    return this.call('chat.postMessage', budgetMs, 0, async (client) => {
      // Block Kit types are structurally the subset in core/render/blocks.ts.
      const res = await client.chat.postMessage(args as ChatPostMessageArguments);
      if (!res.ts || !res.channel) {
        throw new DeliveryError({ kind: 'unknown' }, 'chat.postMessage answered without ts/channel');
      }
      return { channel: res.channel, ts: res.ts };
    });
  }

  async update(posted: PostedMessage, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<void> {
    await this.call('chat.update', budgetMs, 0, (client) =>
      client.chat.update(updateArgs(posted, message, tag) as ChatUpdateArguments),
    );
  }

  postInThread(posted: PostedMessage, text: string, budgetMs: number): Promise<PostedMessage> {
    return this.postMessage(threadReplyArgs(posted, text), budgetMs);
  }

  async postEphemeral(channel: string, user: string, text: string, budgetMs: number): Promise<void> {
    await this.call('chat.postEphemeral', budgetMs, 0, (client) =>
      client.chat.postEphemeral({ channel, user, text }),
    );
  }

  openDm(user: string, budgetMs: number): Promise<string> {
    return this.call('conversations.open', budgetMs, 0, async (client) => {
      const res = await client.conversations.open({ users: user });
      if (!res.channel?.id) {
        throw new DeliveryError({ kind: 'unknown' }, 'conversations.open answered without a channel id');
      }
      return res.channel.id;
    });
  }

  async postDm(user: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage> {
    const deadline = Date.now() + budgetMs;
    const channel = await this.openDm(user, budgetMs);
    return this.post(channel, message, tag, deadline - Date.now());
  }

  lookupUserByEmail(email: string, budgetMs: number): Promise<string | null> {
    return this.call('users.lookupByEmail', budgetMs, 1, async (client) => {
      try {
        return (await client.users.lookupByEmail({ email })).user?.id ?? null;
      } catch (err) {
        if (slackCode(err) === 'users_not_found') return null;
        throw err;
      }
    });
  }

  permalink(posted: PostedMessage, budgetMs: number): Promise<string | null> {
    return this.call('chat.getPermalink', budgetMs, 1, async (client) => {
      try {
        const res = await client.chat.getPermalink({ channel: posted.channel, message_ts: posted.ts });
        return res.permalink ?? null;
      } catch (err) {
        // Any refusal but the token's (tried again fresh) is a page without a link, not a failed page.
        const code = slackCode(err);
        if (code !== undefined && !slackErrorMeaning(code).tokenRefused) return null;
        throw err;
      }
    });
  }

  groupMembers(groupId: string, budgetMs: number): Promise<readonly string[]> {
    return this.call('usergroups.users.list', budgetMs, 1, async (client) => {
      return (await client.usergroups.users.list({ usergroup: groupId })).users ?? [];
    });
  }

  async isChannelMember(channel: string, user: string, budgetMs: number): Promise<boolean> {
    const deadline = Date.now() + budgetMs;
    let cursor: string | undefined;
    // Each page's call refuses to start without time left: a huge channel ends as out-of-time, not as a guess.
    do {
      const res = await this.call('conversations.members', deadline - Date.now(), 1, (client) =>
        client.conversations.members({ channel, limit: MEMBERS_PAGE, cursor }),
      );
      if (res.members?.includes(user)) return true;
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return false;
  }

  async findPosted(
    channel: string,
    tag: AlertTag,
    since: Date,
    budgetMs: number,
  ): Promise<PostedMessage | null> {
    if (!isChannelId(channel)) {
      // conversations.history takes IDs only; names are resolved by chat.postMessage alone.
      throw rejectedBySlack('channel_is_a_name', `conversations.history ${channel}`);
    }
    const deadline = Date.now() + budgetMs;
    const oldest = ((since.getTime() - HISTORY_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
      // No client retry: the sweeper looks again later, and a lookup must not eat the budget of the post after it.
      const res = await this.call('conversations.history', deadline - Date.now(), 0, (client) =>
        client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200, cursor }),
      );
      const found = ((res.messages ?? []) as HistoryMessage[]).find(
        (m) =>
          m.metadata?.event_type === ALERT_METADATA_EVENT &&
          m.metadata.event_payload?.alert_id === tag.alertId,
      );
      if (found?.ts) return { channel, ts: found.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    // More than a thousand messages since the first attempt: too busy to tell. Say so rather than guess.
    throw new DeliveryError(
      { kind: 'unknown' },
      `conversations.history: more than ${MAX_HISTORY_PAGES} pages to read`,
    );
  }
}

/** A Slack call the CLI shows (or makes): the exact Web API arguments, each with the channel it concerns. */
export type RecordedCall =
  | { readonly method: 'chat.postMessage'; readonly args: ReturnType<typeof postMessageArgs> }
  | { readonly method: 'chat.postMessage'; readonly args: ReturnType<typeof threadReplyArgs> }
  | { readonly method: 'chat.update'; readonly args: ReturnType<typeof updateArgs> }
  | {
      readonly method: 'chat.postEphemeral';
      readonly args: { readonly channel: string; readonly user: string; readonly text: string };
    };

/**
 * A Notifier that calls Slack only when given a delegate, and reports every message it sends or changes.
 * Without one (a dry run) it answers as an empty workspace would: nobody found, no links, no group members.
 */
export class ReportingNotifier implements Notifier {
  private count = 0;

  constructor(
    private readonly onCall: (call: RecordedCall) => void,
    private readonly delegate?: Notifier,
  ) {}

  private fakeTs(): string {
    this.count += 1;
    return `dry-run.${String(this.count).padStart(6, '0')}`;
  }

  async post(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
  ): Promise<PostedMessage> {
    this.onCall({ method: 'chat.postMessage', args: postMessageArgs(channel, message, tag) });
    if (this.delegate) return this.delegate.post(channel, message, tag, budgetMs);
    return { channel, ts: this.fakeTs() };
  }

  async findPosted(
    channel: string,
    tag: AlertTag,
    since: Date,
    budgetMs: number,
  ): Promise<PostedMessage | null> {
    return this.delegate ? this.delegate.findPosted(channel, tag, since, budgetMs) : null;
  }

  async update(posted: PostedMessage, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<void> {
    this.onCall({ method: 'chat.update', args: updateArgs(posted, message, tag) });
    if (this.delegate) await this.delegate.update(posted, message, tag, budgetMs);
  }

  async postInThread(posted: PostedMessage, text: string, budgetMs: number): Promise<PostedMessage> {
    this.onCall({ method: 'chat.postMessage', args: threadReplyArgs(posted, text) });
    if (this.delegate) return this.delegate.postInThread(posted, text, budgetMs);
    return { channel: posted.channel, ts: this.fakeTs() };
  }

  async postEphemeral(channel: string, user: string, text: string, budgetMs: number): Promise<void> {
    this.onCall({ method: 'chat.postEphemeral', args: { channel, user, text } });
    if (this.delegate) await this.delegate.postEphemeral(channel, user, text, budgetMs);
  }

  async openDm(user: string, budgetMs: number): Promise<string> {
    return this.delegate ? this.delegate.openDm(user, budgetMs) : `D-dry-run-${user}`;
  }

  async postDm(user: string, message: SlackMessage, tag: AlertTag, budgetMs: number): Promise<PostedMessage> {
    // Reported as Slack takes it too: a user id as the channel is that user's DM with the app.
    this.onCall({ method: 'chat.postMessage', args: postMessageArgs(user, message, tag) });
    if (this.delegate) return this.delegate.postDm(user, message, tag, budgetMs);
    return { channel: `D-dry-run-${user}`, ts: this.fakeTs() };
  }

  async lookupUserByEmail(email: string, budgetMs: number): Promise<string | null> {
    return this.delegate ? this.delegate.lookupUserByEmail(email, budgetMs) : null;
  }

  async permalink(posted: PostedMessage, budgetMs: number): Promise<string | null> {
    return this.delegate ? this.delegate.permalink(posted, budgetMs) : null;
  }

  async groupMembers(groupId: string, budgetMs: number): Promise<readonly string[]> {
    return this.delegate ? this.delegate.groupMembers(groupId, budgetMs) : [];
  }

  async isChannelMember(channel: string, user: string, budgetMs: number): Promise<boolean> {
    return this.delegate ? this.delegate.isChannelMember(channel, user, budgetMs) : true;
  }
}
