// The Slack notifier's responder calls (redraws, thread replies, DMs, look-ups) against the fake Slack over
// HTTP: what lands where, what Slack's refusals become, and that no call outlives the budget it was given.
import { type RecordedCall, ReportingNotifier, SlackNotifier } from '../../bot/adapters/slack-notifier';
import { presentCall } from '../../bot/cli/present';
import type { SlackMessage } from '../../bot/core/render/blocks';
import { DeliveryError } from '../../bot/pipeline/delivery-error';
import { FakeSlack } from '../helpers/fake-slack';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(() => slack.stop());
beforeEach(() => slack.reset());

const CHANNEL = 'C0SIGNINS';
const BUDGET = 5000;
const tag = { alertId: 'signin:evt-1' };
const card = (title: string): SlackMessage => ({
  text: title,
  blocks: [{ type: 'section', text: { type: 'plain_text', text: title } }],
});
/** The notifier as the worker builds it; `timeoutMs` is the configured client timeout. */
const notifier = (timeoutMs = 5000, token = async (_fresh?: boolean) => 'xoxb-test') =>
  new SlackNotifier(token, { slackApiUrl: slack.url, timeoutMs });
/** What a call threw, for assertions on the DeliveryError. */
const failure = async (call: Promise<unknown>): Promise<DeliveryError> => {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(err)}`);
  return err;
};
const alertIdOf = (m: Record<string, unknown> | undefined) =>
  (m?.metadata as { event_payload?: { alert_id?: string } } | undefined)?.event_payload?.alert_id;

describe('redrawing a card', () => {
  it('replaces the card in place and keeps its alert metadata, so a lost post is still found', async () => {
    const n = notifier();
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);

    await n.update(posted, card('acknowledged by <@U0BOB>'), tag, BUDGET);

    expect(slack.messages.get(CHANNEL)).toHaveLength(1);
    expect(slack.message(CHANNEL, posted.ts)).toMatchObject({
      text: 'acknowledged by <@U0BOB>',
      blocks: card('acknowledged by <@U0BOB>').blocks,
    });
    expect(alertIdOf(slack.message(CHANNEL, posted.ts))).toBe(tag.alertId);
    await expect(n.findPosted(CHANNEL, tag, new Date(), BUDGET)).resolves.toEqual(posted);
  });

  it('of a message Slack does not have is refused with its code', async () => {
    const err = await failure(
      notifier().update({ channel: CHANNEL, ts: '1.000001' }, card('x'), tag, BUDGET),
    );
    expect(err.failure).toMatchObject({ kind: 'rejected', code: 'message_not_found' });
  });

  it('rate limited by Slack is a rate-limited DeliveryError with its Retry-After, and not retried', async () => {
    const n = notifier();
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);
    slack.failNext('chat.update', { status: 429, retryAfterSeconds: 7 });

    const err = await failure(n.update(posted, card('acknowledged'), tag, BUDGET));

    expect(err.failure).toEqual({ kind: 'rate-limited', retryAfterMs: 7000 });
    expect(slack.attempts.filter((a) => a.method === 'chat.update')).toHaveLength(1);
    expect(slack.message(CHANNEL, posted.ts)?.text).toBe('open');
  });
});

describe('replies and direct messages', () => {
  it('a thread reply is in the card thread, not in the channel, and unfurls nothing', async () => {
    const n = notifier();
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);

    const reply = await n.postInThread(posted, 'Paging <!subteam^S0ONCALL>', BUDGET);

    expect(slack.thread(CHANNEL, posted.ts)).toEqual([
      expect.objectContaining({ ts: reply.ts, text: 'Paging <!subteam^S0ONCALL>' }),
    ]);
    expect(slack.messages.get(CHANNEL)?.map((m) => m.ts)).toEqual([posted.ts]);
    // Form-encoded, as Slack receives it.
    expect(slack.callsTo('chat.postMessage')[1]?.args).toMatchObject({
      thread_ts: posted.ts,
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
  });

  it('a DM lands in the conversation Slack opens with the user, tagged with its alert', async () => {
    const n = notifier();
    const dm = await n.postDm('U0ALICE', card('Was this you?'), tag, BUDGET);

    expect(dm.channel).toBe('DU0ALICE');
    expect(slack.callsTo('conversations.open')[0]?.args).toMatchObject({ users: 'U0ALICE' });
    expect(alertIdOf(slack.message('DU0ALICE', dm.ts))).toBe(tag.alertId);
  });

  it('an ephemeral note reaches only the user it names', async () => {
    await notifier().postEphemeral(CHANNEL, 'U0BOB', 'You cannot acknowledge your own sign-in', BUDGET);
    expect(slack.ephemerals).toEqual([
      { channel: CHANNEL, user: 'U0BOB', text: 'You cannot acknowledge your own sign-in' },
    ]);
  });
});

describe('look-ups', () => {
  it('an e-mail address nobody in Slack has is null; a known one is its user', async () => {
    slack.users.set('alice@example.com', 'U0ALICE');
    const n = notifier();
    await expect(n.lookupUserByEmail('alice@example.com', BUDGET)).resolves.toBe('U0ALICE');
    await expect(n.lookupUserByEmail('mallory@example.com', BUDGET)).resolves.toBeNull();
  });

  it('a permalink links to the message; a refused one is no link rather than an error', async () => {
    const n = notifier();
    const posted = { channel: CHANNEL, ts: '1700000000.000042' };
    await expect(n.permalink(posted, BUDGET)).resolves.toBe(
      'https://fake.slack.test/archives/C0SIGNINS/p1700000000000042',
    );
    slack.failNext('chat.getPermalink', { slackError: 'message_not_found' });
    await expect(n.permalink(posted, BUDGET)).resolves.toBeNull();
  });

  it('group members come from the user group; an unknown group is refused', async () => {
    slack.groups.set('S0ONCALL', ['U0ALICE', 'U0BOB']);
    const n = notifier();
    await expect(n.groupMembers('S0ONCALL', BUDGET)).resolves.toEqual(['U0ALICE', 'U0BOB']);
    const err = await failure(n.groupMembers('S0NOPE', BUDGET));
    expect(err.failure).toMatchObject({ kind: 'rejected', code: 'no_such_subteam' });
  });

  it('channel membership is read page by page until the user is found or the pages end', async () => {
    const members = Array.from({ length: 450 }, (_, i) => `U${String(i).padStart(4, '0')}`);
    slack.members.set(CHANNEL, members);
    const n = notifier();

    await expect(n.isChannelMember(CHANNEL, 'U0420', BUDGET)).resolves.toBe(true);
    expect(slack.callsTo('conversations.members').map((c) => c.args.cursor)).toEqual([
      undefined,
      '200',
      '400',
    ]);
    await expect(n.isChannelMember(CHANNEL, 'U0005', BUDGET)).resolves.toBe(true);
    await expect(n.isChannelMember(CHANNEL, 'U9999', BUDGET)).resolves.toBe(false);
    expect(slack.callsTo('conversations.members')).toHaveLength(3 + 1 + 3);
  });
});

describe('the budget and the token', () => {
  const elapsed = async (call: Promise<unknown>) => {
    const start = Date.now();
    const err = await failure(call);
    return { err, ms: Date.now() - start };
  };

  it('a write answered after its budget is an unknown outcome, given up when the budget ends', async () => {
    const n = notifier(10_000);
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);
    slack.failNext('chat.update', { delayMs: 2500 });

    const { err, ms } = await elapsed(n.update(posted, card('acknowledged'), tag, 1500));

    expect(err.failure.kind).toBe('unknown');
    expect(ms).toBeLessThan(1500 + 150);
  });

  it('a read is retried once only when both tries fit the budget, and never outlives it', async () => {
    const n = notifier(10_000);
    slack.failNext('users.lookupByEmail', { delayMs: 2500 }, { delayMs: 2500 });

    const { err, ms } = await elapsed(n.lookupUserByEmail('alice@example.com', 4000));

    expect(err.failure.kind).toBe('unknown');
    expect(slack.attempts.filter((a) => a.method === 'users.lookupByEmail')).toHaveLength(2);
    expect(ms).toBeLessThan(4000 + 150);
  });

  it('a call with less than a second left is not attempted', async () => {
    const err = await failure(notifier().isChannelMember(CHANNEL, 'U0ALICE', 900));
    expect(err.failure).toEqual({ kind: 'not-attempted', reason: 'out-of-time' });
    expect(slack.attempts).toHaveLength(0);
  });

  it('a refused token is tried once more with the token read again, and only once', async () => {
    const reads: boolean[] = [];
    const n = notifier(5000, async (fresh) => {
      reads.push(fresh === true);
      return fresh ? 'xoxb-rotated' : 'xoxb-cached';
    });
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);
    slack.failNext('chat.update', { slackError: 'invalid_auth' });

    await n.update(posted, card('acknowledged'), tag, BUDGET);

    expect(slack.callsTo('chat.update').map((c) => c.token)).toEqual(['xoxb-cached', 'xoxb-rotated']);
    expect(slack.message(CHANNEL, posted.ts)?.text).toBe('acknowledged');
    slack.failNext('chat.update', { slackError: 'invalid_auth' }, { slackError: 'invalid_auth' });
    const err = await failure(n.update(posted, card('resolved'), tag, BUDGET));
    expect(err.failure).toMatchObject({ kind: 'rejected', tokenRefused: true });
    expect(reads).toEqual([false, false, true, false, true]);
  });
});

describe('a dry run (no Slack)', () => {
  it('shows every message it would send or redraw, and answers as an empty workspace', async () => {
    const calls: RecordedCall[] = [];
    const n = new ReportingNotifier((c) => calls.push(c));
    const posted = await n.post(CHANNEL, card('open'), tag, BUDGET);
    await n.update(posted, card('acknowledged'), tag, BUDGET);
    await n.postInThread(posted, 'Paging on-call', BUDGET);
    await n.postEphemeral(CHANNEL, 'U0BOB', 'Only you see this', BUDGET);
    await expect(n.postDm('U0ALICE', card('Was this you?'), tag, BUDGET)).resolves.toMatchObject({
      channel: 'D-dry-run-U0ALICE',
    });
    await expect(n.lookupUserByEmail('alice@example.com', BUDGET)).resolves.toBeNull();
    await expect(n.groupMembers('S0ONCALL', BUDGET)).resolves.toEqual([]);

    const lines: string[] = [];
    for (const c of calls) presentCall(false, (l) => lines.push(l))(c);

    expect(lines.map((l) => l.split('\n')[1])).toEqual([
      `→ ${CHANNEL}`,
      `↻ update of ${CHANNEL} dry-run.000001`,
      `→ ${CHANNEL}, in the thread of dry-run.000001`,
      `→ ${CHANNEL}, seen by U0BOB only`,
      '→ U0ALICE',
    ]);
    expect(slack.attempts).toHaveLength(0);
  });
});
