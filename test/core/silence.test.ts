import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decodeBytes } from '../../bot/core/decode-input';
import { type ClassifiedSignIn, IDENTITY_TYPES, type Severity } from '../../bot/core/sign-in';
import {
  alarmsCovered,
  checkSilence,
  DEFAULT_MAX_SILENCE_MS,
  decide,
  describeMatchers,
  matchesSignIn,
  type SilenceContext,
  silenceId,
  silenceState,
} from '../../bot/core/silence';
import type { Matcher, Silence, SilenceDraft } from '../../bot/core/silence-types';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { DEFAULT_ROUTING, routingSchema } from '../../shared/routing';
import { fixturePath } from '../helpers/fixtures';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

const signIn = (overrides: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn =>
  syntheticSignIn({
    eventId: 'e1',
    time: NOW.toISOString(),
    sourceIp: '203.0.113.9',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/125.0.0.0 Safari/537.36',
    severity: 'medium',
    ...overrides,
  });

const m = (field: Matcher['field'], value: string): Matcher => ({ field, value });

const silence = (overrides: Partial<Silence> = {}): Silence => ({
  id: 's-000001',
  matchers: [m('principal', 'alice')],
  startsAt: at(-HOUR),
  endsAt: at(HOUR),
  author: 'U_RESPONDER',
  reason: 'pen test',
  createdAt: at(-HOUR),
  updatedAt: at(-HOUR),
  channel: 'C-ALERTS',
  held: 0,
  alarms: [],
  ...overrides,
});

const signInFromFixture = (rel: string): ClassifiedSignIn => {
  const [item] = decodeBytes(readFileSync(fixturePath(rel)));
  if (item?.kind !== 'signin') throw new Error(`${rel} is not a sign-in`);
  return { ...item.signIn, severity: 'low' };
};

describe('a silence’s state', () => {
  it('is pending before it starts, active from its start until its end, expired from its end', () => {
    const s = silence({ startsAt: at(HOUR), endsAt: at(2 * HOUR) });
    expect(silenceState(s, new Date(NOW.getTime()))).toBe('pending');
    expect(silenceState(s, new Date(NOW.getTime() + HOUR - 1))).toBe('pending');
    expect(silenceState(s, new Date(NOW.getTime() + HOUR))).toBe('active');
    expect(silenceState(s, new Date(NOW.getTime() + 2 * HOUR - 1))).toBe('active');
    expect(silenceState(s, new Date(NOW.getTime() + 2 * HOUR))).toBe('expired');
  });

  it('is expired from the time it was cancelled, and active until then', () => {
    const s = silence({ cancelled: { by: 'U_OTHER', at: at(10 * 60_000) } });
    expect(silenceState(s, NOW)).toBe('active');
    expect(silenceState(s, new Date(NOW.getTime() + 10 * 60_000))).toBe('expired');
  });

  it('is expired once cancelled even before it would have started', () => {
    const s = silence({
      startsAt: at(HOUR),
      endsAt: at(2 * HOUR),
      cancelled: { by: 'U_OTHER', at: at(-60_000) },
    });
    expect(silenceState(s, NOW)).toBe('expired');
  });

  it('with unreadable times never counts as active', () => {
    expect(silenceState(silence({ startsAt: 'soon', endsAt: 'later' }), NOW)).toBe('expired');
    expect(silenceState(silence({ endsAt: 'later' }), NOW)).toBe('expired');
  });
});

describe('matching a sign-in', () => {
  it.each<[string, Matcher, Partial<ClassifiedSignIn>, boolean]>([
    ['a user by their user key', m('principal', 'alice'), {}, true],
    ['another user not', m('principal', 'bob'), {}, false],
    ['a user typed in capitals', m('principal', 'Alice'), { principal: 'Alice' }, true],
    [
      'root by "root"',
      m('principal', 'root'),
      { identityType: 'Root', principal: 'root (111122223333)' },
      true,
    ],
    [
      'a role session by its session name',
      m('principal', 'nicholas.hakmiller'),
      {
        identityType: 'AssumedRole',
        principal: 'nicholas.hakmiller (DevAdmin)',
        sessionName: 'nicholas.hakmiller',
      },
      true,
    ],
    ['an identity type', m('identityType', 'IAMUser'), {}, true],
    ['another identity type not', m('identityType', 'AssumedRole'), {}, false],
    ['root by type Root', m('identityType', 'Root'), { identityType: 'Root' }, true],
    ['!Root any IAM user', m('identityType', '!Root'), {}, true],
    ['!Root a role session', m('identityType', '!Root'), { identityType: 'AssumedRole' }, true],
    ['!Root never root', m('identityType', '!Root'), { identityType: 'Root' }, false],
    ['an account', m('account', '111122223333'), {}, true],
    ['another account not', m('account', '444455556666'), {}, false],
    ['no account when the record has none', m('account', '111122223333'), { accountId: null }, false],
    ['an IPv4 address', m('sourceIp', '203.0.113.9'), {}, true],
    ['another IPv4 address not', m('sourceIp', '203.0.113.10'), {}, false],
    ['an IPv4 CIDR', m('sourceIp', '203.0.113.0/24'), {}, true],
    ['an IPv4 CIDR it is outside of', m('sourceIp', '203.0.114.0/24'), {}, false],
    [
      'an IPv6 address written another way',
      m('sourceIp', '2001:db8::1'),
      { sourceIp: '2001:0db8:0:0::1' },
      true,
    ],
    ['an IPv6 CIDR', m('sourceIp', '2001:db8::/32'), { sourceIp: '2001:db8:ffff::5' }, true],
    ['an IPv6 CIDR it is outside of', m('sourceIp', '2001:db8::/32'), { sourceIp: '2001:db9::5' }, false],
    [
      'an IPv4 range for an IPv4-mapped IPv6 source',
      m('sourceIp', '203.0.113.0/24'),
      { sourceIp: '::ffff:203.0.113.7' },
      true,
    ],
    ['an IPv4 range never an IPv6 source', m('sourceIp', '0.0.0.0/0'), { sourceIp: '2001:db8::1' }, false],
    ['no range for a service source', m('sourceIp', '0.0.0.0/0'), { sourceIp: 'AWS Internal' }, false],
    ['no range without a source', m('sourceIp', '0.0.0.0/0'), { sourceIp: null }, false],
    ['a region', m('region', 'us-east-1'), {}, true],
    ['another region not', m('region', 'eu-west-1'), {}, false],
    ['a success', m('outcome', 'success'), {}, true],
    ['a failure not a success', m('outcome', 'failure'), {}, false],
    ['an outcome not a sign-in that has none', m('outcome', 'success'), { outcome: null }, false],
    ['an agent substring in any case', m('userAgent', 'chrome/125'), {}, true],
    [
      'an agent substring in capitals',
      m('userAgent', 'PYTHON-REQUESTS'),
      { userAgent: 'python-requests/2.28.0' },
      true,
    ],
    ['an agent substring that is not there', m('userAgent', 'curl'), {}, false],
    ['an agent substring not a sign-in without one', m('userAgent', 'curl'), { userAgent: null }, false],
    ['a blank agent substring nothing', m('userAgent', '  '), {}, false],
  ])('matches %s: %s', (_name, matcher, overrides, expected) => {
    expect(matchesSignIn(signIn(overrides), { matchers: [matcher] })).toBe(expected);
  });

  it('needs every matcher to match', () => {
    const matchers = [m('principal', 'alice'), m('sourceIp', '203.0.113.0/24'), m('outcome', 'failure')];
    expect(matchesSignIn(signIn({ outcome: 'failure' }), { matchers })).toBe(true);
    expect(matchesSignIn(signIn({ outcome: 'success' }), { matchers })).toBe(false);
    expect(matchesSignIn(signIn({ outcome: 'failure', sourceIp: '198.51.100.7' }), { matchers })).toBe(false);
  });

  it('matches a published Identity Center sign-in by the person’s name and their range', () => {
    const s = signInFromFixture(
      'signin/panther-analysis/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json',
    );
    const matchers = [
      m('principal', 'nicholas.hakmiller'),
      m('sourceIp', '73.252.165.0/24'),
      m('region', 'us-west-2'),
    ];
    expect(matchesSignIn(s, { matchers })).toBe(true);
    expect(matchesSignIn(s, { matchers: [m('identityType', 'Root')] })).toBe(false);
  });
});

describe('the guardrails on a new silence', () => {
  const ctx: SilenceContext = {
    author: 'U_RESPONDER',
    authorUserKeys: ['carol'],
    isResponder: true,
    maxMs: DEFAULT_MAX_SILENCE_MS,
    now: NOW,
  };
  const draft = (overrides: Partial<SilenceDraft> = {}): SilenceDraft => ({
    matchers: [m('principal', 'alice')],
    endsAt: at(4 * HOUR),
    reason: 'pen test, ticket SEC-42',
    ...overrides,
  });
  const problems = (d: SilenceDraft, c: Partial<SilenceContext> = {}): string[] => {
    const result = checkSilence(d, { ...ctx, ...c });
    return result.ok ? [] : result.problems;
  };

  it('let a responder silence a user for a few hours with a reason', () => {
    expect(checkSilence(draft(), ctx)).toEqual({ ok: true });
    expect(checkSilence(draft({ startsAt: at(HOUR), endsAt: at(7 * 24 * HOUR) }), ctx)).toEqual({ ok: true });
  });

  it('refuse anyone who is not a responder', () => {
    expect(problems(draft(), { isResponder: false })).toEqual([
      'Only responders may silence alerts: ask one of them to make this silence.',
    ]);
  });

  it('refuse a silence without matchers', () => {
    expect(problems(draft({ matchers: [] }))).toEqual([
      'Name at least one matcher, such as `user alice` or `ip 203.0.113.0/24`, to say what to silence.',
    ]);
  });

  it('refuse a blank reason', () => {
    expect(problems(draft({ reason: '   ' }))).toEqual([
      'Give a reason after `because`, so that others know why it is quiet.',
    ]);
  });

  it('refuse an end before the start', () => {
    expect(problems(draft({ startsAt: at(2 * HOUR), endsAt: at(HOUR) }))).toEqual([
      'Make the silence end after it starts.',
    ]);
  });

  it('refuse an end that has passed', () => {
    expect(problems(draft({ startsAt: at(-2 * HOUR), endsAt: at(-HOUR) }))).toEqual([
      'Make the silence end in the future: this end has already passed.',
    ]);
  });

  it('refuse a silence longer than the maximum, and say the maximum', () => {
    expect(problems(draft({ endsAt: at(7 * 24 * HOUR + 1) }))).toEqual([
      'Make the silence shorter: it may last at most 7 days.',
    ]);
    expect(problems(draft({ endsAt: at(37 * HOUR) }), { maxMs: 36 * HOUR })).toEqual([
      'Make the silence shorter: it may last at most 36 hours.',
    ]);
  });

  it('refuse a start further ahead than the maximum', () => {
    expect(problems(draft({ startsAt: at(8 * 24 * HOUR), endsAt: at(8 * 24 * HOUR + HOUR) }))).toEqual([
      'Start the silence sooner: it may start at most 7 days from now.',
    ]);
  });

  it('refuse times that are not dates', () => {
    expect(problems(draft({ endsAt: 'tomorrow' }))).toEqual([
      'Give the end as a date and time, or a duration such as `for 4h`.',
    ]);
    expect(problems(draft({ startsAt: 'now-ish' }))).toEqual([
      'Give the start as a date and time, such as 2026-11-20T09:00Z.',
    ]);
  });

  const ROOT_PROBLEM =
    'This silence could hold back root sign-ins: add `type nonroot` to leave root out, or `root` to mean it.';

  it.each<[string, Matcher[], boolean]>([
    ['failures from anyone could hold back root', [m('outcome', 'failure')], true],
    ['an IP range could hold back root', [m('sourceIp', '203.0.113.0/24')], true],
    ['an account could hold back root', [m('account', '111122223333')], true],
    ['a user other than root leaves root out', [m('principal', 'alice')], false],
    ['type nonroot leaves root out', [m('outcome', 'failure'), m('identityType', '!Root')], false],
    ['another identity type leaves root out', [m('identityType', 'AssumedRole')], false],
    ['type Root names root', [m('identityType', 'Root'), m('outcome', 'failure')], false],
    ['user root names root', [m('principal', 'root'), m('sourceIp', '203.0.113.0/24')], false],
  ])('%s', (_name, matchers, refused) => {
    expect(problems(draft({ matchers }))).toEqual(refused ? [ROOT_PROBLEM] : []);
  });

  it('refuse a silence on the author’s own sign-ins, whatever the case', () => {
    const own = 'Nobody may silence alerts about themselves: ask another responder to make this silence.';
    expect(problems(draft({ matchers: [m('principal', 'carol')] }))).toEqual([own]);
    expect(problems(draft({ matchers: [m('principal', 'carol')] }), { authorUserKeys: ['Carol'] })).toEqual([
      own,
    ]);
    expect(
      problems(draft({ matchers: [m('principal', 'alice')] }), { authorUserKeys: ['carol', 'c.jones'] }),
    ).toEqual([]);
  });

  it.each<[Matcher, string]>([
    [m('account', 'prod'), 'Give the account as its 12-digit id.'],
    [m('sourceIp', '203.0.113.0/33'), 'Give the IP as an address or a CIDR range, such as 203.0.113.0/24.'],
    [m('outcome', 'failed'), 'Use success or failure as the outcome.'],
    [
      m('identityType', 'root'),
      'Use one of Root, IAMUser, AssumedRole, FederatedUser, IdentityCenterUser, Unknown, !Root as the identity type.',
    ],
    [m('userAgent', ' '), 'Give the user agent matcher a value, or leave it out.'],
  ])('refuse a matcher that cannot match as meant: %j', (bad, problem) => {
    expect(problems(draft({ matchers: [m('principal', 'alice'), bad] }))).toEqual([problem]);
  });

  it('list every problem at once', () => {
    const result = checkSilence(
      { matchers: [], endsAt: at(-HOUR), reason: '' },
      { ...ctx, isResponder: false },
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        'Only responders may silence alerts: ask one of them to make this silence.',
        'Name at least one matcher, such as `user alice` or `ip 203.0.113.0/24`, to say what to silence.',
        'Give a reason after `because`, so that others know why it is quiet.',
        'Make the silence end in the future: this end has already passed.',
      ],
    });
  });
});

