// Storms through the real pipeline: ingest on dynalite, the real notifier against the fake Slack, the responder
// timers on a clock the test moves. A burst is one card whose counter ends right, for a handful of Slack calls,
// while every sign-in is stored and counted; what must stand out keeps a card of its own.
import { BURST_REDRAW_MS } from '../../bot/core/burst';
import { decodeValue } from '../../bot/core/decode-input';
import { parseIdentityMap } from '../../bot/core/identity-map';
import { DEFAULT_POLICY } from '../../bot/core/response';
import type { ResponderSettings } from '../../bot/pipeline/config';
import { ingest } from '../../bot/pipeline/ingest';
import { sweepPendingAlerts } from '../../bot/pipeline/sweep';
import { recordFrom } from '../helpers/fixtures';
import { type ResponderTestDeps, responderSetup, useResponderWorld } from '../helpers/responder-setup';

const CHANNEL = 'C0SIGNINS';
const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const IAM_SUCCESS = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const T0 = Date.parse('2026-11-24T09:00:00Z');
const MINUTE = 60_000;

const world = useResponderWorld(T0);

const settings: ResponderSettings = {
  allowed: { users: ['U0ALICE'], groups: [] },
  oncall: null,
  identityMap: parseIdentityMap({}),
  autoAsk: 'off',
  policy: DEFAULT_POLICY,
};

const setup = () => responderSetup({ ...world, settings });

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** A failed console sign-in as `user` from `ip` at `at`. Each test has its own address: one table serves all. */
const failure = (id: string, at: number, ip: string, user = 'anaya') =>
  recordFrom(IAM_FAIL, {
    eventID: id,
    eventTime: iso(at),
    sourceIPAddress: ip,
    userIdentity: { type: 'IAMUser', accountId: '111122223333', accessKeyId: '', userName: user },
  });

