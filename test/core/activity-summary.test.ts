// The answer computed from raw sign-ins (filtered queries, CloudTrail history, and the rollups' oracle), and
// the filters of `/signins`.
import { LATEST_SIGN_INS, matchesFilters, summarizeSignIns } from '../../bot/core/activity-summary';
import { NO_FILTERS, type QueryFilters } from '../../bot/core/query';
import { emptyTally, mergeTally, tallySignIn } from '../../bot/core/rollup';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-02T15:20:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

let seq = 0;
const signIn = (over: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn =>
  syntheticSignIn({ eventId: `e-${++seq}`, time: ago(10 * 60_000), ...over });

const filters = (over: Partial<QueryFilters>): QueryFilters => ({ ...NO_FILTERS, ...over });
const DAY_WINDOW = [new Date(NOW.getTime() - 24 * HOUR), NOW] as const;

describe('summarizing raw sign-ins', () => {
  it('counts totals by outcome, identity type and missing MFA', () => {
    const s = summarizeSignIns(
      [
        signIn(),
        signIn({ outcome: 'failure', mfa: 'unknown' }),
        signIn({ identityType: 'Root', principal: 'root', mfa: 'no' }),
        signIn({ mfa: 'no', outcome: 'failure' }),
        signIn({ eventName: 'CheckMfa', outcome: null }),
      ],
      ...DAY_WINDOW,
    );
    expect(s.total).toBe(5);
    expect(s.byOutcome).toEqual({ success: 2, failure: 2, other: 1 });
    expect(s.byIdentityType).toEqual({ IAMUser: 4, Root: 1 });
    // Only a successful sign-in without MFA counts: a failed one got nobody in.
    expect(s.noMfa).toBe(1);
    expect(s.source).toBe('records');
    expect(s.partial).toBeUndefined();
  });

  it('lists people most active first, with their newest spelling, failures and top source IPs', () => {
    const s = summarizeSignIns(
      [
        signIn({ principal: 'Bob', time: ago(3 * HOUR), sourceIp: '198.51.100.1' }),
        signIn({ principal: 'bob', time: ago(HOUR), sourceIp: '198.51.100.1', outcome: 'failure' }),
        signIn({ principal: 'bob', time: ago(2 * HOUR), sourceIp: '198.51.100.2', mfa: 'no' }),
        signIn({ principal: 'alice', time: ago(30 * 60_000) }),
      ],
      ...DAY_WINDOW,
    );
    expect(s.principals.map((p) => [p.key, p.signIns])).toEqual([
      ['bob', 3],
      ['alice', 1],
    ]);
    const bob = s.principals[0];
    expect(bob).toMatchObject({
      principal: 'bob',
      accountId: '111122223333',
      identityType: 'IAMUser',
      failures: 1,
      noMfa: 1,
      lastSeen: ago(HOUR),
      sourceIps: [
        { ip: '198.51.100.1', count: 2 },
        { ip: '198.51.100.2', count: 1 },
      ],
      distinctIps: 2,
    });
  });

  it('counts the same name in two accounts as two people, and an IP by how many people used it', () => {
    const s = summarizeSignIns(
      [signIn(), signIn({ accountId: '444455556666' }), signIn({ principal: 'carol' })],
      ...DAY_WINDOW,
    );
    expect(s.principals).toHaveLength(3);
    expect(s.ips).toEqual([{ ip: '203.0.113.7', signIns: 3, failures: 0, users: 3 }]);
  });

  it('keeps only the window, counts an event once, and fills hourly buckets oldest first', () => {
    const inside = signIn({ time: ago(90 * 60_000) });
    const s = summarizeSignIns(
      [inside, inside, signIn({ time: ago(25 * HOUR) }), signIn({ time: NOW.toISOString() })],
      ...DAY_WINDOW,
    );
    expect(s.total).toBe(1);
    expect(s.bucketMs).toBe(HOUR);
    // 24 hours from 15:20 cover 25 clock hours, the first one partly.
    expect(s.buckets).toHaveLength(25);
    expect(s.buckets[0]?.start).toBe('2026-11-01T15:00:00.000Z');
    expect(s.buckets.find((b) => b.count > 0)).toEqual({ start: '2026-11-02T13:00:00.000Z', count: 1 });
  });

  it('buckets by day beyond 48 hours', () => {
    const s = summarizeSignIns(
      [signIn({ time: ago(3 * 24 * HOUR) })],
      new Date(NOW.getTime() - 7 * 24 * HOUR),
      NOW,
    );
    expect(s.bucketMs).toBe(24 * HOUR);
    expect(s.buckets).toHaveLength(8);
    expect(s.buckets.find((b) => b.count > 0)?.start).toBe('2026-10-30T00:00:00.000Z');
  });

  it('counts a sign-in without a time, in no bucket and as nobody\u2019s last sign-in', () => {
    const s = summarizeSignIns([signIn({ time: null })], ...DAY_WINDOW);
    expect(s.total).toBe(1);
    expect(s.buckets.every((b) => b.count === 0)).toBe(true);
    expect(s.principals[0]?.lastSeen).toBeNull();
  });

  it('lists the newest sign-ins, newest first, and keeps a few', () => {
    const all = Array.from({ length: 15 }, (_, i) => signIn({ time: ago((i + 1) * 60_000) }));
    const s = summarizeSignIns([...all].reverse(), ...DAY_WINDOW);
    expect(s.latest.map((x) => x.eventId)).toEqual(all.slice(0, LATEST_SIGN_INS).map((x) => x.eventId));
  });

  it('names a source that is not an address as recorded, and an IPv6 one in its normal form', () => {
    const s = summarizeSignIns(
      [
        signIn({ sourceIp: 'AWS Internal' }),
        signIn({ sourceIp: '2001:DB8:0:0::1' }),
        signIn({ sourceIp: null }),
      ],
      ...DAY_WINDOW,
    );
    expect(s.ips.map((ip) => ip.ip).sort()).toEqual(['2001:db8::1', 'AWS Internal']);
    expect(s.total).toBe(3);
  });

  it('passes on what the caller knows: first-seen flags, held-back counts, where it came from, and gaps', () => {
    const flag = {
      eventId: 'e',
      time: ago(HOUR),
      principal: 'alice',
      what: 'ip',
      value: '203.0.113.7',
    } as const;
    const s = summarizeSignIns([], ...DAY_WINDOW, {
      firstSeen: [flag],
      silenced: 4,
      source: 'cloudtrail',
      partial: 'Stopped at page 12 of ~40.',
    });
    expect(s).toMatchObject({
      firstSeen: [flag],
      silenced: 4,
      source: 'cloudtrail',
      partial: 'Stopped at page 12 of ~40.',
    });
  });

  it('adds up to the same answer in parts as at once (how rollups merge)', () => {
    const all = Array.from({ length: 40 }, (_, i) =>
      signIn({
        principal: `u${i % 4}`,
        sourceIp: `198.51.100.${i % 6}`,
        outcome: i % 5 === 0 ? 'failure' : 'success',
        time: ago(i * 7 * 60_000 + 1000),
      }),
    );
    const whole = emptyTally();
    for (const s of all) tallySignIn(whole, s, s.time);
    const parts = [emptyTally(), emptyTally(), emptyTally()];
    all.forEach((s, i) => {
      tallySignIn(parts[i % 3] ?? emptyTally(), s, s.time);
    });
    const merged = parts.reduce((into, part) => mergeTally(into, part), emptyTally());
    expect(merged).toEqual(whole);
  });
});

describe('filters', () => {
  const matches = (s: ClassifiedSignIn, f: QueryFilters): boolean => matchesFilters(s, f, null);

  it('match every sign-in when none is given', () => {
    expect(matches(signIn(), NO_FILTERS)).toBe(true);
  });

  it('match people by user key, in any case, the session name of a role session included', () => {
    const role = signIn({
      identityType: 'AssumedRole',
      principal: 'Nick (Admin)',
      sessionName: 'Nick',
      roleName: 'Admin',
    });
    expect(matches(role, filters({ users: ['nick'] }))).toBe(true);
    expect(matches(signIn({ principal: 'alice (ReadOnly)' }), filters({ users: ['alice'] }))).toBe(true);
    expect(matches(signIn(), filters({ users: ['bob', 'carol'] }))).toBe(false);
    expect(
      matches(signIn({ identityType: 'Root', principal: 'my-alias' }), filters({ users: ['root'] })),
    ).toBe(true);
  });

  it('match addresses and CIDR ranges, IPv4 and IPv6, and never a source that is not an address', () => {
    expect(matches(signIn(), filters({ ips: ['203.0.113.0/24'] }))).toBe(true);
    expect(matches(signIn(), filters({ ips: ['203.0.113.8'] }))).toBe(false);
    expect(matches(signIn({ sourceIp: '2001:db8::5' }), filters({ ips: ['2001:db8::/32'] }))).toBe(true);
    expect(matches(signIn({ sourceIp: 'AWS Internal' }), filters({ ips: ['0.0.0.0/0'] }))).toBe(false);
  });

  it('match accounts, regions, outcome, root and missing MFA, all of them together', () => {
    const root = signIn({ identityType: 'Root', principal: 'root', mfa: 'no', region: 'eu-west-1' });
    const all = filters({
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      outcome: 'success',
      rootOnly: true,
      noMfaOnly: true,
    });
    expect(matches(root, all)).toBe(true);
    expect(matches({ ...root, outcome: 'failure' }, all)).toBe(false);
    expect(matches({ ...root, mfa: 'yes' }, all)).toBe(false);
    expect(matches({ ...root, accountId: '444455556666' }, all)).toBe(false);
    expect(matches({ ...root, region: 'us-east-1' }, all)).toBe(false);
    expect(matches(signIn({ mfa: 'no' }), all)).toBe(false);
  });
});