describe('the CloudWatch alarms a silence covers', () => {
  it.each<[string, Matcher[], string[]]>([
    [
      'root sign-ins: both root alarms',
      [m('identityType', 'Root')],
      ['signin-console-success-root', 'signin-console-failure-root'],
    ],
    ['root successes', [m('identityType', 'Root'), m('outcome', 'success')], ['signin-console-success-root']],
    [
      'non-root: both iam alarms',
      [m('identityType', '!Root')],
      ['signin-console-success-iam', 'signin-console-failure-iam'],
    ],
    [
      'non-root failures',
      [m('identityType', '!Root'), m('outcome', 'failure')],
      ['signin-console-failure-iam'],
    ],
    ['failures of anyone: none (no identity type)', [m('outcome', 'failure')], []],
    ['IAM users only: none (the iam alarms count roles too)', [m('identityType', 'IAMUser')], []],
    ['user root: none', [m('principal', 'root'), m('identityType', 'Root')], []],
    ['root in one region: none', [m('identityType', 'Root'), m('region', 'us-east-1')], []],
    ['root from one IP: none', [m('identityType', 'Root'), m('sourceIp', '203.0.113.9')], []],
    ['root and not root: none', [m('identityType', 'Root'), m('identityType', '!Root')], []],
    [
      'success and failure: none',
      [m('identityType', 'Root'), m('outcome', 'success'), m('outcome', 'failure')],
      [],
    ],
  ])('%s', (_name, matchers, alarms) => {
    expect(alarmsCovered(matchers)).toEqual(alarms);
  });

  it('covers an alarm only when every sign-in the alarm counts would match', () => {
    const matcher = fc.oneof(
      fc.constantFrom('Root', '!Root', 'IAMUser', 'AssumedRole').map((v) => m('identityType', v)),
      fc.constantFrom('success', 'failure').map((v) => m('outcome', v)),
    );
    fc.assert(
      fc.property(fc.array(matcher, { minLength: 1, maxLength: 3 }), (matchers) => {
        for (const name of alarmsCovered(matchers)) {
          const alarm = SIGNIN_ALARMS.find((a) => a.name === name);
          if (!alarm) throw new Error(`unknown alarm ${name}`);
          const counted = IDENTITY_TYPES.filter((t) => (alarm.scope === 'root') === (t === 'Root'));
          for (const identityType of counted)
            expect(matchesSignIn(signIn({ identityType, outcome: alarm.outcome }), { matchers })).toBe(true);
        }
      }),
    );
  });
});

