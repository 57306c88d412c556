// Notifier on the Slack Web API. Every card carries its alert id in message metadata, so that a post whose
// outcome is unknown can be found in the channel instead of being posted again
// (https://api.slack.com/metadata/using). Each call gets a timeout within the time the caller has left.
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { SlackMessage } from '../core/render/blocks';
import { asDeliveryError, DeliveryError, rejectedBySlack } from '../pipeline/delivery-error';
import type { AlertTag, Notifier, PostedMessage } from '../ports';
import { createSlackClient, DEFAULT_SLACK_TIMEOUT_MS, type SlackClientOptions } from './slack-client';

export const ALERT_METADATA_EVENT = 'signins_alert';

/** Calls shorter than this are not worth starting: the answer would come after the caller's deadline. */
const MIN_CALL_MS = 1000;
/** Pages of history read when looking for a post (200 messages each). */
const MAX_HISTORY_PAGES = 5;
/** Slack's clock and ours differ a little: look a minute further back than the first attempt. */
const HISTORY_MARGIN_MS = 60_000;

/** The exact chat.postMessage arguments for a card: no unfurling of links the record may carry. */
export const postMessageArgs = (channel: string, message: SlackMessage, tag: AlertTag) => ({
  channel,
  text: message.text,
  blocks: message.blocks,
  unfurl_links: false,
  unfurl_media: false,
  metadata: { event_type: ALERT_METADATA_EVENT, event_payload: { alert_id: tag.alertId } },
});

/**
 * A token now, or a DeliveryError saying why there is none yet (the secret is not set). `fresh`: Slack refused the
 * one given before, so read it again rather than from a cache.
 */
export type TokenSource = (fresh?: boolean) => Promise<string>;

const tokenRefused = (err: unknown): boolean =>
  err instanceof DeliveryError && err.failure.kind === 'rejected' && err.failure.tokenRefused;

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

  /** A client whose timeout fits the time left, counted after the token is read (a cold secret read takes time). */
  private async client(budgetMs: number, what: string, fresh = false): Promise<WebClient> {
    const deadline = Date.now() + budgetMs;
    const outOfTime = () =>
      new DeliveryError({ kind: 'not-attempted', reason: 'out-of-time' }, `${what}: no time left`);
    if (budgetMs < MIN_CALL_MS) throw outOfTime();
    const token = await this.token(fresh);
    const left = deadline - Date.now();
    if (left < MIN_CALL_MS) throw outOfTime();
    const timeoutMs = Math.min(this.options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS, left);
    return createSlackClient(token, { ...this.options, retries: 0, timeoutMs });
  }

  async post(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
  ): Promise<PostedMessage> {
    const deadline = Date.now() + budgetMs;
    try {
      return await this.postOnce(channel, message, tag, budgetMs, false);
    } catch (err) {
      // A refused token was not sent anything: safe to try once more with the secret read again (rotated).
      if (!tokenRefused(err)) throw err;
      return this.postOnce(channel, message, tag, deadline - Date.now(), true);
    }
  }

  private async postOnce(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
    fresh: boolean,
  ): Promise<PostedMessage> {
    const client = await this.client(budgetMs, 'chat.postMessage', fresh);
    let res: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
    try {
      // Block Kit types are structurally the subset in core/render/blocks.ts.
      res = await client.chat.postMessage(
        postMessageArgs(channel, message, tag) as Parameters<WebClient['chat']['postMessage']>[0],
      );
    } catch (err) {
      throw toDeliveryError(err, 'chat.postMessage');
    }
    if (!res.ts || !res.channel) {
      throw new DeliveryError({ kind: 'unknown' }, 'chat.postMessage answered without ts/channel');
    }
    return { channel: res.channel, ts: res.ts };
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
      const client = await this.client(deadline - Date.now(), 'conversations.history');
      let res: Awaited<ReturnType<WebClient['conversations']['history']>>;
      try {
        res = await client.conversations.history({
          channel,
          oldest,
          include_all_metadata: true,
          limit: 200,
          cursor,
        });
      } catch (err) {
        throw toDeliveryError(err, 'conversations.history');
      }
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

export interface RecordedCall {
  readonly method: 'chat.postMessage';
  readonly args: ReturnType<typeof postMessageArgs>;
}

/** A Notifier that calls Slack only when given a delegate, and reports every post it makes. */
export class ReportingNotifier implements Notifier {
  private count = 0;

  constructor(
    private readonly onCall: (call: RecordedCall) => void,
    private readonly delegate?: Notifier,
  ) {}

  async post(
    channel: string,
    message: SlackMessage,
    tag: AlertTag,
    budgetMs: number,
  ): Promise<PostedMessage> {
    this.onCall({ method: 'chat.postMessage', args: postMessageArgs(channel, message, tag) });
    if (this.delegate) return this.delegate.post(channel, message, tag, budgetMs);
    this.count += 1;
    return { channel, ts: `dry-run.${String(this.count).padStart(6, '0')}` };
  }

  async findPosted(
    channel: string,
    tag: AlertTag,
    since: Date,
    budgetMs: number,
  ): Promise<PostedMessage | null> {
    return this.delegate ? this.delegate.findPosted(channel, tag, since, budgetMs) : null;
  }
}
