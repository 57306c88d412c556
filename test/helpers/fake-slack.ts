// A fake Slack Web API on 127.0.0.1: records every call and injects faults (HTTP errors, 429 with
// Retry-After, slow answers). Point the client at it with slackApiUrl / SLACK_API_URL. It keeps what a
// workspace would (messages, thread replies, ephemeral notes) and answers the look-ups the responder makes
// (users by e-mail, user groups, channel members) from maps a test fills.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSocketMode } from './fake-socket-mode';

export interface RecordedSlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly token: string | undefined;
}

export interface Fault {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /**
   * A slow answer. Without `status` the call is carried out first (a post lands in the channel) and only
   * the answer is late, as when Slack is slow: the client may time out on a post that is in Slack.
   */
  readonly delayMs?: number;
  /** A Slack-level error: HTTP 200 with {ok:false, error}. */
  readonly slackError?: string;
  /** The call is carried out (a post lands in the channel) and then answered with the fault anyway. */
  readonly landed?: boolean;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const parseArgs = (body: string, contentType: string | undefined): Record<string, unknown> => {
  if (body === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // The client sends structured arguments (blocks, attachments) as JSON strings in form bodies.
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
};

/** One page of `limit` items from `cursor` (an offset, as opaque to the client as Slack's), and the next cursor. */
const paged = <T>(all: readonly T[], args: Record<string, unknown>): { page: T[]; next: string } => {
  const limit = Number(args.limit ?? 100);
  const offset = Number(args.cursor ?? 0);
  const next = offset + limit < all.length ? String(offset + limit) : '';
  return { page: all.slice(offset, offset + limit), next };
};

export class FakeSlack {
  readonly calls: RecordedSlackCall[] = [];
  /** Socket Mode: apps.connections.open hands out a WebSocket URL served here. */
  readonly socketMode = new FakeSocketMode();
  /** Every HTTP attempt, including the ones answered with a fault. */
  readonly attempts: { method: string; at: number }[] = [];
  private readonly faults = new Map<string, Fault[]>();
  /** Messages that landed, per channel, oldest first (conversations.history serves them). */
  readonly messages = new Map<string, Record<string, unknown>[]>();
  /** Thread replies, keyed `${channel}:${thread_ts}`, oldest first: not part of the channel's history. */
  readonly threads = new Map<string, Record<string, unknown>[]>();
  /** chat.postEphemeral notes, in order. */
  readonly ephemerals: { channel: string; user: string; text: string }[] = [];
  /** users.lookupByEmail: e-mail → user id. */
  readonly users = new Map<string, string>();
  /** usergroups.users.list: group id → user ids. */
  readonly groups = new Map<string, string[]>();
  /** conversations.members: channel → user ids. */
  readonly members = new Map<string, string[]>();
  private server: Server | undefined;
  private tsCounter = 0;
  /** Slack's message ts: epoch seconds now, with a counter that keeps them unique. */
  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  /** The base URL for slackApiUrl (ends with /api/). */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    this.server.on('upgrade', (req, socket) => this.socketMode.upgrade(req, socket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.socketMode.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Queues faults for the next calls of `method`, one per call, in order. */
  failNext(method: string, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  callsTo(method: string): RecordedSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The top-level message `ts` of `channel` as it stands now (after any chat.update). */
  message(channel: string, ts: string): Record<string, unknown> | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** The replies in the thread of `ts`, oldest first. */
  thread(channel: string, ts: string): Record<string, unknown>[] {
    return this.threads.get(`${channel}:${ts}`) ?? [];
  }

  reset(): void {
    this.calls.length = 0;
    this.attempts.length = 0;
    this.faults.clear();
    this.messages.clear();
    this.threads.clear();
    this.ephemerals.length = 0;
    this.users.clear();
    this.groups.clear();
    this.members.clear();
  }

  private async handle(req: IncomingMessage) {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const body = await readBody(req);
    this.attempts.push({ method, at: Date.now() });
    const fault = this.faults.get(method)?.shift();
    const late = () => new Promise((r) => setTimeout(r, fault?.delayMs ?? 0));
    if (fault?.landed) this.answer(method, parseArgs(body, req.headers['content-type']));
    if (fault?.status) {
      await late();
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return {
        status: fault.status,
        headers,
        body: { ok: false, error: fault.status === 429 ? 'ratelimited' : 'internal_error' },
      };
    }
    const args = parseArgs(body, req.headers['content-type']);
    const auth = req.headers.authorization;
    this.calls.push({
      method,
      args,
      token: auth?.replace(/^Bearer /, '') ?? (args.token as string | undefined),
    });
    if (fault?.slackError) {
      await late();
      return { status: 200, headers: {}, body: { ok: false, error: fault.slackError } };
    }
    const answer = this.answer(method, args);
    await late();
    return { status: 200, headers: {}, body: answer };
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'signins',
          team_id: 'T0FAKE',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace(/^http/, 'ws').replace(/api\/$/, '')}link/?ticket=fake` };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral': {
        const note = { channel: String(args.channel), user: String(args.user), text: String(args.text) };
        this.ephemerals.push(note);
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.getPermalink': {
        const ts = String(args.message_ts);
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://fake.slack.test/archives/${String(args.channel)}/p${ts.replace('.', '')}`,
        };
      }
      case 'conversations.history':
        return this.history(args);
      case 'conversations.members': {
        const members = this.members.get(String(args.channel));
        if (!members) return { ok: false, error: 'channel_not_found' };
        const { page, next } = paged(members, args);
        return { ok: true, members: page, response_metadata: { next_cursor: next } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users)}` } };
      case 'users.lookupByEmail': {
        const id = this.users.get(String(args.email));
        return id
          ? { ok: true, user: { id, profile: { email: args.email } } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'usergroups.users.list': {
        const users = this.groups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'views.open':
        return { ok: true, view: { id: 'V1' } };
      default:
        return { ok: true };
    }
  }

  /** A top-level message lands in the channel; a reply (thread_ts) lands in its thread only. */
  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const ts = this.nextTs();
    const channel = String(args.channel);
    const message = {
      type: 'message',
      ts,
      text: args.text,
      blocks: args.blocks,
      bot_id: 'B0BOT',
      metadata: args.metadata,
      ...(args.thread_ts === undefined ? {} : { thread_ts: String(args.thread_ts) }),
    };
    const key = args.thread_ts === undefined ? channel : `${channel}:${String(args.thread_ts)}`;
    const store = args.thread_ts === undefined ? this.messages : this.threads;
    store.set(key, [...(store.get(key) ?? []), message]);
    return { ok: true, channel, ts, message: { text: args.text } };
  }

  /** Redraws a message in place: same ts, new text and blocks; metadata kept unless new metadata is given. */
  private update(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel);
    const ts = String(args.ts);
    const list = this.messages.get(channel) ?? [];
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return { ok: false, error: 'message_not_found' };
    const old = list[index] as Record<string, unknown>;
    list[index] = {
      ...old,
      text: args.text,
      blocks: args.blocks,
      metadata: args.metadata ?? old.metadata,
      edited: { user: 'U0BOT', ts: this.nextTs() },
    };
    return { ok: true, channel, ts, text: args.text, message: { text: args.text } };
  }

  /** Newest first, `oldest` honoured, metadata only when asked for, pages of `limit` with a cursor. */
  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel);
    const oldest = Number(args.oldest ?? 0);
    const all = [...(this.messages.get(channel) ?? [])]
      .filter((m) => Number(m.ts) > oldest)
      .reverse()
      .map((m) =>
        args.include_all_metadata === true || args.include_all_metadata === 'true'
          ? m
          : { ...m, metadata: undefined },
      );
    const { page, next } = paged(all, args);
    return { ok: true, messages: page, has_more: next !== '', response_metadata: { next_cursor: next } };
  }
}
