import type { BaselineFacts } from '../../bot/core/baseline-types';
import {
  type BurstCounters,
  burstExemption,
  burstKey,
  burstRedrawDue,
  burstRuns,
  burstSeverity,
  burstWords,
  failuresLeadingTo,
  joinsBurst,
  listed,
  MAX_BURST_SPAN_MS,
} from '../../bot/core/burst';
import { HIDDEN_USER_LABEL } from '../../bot/core/identity';
import { renderSignInCard, withBurst } from '../../bot/core/render/sign-in-card';
import { syntheticSignIn } from '../helpers/sign-in';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-24T09:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const failure = (id: string, ms: number, over = {}) =>
  syntheticSignIn({ eventId: id, time: at(ms), outcome: 'failure', severity: 'medium', ...over });

const known: BaselineFacts = {
  knownUser: true,
  userSignIns: 12,
  userSince: at(-30 * 86_400_000),
  seen: { ip: { first: false, count: 12, since: at(-30 * 86_400_000), value: '203.0.113.7' } },
  recent: [],
};
const _newIp: BaselineFacts = { ...known, seen: { ip: { first: true, count: 0, since: null, value: 'x' } } };

const counters = (over: Partial<BurstCounters> = {}): BurstCounters => ({
  count: 1234,
  failures: 1234,
  first: '2026-11-24T09:00:03.000Z',
  last: '2026-11-24T09:04:58.000Z',
  users: ['alice'],
  ips: ['203.0.113.7'],
  ...over,
});