describe('the decision to post a sign-in', () => {
  const routing = routingSchema.parse({
    post: ['critical', 'high', 'medium'],
    accounts: { '444455556666': { name: 'prod', channel: 'C-PROD' } },
  });
  const decideNow = (s: ClassifiedSignIn, silences: Silence[]) =>
    decide(s, silences, routing, 'C-ALERTS', NOW);

  it('posts a sign-in no silence matches, to its routed channel', () => {
    expect(decideNow(signIn(), [])).toEqual({ post: true, channel: 'C-ALERTS' });
    expect(
      decideNow(signIn({ accountId: '444455556666' }), [silence({ matchers: [m('principal', 'bob')] })]),
    ).toEqual({ post: true, channel: 'C-PROD' });
  });

  it('holds back a sign-in an active silence matches, and names the silence', () => {
    const s = silence();
    expect(decideNow(signIn(), [s])).toEqual({ post: false, why: 'silenced', silence: s });
  });

  it('lets routing decide first: a severity that is not posted is not posted, silence or none', () => {
    expect(decideNow(signIn({ severity: 'low' }), [silence()])).toEqual({ post: false, why: 'routing' });
    expect(decideNow(signIn({ severity: 'low' }), [])).toEqual({ post: false, why: 'routing' });
  });

  it('ignores pending, expired and cancelled silences', () => {
    const ignored = [
      silence({ id: 's-pending', startsAt: at(HOUR), endsAt: at(2 * HOUR) }),
      silence({ id: 's-expired', startsAt: at(-2 * HOUR), endsAt: at(-HOUR) }),
      silence({ id: 's-ended-now', startsAt: at(-2 * HOUR), endsAt: at(0) }),
      silence({ id: 's-cancelled', cancelled: { by: 'U_OTHER', at: at(-60_000) } }),
    ];
    expect(decideNow(signIn(), ignored)).toEqual({ post: true, channel: 'C-ALERTS' });
  });

  it('names the matching silence that ends last, whatever the order it was given', () => {
    const soon = silence({ id: 's-aaaaaa', endsAt: at(HOUR) });
    const later = silence({
      id: 's-bbbbbb',
      endsAt: at(3 * HOUR),
      matchers: [m('sourceIp', '203.0.113.0/24'), m('identityType', '!Root')],
    });
    const elsewhere = silence({ id: 's-cccccc', endsAt: at(5 * HOUR), matchers: [m('principal', 'bob')] });
    for (const order of [
      [soon, later, elsewhere],
      [elsewhere, later, soon],
    ])
      expect(decideNow(signIn(), order)).toEqual({ post: false, why: 'silenced', silence: later });
  });

  it('breaks a tie on the end by the silence id', () => {
    const a = silence({ id: 's-00000a' });
    const b = silence({ id: 's-00000b' });
    expect(decideNow(signIn(), [b, a])).toEqual({ post: false, why: 'silenced', silence: a });
    expect(decideNow(signIn(), [a, b])).toEqual({ post: false, why: 'silenced', silence: a });
  });

  // Independent of matchesSignIn: pools whose matches are known by construction.
  const USERS = ['alice', 'bob', 'root'] as const;
  const IPS = ['203.0.113.9', '198.51.100.7', '2001:db8::5', '192.0.2.1'] as const;
  const RANGES: Record<string, readonly string[]> = {
    '203.0.113.0/24': ['203.0.113.9'],
    '2001:db8::/32': ['2001:db8::5'],
    '198.51.100.7': ['198.51.100.7'],
    '0.0.0.0/0': ['203.0.113.9', '198.51.100.7', '192.0.2.1'],
  };
  const POSTED: readonly Severity[] = ['critical', 'high', 'medium'];

  const signInArb = fc
    .record({
      user: fc.constantFrom(...USERS),
      ip: fc.constantFrom(...IPS),
      outcome: fc.constantFrom('success' as const, 'failure' as const),
      severity: fc.constantFrom(...POSTED),
    })
    .map(({ user, ip, outcome, severity }) =>
      signIn({
        principal: user,
        identityType: user === 'root' ? 'Root' : 'IAMUser',
        sourceIp: ip,
        outcome,
        severity,
      }),
    );
  const matcherArb = fc.oneof(
    fc.constantFrom(...USERS).map((v) => m('principal', v)),
    fc.constantFrom(...Object.keys(RANGES)).map((v) => m('sourceIp', v)),
    fc.constantFrom('success', 'failure').map((v) => m('outcome', v)),
    fc.constantFrom('Root', '!Root').map((v) => m('identityType', v)),
  );
  const silenceArb = fc
    .record({
      id: fc.integer({ min: 0, max: 0xffffff }),
      matchers: fc.array(matcherArb, { minLength: 1, maxLength: 3 }),
      startH: fc.integer({ min: -48, max: 24 }),
      lengthH: fc.integer({ min: 1, max: 72 }),
      cancelledH: fc.option(fc.integer({ min: -48, max: 24 })),
    })
    .map(({ id, matchers, startH, lengthH, cancelledH }) => ({
      active: startH <= 0 && startH + lengthH > 0 && (cancelledH === null || cancelledH > 0),
      silence: silence({
        id: `s-${id.toString(16).padStart(6, '0')}`,
        matchers,
        startsAt: at(startH * HOUR),
        endsAt: at((startH + lengthH) * HOUR),
        ...(cancelledH === null ? {} : { cancelled: { by: 'U_OTHER', at: at(cancelledH * HOUR) } }),
      }),
    }));
  const covers = (s: ClassifiedSignIn, matcher: Matcher): boolean => {
    switch (matcher.field) {
      case 'principal':
        return s.principal === matcher.value;
      case 'sourceIp':
        return (RANGES[matcher.value] ?? []).includes(s.sourceIp ?? '');
      case 'outcome':
        return s.outcome === matcher.value;
      case 'identityType':
        return (s.identityType === 'Root') === (matcher.value === 'Root');
      default:
        throw new Error(`not generated: ${matcher.field}`);
    }
  };

  it('never posts a sign-in an active matching silence covers, and always posts one none covers', () => {
    fc.assert(
      fc.property(signInArb, fc.array(silenceArb, { maxLength: 6 }), (s, generated) => {
        const holding = generated.filter((g) => g.active && g.silence.matchers.every((x) => covers(s, x)));
        const decision = decide(
          s,
          generated.map((g) => g.silence),
          DEFAULT_ROUTING,
          'C-ALERTS',
          NOW,
        );
        if (holding.length === 0) expect(decision).toEqual({ post: true, channel: 'C-ALERTS' });
        else {
          if (decision.post || decision.why !== 'silenced')
            throw new Error(`posted: ${JSON.stringify(decision)}`);
          expect(holding.map((g) => g.silence)).toContain(decision.silence);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('silence ids', () => {
  it('are "s-" and six hex digits for any random draw, the extremes included', () => {
    expect(silenceId(() => 0)).toBe('s-000000');
    expect(silenceId(() => 0.999_999_999_9)).toBe('s-ffffff');
    expect(silenceId(() => 0.5)).toBe('s-800000');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        expect(silenceId(() => r)).toMatch(/^s-[0-9a-f]{6}$/);
      }),
    );
  });

  it('follow a seeded generator, so that tests can name them', () => {
    const seeded = (values: number[]) => () => values.shift() ?? 0;
    expect([silenceId(seeded([0.1])), silenceId(seeded([0.1]))]).toEqual(['s-199999', 's-199999']);
  });
});

describe('words for a silence’s matchers', () => {
  it('read as a short list', () => {
    expect(
      describeMatchers([m('principal', 'alice'), m('sourceIp', '203.0.113.0/24'), m('outcome', 'failure')]),
    ).toBe('user alice · IP 203.0.113.0/24 · failed');
    expect(
      describeMatchers([
        m('identityType', 'Root'),
        m('account', '111122223333'),
        m('region', 'us-east-1'),
        m('outcome', 'success'),
      ]),
    ).toBe('root · account 111122223333 · region us-east-1 · succeeded');
    expect(
      describeMatchers([
        m('identityType', '!Root'),
        m('identityType', 'AssumedRole'),
        m('userAgent', 'curl'),
      ]),
    ).toBe('not root · type AssumedRole · user agent containing "curl"');
  });

  it('keep attacker-influenced values as plain text, for the caller to escape', () => {
    expect(describeMatchers([m('userAgent', '<!channel> *bold*')])).toBe(
      'user agent containing "<!channel> *bold*"',
    );
  });
});