/** `count` failures spread evenly from `start` over `spanMs`, in batches of `batch` (as CloudWatch Logs sends). */
const storm = (tag: string, ip: string, count: number, start: number, spanMs: number, batch = 100) => {
  const records = Array.from({ length: count }, (_, i) =>
    failure(`${tag}-${i}`, start + Math.floor((i * spanMs) / count), ip),
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
  return batches;
};

/** Ingests a batch as the worker would, with the world.clock just after its newest sign-in. */
const ingestBatch = async (deps: ResponderTestDeps, records: readonly Record<string, unknown>[]) => {
  const newest = Math.max(...records.map((r) => Date.parse(String(r.eventTime))));
  world.now = Math.max(world.now, newest + 1_000);
  return ingest(decodeValue({ Records: records }), deps, { deadline: world.now + 20_000 });
};

/** The sweeper's runs until nothing is left to draw: every minute, as the schedule does. */
const sweepUntilSettled = async (deps: ResponderTestDeps, runs = 3) => {
  for (let i = 0; i < runs; i++) {
    world.now += MINUTE;
    await deps.responders.sweep({ deadline: world.now + 20_000 });
    await sweepPendingAlerts(deps, { deadline: world.now + 20_000 });
  }
};

const cardsFrom = (ip: string) =>
  (world.slack.messages.get(CHANNEL) ?? []).filter((m) => JSON.stringify(m.blocks).includes(ip));
const slackCalls = () => world.slack.calls.length;

describe('a storm of failed sign-ins', () => {
  it('is one card whose final counter says 1,000, for a handful of Slack calls, with all 1,000 counted', async () => {
    const { deps, real } = setup();
    const ip = '203.0.113.7';
    for (const batch of storm('s1k', ip, 1000, T0, 10 * MINUTE)) await ingestBatch(deps, batch);
    await sweepUntilSettled(deps);

    const cards = cardsFrom(ip);
    expect(cards).toHaveLength(1);
    const card = cards[0] as Record<string, unknown>;
    expect(String(card.text)).toContain('1,000 failed sign-ins as anaya from 203.0.113.7');
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toContain('🔁 1,000 failed sign-ins as anaya');
    expect(blocks).toContain('first 09:00:00 · last 09:09:59 UTC · 1 user, 1 IP');
    expect(blocks).toContain('brute force: 1,000 failed sign-ins in 10 min');
    // The card is high (brute force) whatever the first failure alone was.
    expect(String(card.text)).toMatch(/^HIGH: /);
    // One post, then at most one redraw per batch and per sweep: ten batches, three sweeps.
    expect(world.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slackCalls()).toBeLessThanOrEqual(14);
    const activity = await real.readActivity(
      new Date(T0 - MINUTE),
      new Date(T0 + 20 * MINUTE),
      world.clock.now(),
    );
    expect(activity.byOutcome.failure).toBe(1000);
    expect(activity.total).toBe(1000);
  });

  it("tells the card's thread, once, when the storm becomes a brute force (an edit notifies nobody)", async () => {
    const { deps } = setup();
    const ip = '203.0.113.13';
    // Four failures post the card (medium, "4 failed sign-ins"); the next batches make it a brute force.
    for (const batch of storm('bf', ip, 24, T0, 6 * MINUTE, 4)) await ingestBatch(deps, batch);
    await sweepUntilSettled(deps);
    const [card] = cardsFrom(ip);
    expect(String(card?.text)).toMatch(/^HIGH: /);
    const replies = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined && String(c.args.text).includes('brute force'));
    expect(replies.map((c) => c.args.text)).toEqual([
      expect.stringMatching(/^⬆️ Raised to high: brute force: \d+ failed sign-ins in \d+ min$/),
    ]);
  });

  it('still gives a root sign-in and a first-seen success in the middle their own cards', async () => {
    const { deps } = setup();
    const ip = '203.0.113.8';
    const batches = storm('mid', ip, 300, T0, 3 * MINUTE);
    const middle = T0 + 90_000;
    (batches[1] as Record<string, unknown>[]).push(
      recordFrom(ROOT, { eventID: 'mid-root', eventTime: iso(middle), sourceIPAddress: ip }),
      recordFrom(IAM_SUCCESS, {
        eventID: 'mid-success',
        eventTime: iso(middle + 1_000),
        sourceIPAddress: ip,
      }),
    );
    for (const batch of batches) await ingestBatch(deps, batch);
    await sweepUntilSettled(deps);

    const texts = cardsFrom(ip).map((m) => String(m.text));
    expect(texts).toHaveLength(3);
    expect(texts.filter((t) => t.includes('300 failed sign-ins'))).toHaveLength(1);
    expect(texts.filter((t) => /root/i.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /signed in|succeeded/i.test(t) && !/root/i.test(t))).toHaveLength(1);
  });

  it('gives one card and the exact count when two workers count one storm at once', async () => {
    const a = setup();
    const b = setup();
    const ip = '203.0.113.9';
    const [first, second, third, fourth] = storm('race', ip, 400, T0, 2 * MINUTE);
    world.now = T0 + 3 * MINUTE;
    const results = await Promise.all([
      ingest(decodeValue({ Records: first }), a.deps),
      ingest(decodeValue({ Records: second }), b.deps),
      ingest(decodeValue({ Records: third }), a.deps),
      ingest(decodeValue({ Records: fourth }), b.deps),
    ]);
    await sweepUntilSettled(a.deps);

    expect(results.reduce((n, r) => n + r.posted, 0)).toBe(1);
    const cards = cardsFrom(ip);
    expect(cards).toHaveLength(1);
    expect(String(cards[0]?.text)).toContain('400 failed sign-ins');
    // No card was left behind pending either.
    await expect(sweepPendingAlerts(a.deps)).resolves.toMatchObject({ posted: 0, retried: 0 });
  });

  it('opens one group however many workers try to open it at the same moment, and loses no count', async () => {
    const { real } = setup();
    const key = JSON.stringify(['race-store', '203.0.113.99']);
    const at = iso(T0);
    const joins = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        real.joinBurst(
          {
            key,
            windowMs: 10 * MINUTE,
            alert: {
              alertId: `signin:race-store-${i}`,
              kind: 'signin',
              subjectId: `race-store-${i}`,
              severity: 'medium',
              channel: CHANNEL,
              message: { text: 'x', blocks: [] },
            },
            counters: {
              count: 25,
              failures: 25,
              first: at,
              last: at,
              users: ['anaya'],
              ips: ['203.0.113.99'],
            },
          },
          world.clock.now(),
        ),
      ),
    );
    const opened = joins.filter((j) => j.kind === 'opened');
    expect(opened).toHaveLength(1);
    const card = opened[0]?.alertId as string;
    expect(joins.every((j) => j.alertId === card)).toBe(true);
    expect((await real.getAlert(card))?.burst).toMatchObject({ count: 200, failures: 200 });
    // The losers' cards were withdrawn before anyone tried them: nothing else is due.
    const due = await real.listDueAlerts(world.clock.now(), 50);
    expect(due.filter((d) => d.alertId.startsWith('signin:race-store-')).map((d) => d.alertId)).toEqual([
      card,
    ]);
  });

  it('opens a new card for a sign-in after the window', async () => {
    const { deps } = setup();
    const ip = '203.0.113.10';
    for (const batch of storm('win', ip, 50, T0, MINUTE)) await ingestBatch(deps, batch);
    // Eleven minutes after the last one: the first storm's window (10 min) is over.
    await ingestBatch(deps, [failure('win-late', T0 + 12 * MINUTE, ip)]);
    await sweepUntilSettled(deps);

    const texts = cardsFrom(ip).map((m) => String(m.text));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('50 failed sign-ins');
    expect(texts[1]).not.toContain('failed sign-ins as');
  });

  it('acknowledges the whole storm with one click on its card', async () => {
    const { deps, responders, real } = setup();
    const ip = '203.0.113.11';
    const [head, ...rest] = storm('ack', ip, 200, T0, 2 * MINUTE);
    await ingestBatch(deps, head as Record<string, unknown>[]);
    const alertId = 'signin:ack-0';
    const ts = String(cardsFrom(ip)[0]?.ts);
    const reply = await responders.button('acknowledge', {
      alertId,
      user: 'U0ALICE',
      channel: CHANNEL,
      requestKey: 'U0ALICE:1',
      deadline: world.now + 3_000,
    });
    expect(reply).toBeNull();
    for (const batch of rest) await ingestBatch(deps, batch);
    await sweepUntilSettled(deps);

    const alert = await real.getAlert(alertId);
    expect(alert?.response?.state).toBe('acknowledged');
    expect(alert?.burst?.count).toBe(200);
    const card = world.slack.message(CHANNEL, ts);
    expect(String(card?.text)).toContain('200 failed sign-ins');
    expect(JSON.stringify(card?.blocks)).toContain('Acknowledged');
    expect(cardsFrom(ip)).toHaveLength(1);
  });

  it("pages a storm as its card shows it: high for a brute force, with the group's count", async () => {
    const { deps, responders, escalations } = setup();
    const ip = '203.0.113.14';
    for (const batch of storm('page', ip, 30, T0, 3 * MINUTE, 10)) await ingestBatch(deps, batch);
    await sweepUntilSettled(deps);
    const reply = await responders.button('escalate', {
      alertId: 'signin:page-0',
      user: 'U0ALICE',
      channel: CHANNEL,
      requestKey: 'U0ALICE:page',
      deadline: world.now + 3_000,
    });
    expect(reply).toBeNull();
    await sweepUntilSettled(deps, 1);
    const page = escalations.find((e) => e.attributes?.alertId === 'signin:page-0');
    expect(page?.subject).toMatch(/^signins: ESCALATED HIGH: /);
    expect(page?.message).toContain('Storm: 30 failed sign-ins as anaya from 203.0.113.14');
    expect(page?.message).toContain('(brute force: 30 failed sign-ins in 3 min)');
    expect(page?.attributes?.severity).toBe('high');
  });

  it('ends with the right counter when Slack answers a redraw with 429 and Retry-After', async () => {
    const { deps, real } = setup();
    const ip = '203.0.113.12';
    const batches = storm('rate', ip, 300, T0, 3 * MINUTE);
    await ingestBatch(deps, batches[0] as Record<string, unknown>[]);
    // The next redraw is refused for 30 s.
    world.slack.failNext('chat.update', { status: 429, retryAfterSeconds: 30 });
    world.now += BURST_REDRAW_MS;
    await ingestBatch(deps, batches[1] as Record<string, unknown>[]);
    const refusedAt = world.now;
    expect((await real.getAlert('signin:rate-0'))?.burst?.redrawAt).toBe(
      new Date(refusedAt + 30_000).toISOString(),
    );
    await ingestBatch(deps, batches[2] as Record<string, unknown>[]);
    await sweepUntilSettled(deps);

    const attempts = world.slack.attempts.filter((a) => a.method === 'chat.update');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const card = cardsFrom(ip)[0];
    expect(String(card?.text)).toContain('300 failed sign-ins');
    expect((await real.getAlert('signin:rate-0'))?.burst).toMatchObject({ count: 300, drawnCount: 300 });
  });
});