describe('which sign-ins form one storm', () => {
  it('groups by account, principal as recorded, address and outcome, hidden user names included', () => {
    const hidden = { principal: HIDDEN_USER_LABEL };
    expect(burstKey(failure('a', 0, hidden), 'C1')).toBe(burstKey(failure('b', 5_000, hidden), 'C1'));
    expect(burstKey(failure('a', 0), 'C1')).not.toBe(
      burstKey(failure('a', 0, { sourceIp: '198.51.100.1' }), 'C1'),
    );
    expect(burstKey(failure('a', 0), 'C1')).not.toBe(burstKey(failure('a', 0, { outcome: 'success' }), 'C1'));
    expect(burstKey(failure('a', 0), 'C1')).not.toBe(burstKey(failure('a', 0, { principal: 'bob' }), 'C1'));
    expect(burstKey(failure('a', 0), 'C1')).not.toBe(
      burstKey(failure('a', 0, { accountId: '444455556666' }), 'C1'),
    );
  });

  it('counts only failures on a storm card: root and every success keep their own card, raised failures join', () => {
    expect(burstExemption(failure('r', 0, { identityType: 'Root' }))).toBe('root');
    // A success, even from a familiar address: an attacker behind the person's own NAT is not counted away.
    expect(burstExemption(failure('s', 0, { outcome: 'success' }))).toBe('success');
    expect(burstExemption(failure('n', 0, { outcome: null }))).toBe('success');
    expect(burstExemption(failure('t', 0, { time: null }))).toBe('no-time');
    // A failure joins, raised or not: the first from a new place opens the storm with the raise on its card.
    expect(burstExemption(failure('f', 0))).toBeNull();
  });

  it('cuts a batch into runs where the gap to the previous sign-in is longer than the window', () => {
    const item = (id: string, ms: number, over = {}) => {
      const signIn = failure(id, ms, over);
      return { signIn, key: burstKey(signIn, 'C1') };
    };
    const runs = burstRuns(
      [
        item('c', 9 * MINUTE),
        item('a', 0),
        item('b', 5 * MINUTE),
        item('late', 20 * MINUTE),
        item('other', MINUTE, { sourceIp: '198.51.100.1' }),
      ],
      10 * MINUTE,
    );
    expect(runs.map((r) => r.members.map((m) => m.signIn.eventId))).toEqual([
      ['a', 'b', 'c'],
      ['late'],
      ['other'],
    ]);
    expect(runs[0]).toMatchObject({ first: at(0), last: at(9 * MINUTE) });
  });

  it('lets a run join a group when it comes within the window of the group, either side', () => {
    const group = { first: at(0), last: at(5 * MINUTE) };
    expect(joinsBurst(group, { first: at(15 * MINUTE), last: at(16 * MINUTE) }, 10 * MINUTE)).toBe(true);
    expect(joinsBurst(group, { first: at(15 * MINUTE + 1), last: at(16 * MINUTE) }, 10 * MINUTE)).toBe(false);
    expect(joinsBurst(group, { first: at(-12 * MINUTE), last: at(-10 * MINUTE) }, 10 * MINUTE)).toBe(true);
    expect(joinsBurst(group, { first: at(-12 * MINUTE), last: at(-11 * MINUTE) }, 10 * MINUTE)).toBe(false);
  });

  it('starts a new card after an hour, however steadily a slow brute force keeps coming', () => {
    const group = { first: at(0), last: at(55 * MINUTE) };
    expect(joinsBurst(group, { first: at(59 * MINUTE), last: at(60 * MINUTE) }, 10 * MINUTE)).toBe(true);
    expect(joinsBurst(group, { first: at(59 * MINUTE), last: at(61 * MINUTE) }, 10 * MINUTE)).toBe(false);
    // One attempt every 9 minutes for 3 hours in one batch: runs of at most an hour each.
    const slow = Array.from({ length: 21 }, (_, i) => {
      const signIn = failure(`slow-${i}`, i * 9 * MINUTE);
      return { signIn, key: burstKey(signIn, 'C1') };
    });
    const runs = burstRuns(slow, 10 * MINUTE);
    expect(runs.map((r) => r.members.length)).toEqual([7, 7, 7]);
    for (const r of runs)
      expect(Date.parse(r.last) - Date.parse(r.first)).toBeLessThanOrEqual(MAX_BURST_SPAN_MS);
  });

  it('lists a few distinct values, no empty ones', () => {
    expect(listed(['a', null, 'a', '', 'b', 'c', 'd', 'e', 'f'])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('a storm card', () => {
  it('counts the group in words: how many, who, from where, first and last, distinct users and IPs', () => {
    expect(burstWords(counters(), (v) => v)).toBe(
      '1,234 failed sign-ins as alice from 203.0.113.7 · first 09:00:03 · last 09:04:58 UTC · 1 user, 1 IP',
    );
    expect(burstWords(counters({ failures: 0, count: 2 }), (v) => v)).toMatch(/^2 sign-ins as alice/);
  });

  it('is high from ten failures on, and says it is a brute force', () => {
    expect(burstSeverity('medium', { failures: 9 })).toBe('medium');
    expect(burstSeverity('medium', { failures: 10 })).toBe('high');
    expect(burstSeverity('critical', { failures: 10 })).toBe('critical');
    const base = renderSignInCard(failure('e-1', 3_000), { accountName: null });
    const card = withBurst(base, 'medium', counters());
    const text = JSON.stringify(card.blocks);
    expect(card.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '🔴 🔁 1,234 failed sign-ins as alice' },
    });
    expect(text).toContain('High: brute force: 1,234 failed sign-ins in 5 min');
    expect(card.text).toMatch(/^HIGH: 1,234 failed sign-ins as alice/);
  });

  it('is the card as it was for a group of one', () => {
    const base = renderSignInCard(failure('e-1', 0), { accountName: null });
    expect(withBurst(base, 'medium', counters({ count: 1, failures: 1 }))).toBe(base);
  });

  it('keeps a principal that tries mentions or links as text', () => {
    const evil = '<!channel> <https://evil.example|click> &';
    const base = renderSignInCard(failure('e-1', 0, { principal: evil }), { accountName: null });
    const card = withBurst(base, 'medium', counters({ users: [evil] }));
    expect(card.text).not.toContain('<!channel>');
    expect(card.text).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
  });

  it('is redrawn at once, unless a redraw or a Retry-After says later', () => {
    const now = new Date(T0);
    expect(burstRedrawDue({}, now)).toBe(now);
    expect(burstRedrawDue({ redrawAt: at(-1) }, now)).toBe(now);
    expect(burstRedrawDue({ redrawAt: at(30_000) }, now).toISOString()).toBe(at(30_000));
  });
});

describe('failuresLeadingTo (a failure that routing hides, found to be part of a brute force)', () => {
  const WINDOW = 10 * MINUTE;
  it('counts the chain of its group up to it, each within the window of the next, itself included', () => {
    const chain = Array.from({ length: 10 }, (_, i) => failure(`f${i}`, i * 4 * MINUTE));
    const last = chain[9] as (typeof chain)[number];
    expect(failuresLeadingTo(last, chain, WINDOW)).toEqual({ failures: 10, first: at(0), last: last.time });
  });

  it('stops at a gap longer than the window, and at the longest span a storm may have', () => {
    const before = failure('old', 0);
    const after = [failure('a', 11 * MINUTE), failure('b', 12 * MINUTE)];
    expect(failuresLeadingTo(after[1] as (typeof after)[number], [before, ...after], WINDOW).failures).toBe(
      2,
    );
    const slow = Array.from({ length: 20 }, (_, i) => failure(`s${i}`, i * 5 * MINUTE));
    // Twenty failures five minutes apart: only those in the hour up to the last one.
    expect(failuresLeadingTo(slow[19] as (typeof slow)[number], slow, WINDOW).failures).toBe(
      MAX_BURST_SPAN_MS / (5 * MINUTE) + 1,
    );
  });

  it("counts neither successes, later sign-ins, nor another address's or person's failures, nor itself twice", () => {
    const s = failure('me', 10 * MINUTE);
    const others = [
      s,
      failure('ok', 9 * MINUTE, { outcome: 'success' }),
      failure('later', 11 * MINUTE),
      failure('elsewhere', 9 * MINUTE, { sourceIp: '198.51.100.1' }),
      failure('someone', 9 * MINUTE, { principal: 'bob' }),
      failure('same', 8 * MINUTE),
    ];
    expect(failuresLeadingTo(s, others, WINDOW).failures).toBe(2);
  });
});