describe('a brute force that routing would keep out of Slack (post: [critical, high])', () => {
  const highOnly = (deps: ResponderTestDeps): ResponderTestDeps => ({
    ...deps,
    routing: { ...deps.routing, post: ['critical', 'high'] },
  });

  it('is posted as a high card from its tenth failure, whose later failures count on it, while a few failures stay unposted', async () => {
    const { deps: all } = setup();
    const deps = highOnly(all);
    const ip = '203.0.113.21';
    // Nine failures one a minute, three per delivery: medium each, so stored only.
    for (const batch of storm('hidden', ip, 9, T0, 9 * MINUTE, 3)) {
      const result = await ingestBatch(deps, batch);
      expect(result).toMatchObject({ posted: 0, storedOnly: 3 });
    }
    expect(cardsFrom(ip)).toHaveLength(0);
    // The tenth, eleventh and twelfth arrive together.
    const more = [9, 10, 11].map((i) => failure(`hidden-${i}`, T0 + i * MINUTE, ip));
    const result = await ingestBatch(deps, more);
    expect(result).toMatchObject({ posted: 1, grouped: 2, storedOnly: 0 });
    await sweepUntilSettled(deps);

    const cards = cardsFrom(ip);
    expect(cards).toHaveLength(1);
    const card = cards[0] as Record<string, unknown>;
    expect(String(card.text)).toMatch(/^HIGH: /);
    expect(JSON.stringify(card.blocks)).toContain('brute force: 10 failed sign-ins in 9 min');
    // The nine that led up to it unseen are on its counter too.
    expect(String(card.text)).toContain('12 failed sign-ins as anaya from 203.0.113.21');
    // Posted high already: no thread line raises it again when its own count passes ten.
    const raisedAgain = world.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined && String(c.args.text).includes('Raised to high'));
    expect(raisedAgain).toHaveLength(0);

    // A few failures from elsewhere are still kept out, as the routing asks.
    const fewIp = '203.0.113.22';
    for (const batch of storm('few', fewIp, 5, T0, 5 * MINUTE, 5))
      expect(await ingestBatch(deps, batch)).toMatchObject({ posted: 0, storedOnly: 5 });
    expect(cardsFrom(fewIp)).toHaveLength(0);
  });
  it('counts every failure of a big hidden brute force on its card, batches of 500 included', async () => {
    const { deps: all } = setup();
    const deps = highOnly(all);
    const ip = '203.0.113.23';
    const results = [];
    for (const batch of storm('big-hidden', ip, 1000, T0, 1000 * 1000, 500))
      results.push(await ingestBatch(deps, batch));
    await sweepUntilSettled(deps);
    // The first nine are kept out of Slack when they come; the tenth opens the card, which counts them all.
    expect(results.map((r) => r.storedOnly)).toEqual([9, 0]);
    const cards = cardsFrom(ip);
    expect(cards).toHaveLength(1);
    expect(String(cards[0]?.text)).toContain('1,000 failed sign-ins as anaya from 203.0.113.23');
  });
});
