import fc from 'fast-check';
import { ipInRange, normalizeIpRange } from '../../bot/core/ip-range';
import { NO_FILTERS, type QueryFilters } from '../../bot/core/query';
import {
  filtersText,
  matchersText,
  parseCommand,
  parseMatchers,
  type SlashCommand,
  USAGE,
  windowText,
} from '../../bot/core/query-grammar';
import { escapeMrkdwn } from '../../bot/core/render/mrkdwn';
import { IDENTITY_TYPES } from '../../bot/core/sign-in';
import type { Matcher } from '../../bot/core/silence-types';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RUNS = { numRuns: 500 };

const parse = (text: string): SlashCommand => parseCommand(text, NOW);

const query = (text: string): Extract<SlashCommand, { kind: 'query' }> => {
  const command = parse(text);
  if (command.kind !== 'query') throw new Error(`"${text}" gave ${JSON.stringify(command)}`);
  return command;
};

const silence = (text: string): Extract<SlashCommand, { kind: 'silence' }> => {
  const command = parse(text);
  if (command.kind !== 'silence') throw new Error(`"${text}" gave ${JSON.stringify(command)}`);
  return command;
};

const problemOf = (text: string): string => {
  const command = parse(text);
  if (command.kind !== 'invalid') throw new Error(`"${text}" was read as ${JSON.stringify(command)}`);
  expect(command.usage).toBe(USAGE);
  return command.problem;
};

const filters = (overrides: Partial<QueryFilters>): QueryFilters => ({ ...NO_FILTERS, ...overrides });

describe('help', () => {
  it.each(['', '   ', 'help', 'HELP', 'help silence'])('"%s" asks for help', (text) => {
    expect(parse(text)).toEqual({ kind: 'help' });
  });

  it('the usage is plain text Slack shows as written, with examples of queries and silences', () => {
    expect(USAGE).not.toMatch(/[<>&]/);
    expect(USAGE).toContain('/signins last 24h');
    expect(USAGE).toContain('/signins silence user alice type nonroot for 4h because');
    expect(USAGE.split('\n').length).toBeLessThan(20);
  });

  it('every example in the usage reads as what it shows', () => {
    const examples = USAGE.split('\n').flatMap((line) => {
      const at = line.indexOf('/signins ');
      const text = at < 0 ? '' : line.slice(at + '/signins '.length).trim();
      const example = /^(last|since|user|ip|silence|unsilence)\b/.test(text) && !text.includes('MATCHERS');
      return example ? [text.split(/ {2,}/)[0] ?? ''] : [];
    });
    expect(examples.length).toBeGreaterThan(5);
    for (const text of examples)
      expect([text, parseCommand(text, new Date('2026-11-20T08:00Z')).kind]).not.toEqual([text, 'invalid']);
  });
});

describe('query windows', () => {
  it.each<[string, number, string]>([
    ['last 24h', DAY, 'last 24h'],
    ['last 15m', 15 * MINUTE, 'last 15m'],
    ['LAST 2H', 2 * HOUR, 'last 2h'],
    ['last 7d', 7 * DAY, 'last 7d'],
    ['last 30d', 30 * DAY, 'last 30d'],
    ['last 90d', 90 * DAY, 'last 90d'],
    ['last 1 hour', HOUR, 'last 1 hour'],
    ['last 36 hours', 36 * HOUR, 'last 36 hours'],
    ['last hour', HOUR, 'last hour'],
    ['last 1.5d', 1.5 * DAY, 'last 1.5d'],
    ['last 2w', 14 * DAY, 'last 2w'],
  ])('"%s" looks back %d ms', (text, ms, shown) => {
    const { window } = query(text);
    expect(window).toEqual({ kind: 'last', ms, text: shown });
    expect(windowText(window)).toBe(shown);
  });

  it('filters without a window mean the last 24 hours', () => {
    const { window, filters: f } = query('user alice');
    expect(window).toEqual({ kind: 'last', ms: DAY, text: 'last 24h' });
    expect(f.users).toEqual(['alice']);
    expect(query('public')).toMatchObject({ window: { kind: 'last', ms: DAY }, public: true });
  });

  it('the CLI may say "query" first', () => {
    expect(query('query last 7d user bob')).toEqual(query('last 7d user bob'));
  });

  it.each<[string, string]>([
    ['since 2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['since 2026-11-19T09:30Z', '2026-11-19T09:30:00.000Z'],
    ['since 2026-11-19T09:30', '2026-11-19T09:30:00.000Z'],
    ['since 2026-11-19 09:30', '2026-11-19T09:30:00.000Z'],
    ['since 2026-11-19T09:30:15+02:00', '2026-11-19T07:30:15.000Z'],
    ['since 2026-11-19t09:30+0200', '2026-11-19T07:30:00.000Z'],
    ['since 2026-08-23', '2026-08-23T00:00:00.000Z'],
  ])('"%s" starts at %s (UTC unless an offset is given)', (text, from) => {
    const { window } = query(text);
    expect(window).toEqual({ kind: 'since', from, text });
    expect(windowText(window)).toBe(text);
  });

  it('the window may come after the filters', () => {
    expect(query('user alice last 2h').window).toEqual({ kind: 'last', ms: 2 * HOUR, text: 'last 2h' });
  });
});

describe('query filters', () => {
  it('each filter word fills its filter; names and regions are lower case', () => {
    const q = query(
      'last 24h user Alice ip 203.0.113.77/24 account 111122223333 region US-EAST-1 failed root nomfa',
    );
    expect(q.filters).toEqual({
      users: ['alice'],
      ips: ['203.0.113.0/24'],
      accounts: ['111122223333'],
      regions: ['us-east-1'],
      countries: [],
      asns: [],
      outcome: 'failure',
      rootOnly: true,
      noMfaOnly: true,
    });
    expect(q.public).toBe(false);
  });

  it('repeating a filter widens it, and saying one value twice keeps it once', () => {
    const q = query('user alice user BOB user alice ip 198.51.100.7 ip 2001:DB8:0:0::1/32 region eu-west-1');
    expect(q.filters.users).toEqual(['alice', 'bob']);
    expect(q.filters.ips).toEqual(['198.51.100.7', '2001:db8::/32']);
  });

  it('`success` keeps successful sign-ins; `public` answers in the channel', () => {
    const q = query('last 2h success public');
    expect(q.filters).toEqual(filters({ outcome: 'success' }));
    expect(q.public).toBe(true);
  });

  it('an account is a 12-digit id (dashes as the console writes them are dropped) or a name as typed', () => {
    expect(query('account 1111-2222-3333 account Production').filters.accounts).toEqual([
      '111122223333',
      'Production',
    ]);
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address it carries', () => {
    expect(query('ip ::ffff:203.0.113.9').filters.ips).toEqual(['203.0.113.9']);
  });

  it('quoted values keep their spaces, with straight or smart quotes', () => {
    expect(query('user "Jane Doe"').filters.users).toEqual(['jane doe']);
    expect(query('user “Jane Doe” failed').filters).toEqual(
      filters({ users: ['jane doe'], outcome: 'failure' }),
    );
    expect(query('user „Jane Doe“').filters.users).toEqual(['jane doe']);
  });

  it('what Slack wraps is read as its visible text, and its entities as the characters typed', () => {
    expect(query('user <mailto:Jane@Example.com|Jane@Example.com>').filters.users).toEqual([
      'jane@example.com',
    ]);
    expect(query('user <mailto:bob@example.com>').filters.users).toEqual(['bob@example.com']);
    expect(query('account <http://Production|Production>').filters.accounts).toEqual(['Production']);
    expect(query('user o&amp;brien').filters.users).toEqual(['o&brien']);
  });

  it('`country` takes a two-letter code in any case or an English name; `asn` a number, AS prefix or not', () => {
    const q = query(
      'last 24h country jp country "United States" country De country japan asn AS15169 asn 2501',
    );
    expect(q.filters.countries).toEqual(['JP', 'US', 'DE']);
    expect(q.filters.asns).toEqual([15169, 2501]);
    expect(query('asn as15169 asn 15169').filters.asns).toEqual([15169]);
    expect(query('country “côte d’ivoire”').filters.countries).toEqual(['CI']);
  });

  it('`country` and `asn` are named in the answer as they read back', () => {
    const q = query('last 24h user alice country jp country de asn 15169 asn AS2501 failed');
    const text = filtersText(q.filters);
    expect(text).toBe('user alice · country JP or DE · asn AS15169 or AS2501 · failed');
    expect(query('last 24h user alice country JP country DE asn AS15169 asn AS2501 failed').filters).toEqual(
      q.filters,
    );
  });

  it('the answer names the window and the filters as they were asked', () => {
    const q = query('last 24h user alice user "jane doe" ip 203.0.113.0/24 failed nomfa public');
    expect([windowText(q.window), filtersText(q.filters)].join(' · ')).toBe(
      'last 24h · user alice or "jane doe" · ip 203.0.113.0/24 · failed · nomfa',
    );
    expect(filtersText(query('last 2h').filters)).toBe('');
    expect(
      filtersText(
        filters({ accounts: ['111122223333'], regions: ['us-east-1'], rootOnly: true, outcome: 'success' }),
      ),
    ).toBe('account 111122223333 · region us-east-1 · success · root');
  });

  it('a window made elsewhere without words is still named', () => {
    expect(windowText({ kind: 'last', ms: 2 * HOUR, text: '' })).toBe('last 2h');
    expect(windowText({ kind: 'since', from: '2026-11-01T00:00:00.000Z', text: '' })).toBe(
      'since 2026-11-01',
    );
  });
});

describe('query mistakes say what was wrong', () => {
  it.each<[string, RegExp]>([
    ['foo', /^I don't know `foo`\.$/],
    ['last 24h user alice bogus', /I don't know `bogus`/],
    ['last', /Put a value after `last`/],
    ['last 24', /Give `24` a unit/],
    ['last soon', /`soon` is not a duration/],
    ['last 0h', /`last 0h` must be more than zero/],
    ['last -2h', /`last -2h` must be more than zero/],
    ['last 91d', /`last 91d` is too long: CloudTrail keeps 90 days/],
    ['last 1y', /too long/],
    ['last 2h since 2026-11-01', /one window/],
    ['since', /Put a value after `since`/],
    ['since yesterday', /`yesterday` is not a date/],
    ['since 2026-02-30', /`2026-02-30` is not a date/],
    ['since 2026-11-19T25:00Z', /is not a date/],
    ['since 2026-11-19T09:00Zjunk', /is not a date/],
    ['since 2026-11-21', /`since 2026-11-21` is not in the past/],
    ['since 2026-08-01', /more than 90 days back.*from 2026-08-23 on/],
    ['user', /Put a value after `user`/],
    ['user ""', /Put a value after `user`/],
    ['user "Jane Doe', /The quote before `Jane Doe` is not closed/],
    ['ip', /Put a value after `ip`/],
    ['ip 300.1.1.1', /`300\.1\.1\.1` is not an IP address or CIDR range/],
    ['ip 10.1', /`10\.1` is not an IP address/],
    ['ip 203.0.113.0/33', /is not an IP address or CIDR range/],
    ['ip 2001:db8::/129', /is not an IP address or CIDR range/],
    ['ip 203.0.113.0/24/8', /is not an IP address or CIDR range/],
    ['region', /Put a value after `region`/],
    ['region us-east', /`us-east` is not a region code/],
    ['region useast1', /is not a region code/],
    ['failed success', /`failed` and `success` together match nothing/],
    ['country', /Put a value after `country`/],
    ['country zz', /`zz` is not a country: use its two-letter code/],
    ['country xx', /`xx` is not a country/],
    ['country atlantis', /`atlantis` is not a country/],
    ['country JPN', /`JPN` is not a country/],
    ['asn', /Put a value after `asn`/],
    ['asn google', /`google` is not an AS number such as 15169 or AS15169/],
    ['asn AS-15169', /is not an AS number/],
    ['asn 4294967296', /`4294967296` is not an AS number/],
    ['asn 1.5', /is not an AS number/],
    ['success failure', /together match nothing/],
  ])('"%s"', (text, problem) => {
    expect(problemOf(text)).toMatch(problem);
  });

  it('a word shown back is clipped and cannot break out of its code span or into a mention', () => {
    const problem = problemOf(`\`${'x'.repeat(200)}`);
    expect(problem.length).toBeLessThan(80);
    expect(problem.match(/`/g)).toHaveLength(2);
    expect(problemOf('user "Jane\n\nDoe')).toBe('The quote before `Jane Doe` is not closed.');
    const channel = problemOf('<!channel>');
    expect(channel).toBe("I don't know `<!channel>`.");
    expect(escapeMrkdwn(channel)).not.toContain('<');
  });
});

describe('silences', () => {
  it('matchers, a duration and a reason', () => {
    expect(silence('silence user Bob type nonroot for 4h because pen test, ticket SEC-12')).toEqual({
      kind: 'silence',
      matchers: [
        { field: 'principal', value: 'bob' },
        { field: 'identityType', value: '!Root' },
      ],
      durationMs: 4 * HOUR,
      reason: 'pen test, ticket SEC-12',
    });
  });

  it.each<[string, Matcher]>([
    ['root', { field: 'identityType', value: 'Root' }],
    ['type root', { field: 'identityType', value: 'Root' }],
    ['type IAM', { field: 'identityType', value: 'IAMUser' }],
    ['type role', { field: 'identityType', value: 'AssumedRole' }],
    ['type federated', { field: 'identityType', value: 'FederatedUser' }],
    ['type sso', { field: 'identityType', value: 'IdentityCenterUser' }],
    ['type identity-center', { field: 'identityType', value: 'IdentityCenterUser' }],
    ['type unknown', { field: 'identityType', value: 'Unknown' }],
    ['type nonroot', { field: 'identityType', value: '!Root' }],
    ['account 1111-2222-3333', { field: 'account', value: '111122223333' }],
    ['ip 203.0.113.9/24', { field: 'sourceIp', value: '203.0.113.0/24' }],
    ['ip 2001:DB8::7', { field: 'sourceIp', value: '2001:db8::7' }],
    ['region AP-southeast-2', { field: 'region', value: 'ap-southeast-2' }],
    ['failed', { field: 'outcome', value: 'failure' }],
    ['success', { field: 'outcome', value: 'success' }],
    ['agent curl/8', { field: 'userAgent', value: 'curl/8' }],
    ['agent "Mozilla/5.0 (X11"', { field: 'userAgent', value: 'Mozilla/5.0 (X11' }],
    ['agent “aws-cli/2”', { field: 'userAgent', value: 'aws-cli/2' }],
    ['user <mailto:jane@example.com|jane@example.com>', { field: 'principal', value: 'jane@example.com' }],
  ])('"silence %s" matches on %j', (words, matcher) => {
    expect(silence(`silence ${words} for 1h because planned`).matchers).toEqual([matcher]);
  });

  it('a silence may start at a time, or after a while', () => {
    expect(silence('silence user bob starting 2026-11-21T09:00Z for 8h because office move')).toMatchObject({
      startsAt: '2026-11-21T09:00:00.000Z',
      durationMs: 8 * HOUR,
    });
    expect(silence('silence user bob for 2 hours starting in 30m because lunch').startsAt).toBe(
      '2026-11-20T12:30:00.000Z',
    );
    expect(silence('silence user bob starting 2026-11-21 09:00 for 1d because x').startsAt).toBe(
      '2026-11-21T09:00:00.000Z',
    );
    expect(silence('silence user bob starting now for 1d because x')).not.toHaveProperty('startsAt');
  });

  it('the reason is the rest of the text as written, keywords and all; one quoted phrase loses its quotes', () => {
    expect(silence('silence user bob for 1h because  user root for 2h, "really"  ').reason).toBe(
      'user root for 2h, "really"',
    );
    expect(silence('silence user bob for 1h because “pen test”').reason).toBe('pen test');
    expect(silence('silence user bob for 1h because "a" and "b"').reason).toBe('"a" and "b"');
    expect(silence('silence user bob for 1h because ask <!channel> &amp; co').reason).toBe(
      'ask <!channel> & co',
    );
    expect(silence('silence user bob for 1h because Bob\'s "unfinished quote').reason).toBe(
      'Bob\'s "unfinished quote',
    );
  });

  it('saying a matcher twice keeps it once', () => {
    expect(silence('silence user bob user BOB failed failed for 1h because x').matchers).toEqual([
      { field: 'principal', value: 'bob' },
      { field: 'outcome', value: 'failure' },
    ]);
  });

  it('several ranges or agent texts are allowed (a range may lie inside another)', () => {
    expect(
      silence('silence ip 10.0.0.0/8 ip 10.1.0.0/16 agent curl agent 8 for 1h because x').matchers,
    ).toHaveLength(4);
  });

  it.each<[string, RegExp]>([
    ['silence', /Name at least one matcher/],
    ['silence for 1h because x', /Name at least one matcher/],
    ['silence user bob because x', /Say how long the silence lasts/],
    ['silence user bob for 1h', /Give a reason after `because`/],
    ['silence user bob for 1h because', /Give a reason after `because`/],
    ['silence user bob for 1h because ""', /Give a reason after `because`/],
    ['silence user bob for 0h because x', /`for 0h` must be more than zero/],
    ['silence user bob for -1d because x', /must be more than zero/],
    ['silence user bob for ever because x', /`ever` is not a duration/],
    ['silence user bob for 4 because x', /Give `4` a unit/],
    ['silence user bob for 2y because x', /too long/],
    ['silence user bob for 1h for 2h because x', /Say `for` once/],
    ['silence user bob starting in 1h starting now for 1h because x', /Say `starting` once/],
    ['silence user bob starting tomorrow for 1h because x', /`tomorrow` is not a date/],
    ['silence user bob starting in 0m for 1h because x', /must be more than zero/],
    ['silence nomfa for 1h because x', /I don't know `nomfa` in a silence/],
    ['silence public user bob for 1h because x', /I don't know `public` in a silence/],
    ['silence type admin for 1h because x', /`admin` is not an identity type/],
    ['silence account Production for 1h because x', /12-digit id, not `Production`/],
    ['silence ip 1.2.3 for 1h because x', /`1\.2\.3` is not an IP address/],
    ['silence region moon for 1h because x', /`moon` is not a region code/],
    // A value is the word after its keyword, whatever it is: here the agent text is "for".
    ['silence agent for 1h because x', /I don't know `1h` in a silence/],
    ['silence agent "" for 1h because x', /Put a value after `agent`/],
    ['silence user alice user bob for 1h because x', /`user alice` and `user bob` together match nothing/],
    ['silence root type nonroot for 1h because x', /`root` and `type nonroot` together match nothing/],
    ['silence type iam type role for 1h because x', /`type iam` and `type role` together match nothing/],
    ['silence failed success for 1h because x', /`failed` and `success` together match nothing/],
    ['silence region us-east-1 region eu-west-1 for 1h because x', /together match nothing/],
  ])('"%s" is refused', (text, problem) => {
    expect(problemOf(text)).toMatch(problem);
  });

  it('a concrete identity type and nonroot may go together', () => {
    expect(silence('silence type iam type nonroot for 1h because x').matchers).toHaveLength(2);
  });
});

describe('listing and ending silences', () => {
  it('`silences` lists; `unsilence` takes one id, in lower case', () => {
    expect(parse('silences')).toEqual({ kind: 'silences' });
    expect(parse('SILENCES')).toEqual({ kind: 'silences' });
    expect(parse('unsilence S-7F3A2C')).toEqual({ kind: 'unsilence', id: 's-7f3a2c' });
    expect(parse('unsilence whatever')).toEqual({ kind: 'unsilence', id: 'whatever' });
  });

  it.each<[string, RegExp]>([
    ['unsilence', /Put a value after `unsilence`/],
    ['unsilence s-000001 s-000002', /I don't know `s-000002` after the silence id/],
    ['silences active', /I don't know `active` after `silences`/],
  ])('"%s" is refused', (text, problem) => {
    expect(problemOf(text)).toMatch(problem);
  });
});

describe("the Silence modal's matcher field", () => {
  it('reads the same matcher words, and gives the words back for the prefill', () => {
    const text = 'user alice type nonroot ip 203.0.113.9';
    const parsed = parseMatchers(text);
    expect(parsed).toEqual({
      matchers: [
        { field: 'principal', value: 'alice' },
        { field: 'identityType', value: '!Root' },
        { field: 'sourceIp', value: '203.0.113.9' },
      ],
    });
    expect('matchers' in parsed && matchersText(parsed.matchers)).toBe(text);
  });

  it('values with spaces or quotes are written so that they read back', () => {
    const matchers: Matcher[] = [
      { field: 'principal', value: 'jane doe' },
      { field: 'userAgent', value: 'say "hi" \\ there' },
      { field: 'userAgent', value: '“smart”' },
    ];
    expect(matchersText(matchers)).toBe(
      'user "jane doe" agent "say \\"hi\\" \\\\ there" agent "\\“smart\\”"',
    );
    expect(parseMatchers(matchersText(matchers))).toEqual({ matchers });
  });

  it.each<[string, RegExp]>([
    ['', /Name at least one matcher/],
    ['   ', /Name at least one matcher/],
    ['user alice for 4h', /I don't know `for` as a matcher/],
    ['user', /Put a value after `user`/],
    ['ip nowhere', /`nowhere` is not an IP address/],
    ['user a user b', /together match nothing/],
    ['agent "open', /not closed/],
  ])('"%s" gives a problem', (text, problem) => {
    const parsed = parseMatchers(text);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it("Slack's entities are not decoded there: a modal's value arrives as typed", () => {
    expect(parseMatchers('agent a&amp;b')).toEqual({ matchers: [{ field: 'userAgent', value: 'a&amp;b' }] });
  });
});

// Property-based: the parsers are ms and ipaddr.js; these check the grammar around them.

const UNITS: readonly [string, number][] = [
  ['s', 1_000],
  ['m', MINUTE],
  ['min', MINUTE],
  ['h', HOUR],
  ['d', DAY],
  ['w', 7 * DAY],
];
const UNIT_WORDS: readonly [string, number][] = [
  ['minutes', MINUTE],
  ['hours', HOUR],
  ['days', DAY],
];

/** n of a unit, with n reaching somewhat past `maxMs` so that both sides of the limit are tried. */
const amount = (units: readonly [string, number][], maxMs: number) =>
  fc
    .constantFrom(...units)
    .chain(([unit, size]) =>
      fc.integer({ min: 1, max: Math.ceil((maxMs * 1.3) / size) }).map((n) => ({ n, unit, ms: n * size })),
    );

describe('durations (property)', () => {
  it('`last NUNIT` within 90 days looks back n×unit; beyond, it is refused', () => {
    fc.assert(
      fc.property(amount(UNITS, 90 * DAY), ({ n, unit, ms }) => {
        const command = parse(`last ${n}${unit}`);
        if (ms <= 90 * DAY) expect(command).toMatchObject({ kind: 'query', window: { kind: 'last', ms } });
        else expect(command).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/too long/) });
      }),
      RUNS,
    );
  });

  it('two words ("36 hours") read the same as one', () => {
    fc.assert(
      fc.property(amount(UNIT_WORDS, 90 * DAY), ({ n, unit, ms }) => {
        const command = parse(`user alice last ${n} ${unit.toUpperCase()}`);
        if (ms <= 90 * DAY) expect(command).toMatchObject({ window: { ms, text: `last ${n} ${unit}` } });
        else expect(command.kind).toBe('invalid');
      }),
      RUNS,
    );
  });

  it('a silence of n×unit lasts n×unit, up to a year; zero or negative never reads', () => {
    fc.assert(
      fc.property(amount([...UNITS, ...UNIT_WORDS], 366 * DAY), fc.boolean(), ({ n, unit, ms }, spaced) => {
        const text = `${n}${spaced ? ' ' : ''}${unit}`;
        const command = parse(`silence user bob for ${text} because planned`);
        if (ms <= 366 * DAY) expect(command).toMatchObject({ kind: 'silence', durationMs: ms });
        else expect(command.kind).toBe('invalid');
        expect(parse(`silence user bob for -${text} because x`).kind).toBe('invalid');
        expect(parse(`last 0${unit}`).kind).toBe('invalid');
      }),
      RUNS,
    );
  });
});

const ipv4WithPrefix = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }));
// Addresses that ipaddr.js reads as IPv4-mapped become IPv4, where a /33+ prefix is out of range.
const ipv6 = fc.ipV6().filter((a) => normalizeIpRange(a)?.includes(':') === true);
const ipv6WithPrefix = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 }));

const ipv4Network = (address: string, prefix: number): string => {
  const n = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const size = 2 ** (32 - prefix);
  const net = Math.floor(n / size) * size;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(net / 2 ** shift) % 256).join('.')}/${prefix}`;
};

describe('IP addresses and CIDR ranges (property)', () => {
  it('an IPv4 range reads as its network, the same again when read back', () => {
    fc.assert(
      fc.property(ipv4WithPrefix, ([address, prefix]) => {
        const [range] = query(`ip ${address}/${prefix}`).filters.ips;
        expect(range).toBe(ipv4Network(address, prefix));
        expect(query(`ip ${range}`).filters.ips).toEqual([range]);
        expect(ipInRange(address, range ?? '')).toBe(true);
      }),
      RUNS,
    );
  });

  it('an IPv6 range (any spelling) reads as its network, contains the address, and reads back the same', () => {
    fc.assert(
      fc.property(ipv6WithPrefix, ([address, prefix]) => {
        const [range] = query(`ip ${address.toUpperCase()}/${prefix}`).filters.ips;
        expect(range).toMatch(new RegExp(`^[0-9a-f:]+/${prefix}$`));
        expect(query(`ip ${range}`).filters.ips).toEqual([range]);
        expect(ipInRange(address, range ?? '')).toBe(true);
      }),
      RUNS,
    );
  });

  it('a single address is kept as an address, in its normal form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), ipv6), (address) => {
        const [ip] = silence(`silence ip ${address} for 1h because x`).matchers;
        expect(ip).toEqual({ field: 'sourceIp', value: normalizeIpRange(address) });
        expect(ip?.value).not.toContain('/');
      }),
      RUNS,
    );
  });

  it('a broken address or prefix is refused with its words, never thrown', () => {
    const broken = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 33, max: 999 })).map(([a, p]) => `${a}/${p}`),
      fc.tuple(ipv6, fc.integer({ min: 129, max: 999 })).map(([a, p]) => `${a}/${p}`),
      fc.tuple(fc.ipV4(), fc.integer({ min: 256, max: 999 })).map(([a, o]) => a.replace(/\d+$/, String(o))),
      fc.tuple(ipv6WithPrefix, fc.nat(32)).map(([[a, p], n]) => `${a}/${p}/${n}`),
      fc
        .string({
          unit: fc.constantFrom(...'0123456789abcdefABCDEF.:/-xz%'.split('')),
          minLength: 1,
          maxLength: 45,
        })
        .filter((g) => normalizeIpRange(g) === null),
    );
    fc.assert(
      fc.property(broken, (garbage) => {
        const command = parse(`last 2h ip ${garbage}`);
        expect(command).toMatchObject({
          kind: 'invalid',
          problem: expect.stringContaining('is not an IP address or CIDR range'),
        });
        expect(parseMatchers(`ip ${garbage}`)).toHaveProperty('problem');
      }),
      RUNS,
    );
  });
});

const canonicalText = (unit: 'grapheme' | 'binary') =>
  fc
    .oneof(
      fc.string({ unit, minLength: 1, maxLength: 24 }),
      // The characters the writing and reading of values must get right.
      fc.string({
        unit: fc.constantFrom('"', '“', '”', '„', '\\', ' ', '\t', 'a', 'Z', '/', '('),
        minLength: 1,
        maxLength: 12,
      }),
    )
    .map((s) => s.trim())
    .filter((s) => s !== '');

const matcherLists = fc
  .record(
    {
      principal: canonicalText('grapheme').map((s) => s.toLowerCase().trim()),
      identityType: fc.constantFrom(...IDENTITY_TYPES, '!Root'),
      account: fc.stringMatching(/^\d{12}$/),
      region: fc.stringMatching(/^[a-z]{2}(-[a-z]{1,9}){1,2}-\d{1,2}$/),
      outcome: fc.constantFrom('success', 'failure'),
      sourceIp: fc.uniqueArray(
        fc
          .oneof(
            ipv4WithPrefix.map(([a, p]) => `${a}/${p}`),
            ipv6WithPrefix.map(([a, p]) => `${a}/${p}`),
            fc.ipV4(),
            ipv6,
          )
          .map((text) => normalizeIpRange(text) ?? ''),
        { maxLength: 3 },
      ),
      userAgent: fc.uniqueArray(canonicalText('binary'), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .chain(({ sourceIp = [], userAgent = [], ...one }) => {
    const matchers: Matcher[] = [
      ...Object.entries(one).map(([field, value]) => ({ field, value }) as Matcher),
      ...sourceIp.map((value): Matcher => ({ field: 'sourceIp', value })),
      ...userAgent.map((value): Matcher => ({ field: 'userAgent', value })),
    ].filter((m) => m.value !== '' && (m.field !== 'principal' || m.value === m.value.toLowerCase()));
    return fc.shuffledSubarray(matchers, { minLength: matchers.length });
  })
  .filter((matchers) => matchers.length > 0);

describe('matchers round-trip (property)', () => {
  it('parseMatchers(matchersText(m)) gives back m', () => {
    fc.assert(
      fc.property(matcherLists, (matchers) => {
        expect(parseMatchers(matchersText(matchers))).toEqual({ matchers });
      }),
      RUNS,
    );
  });

  it('the same words make the same silence through the slash command', () => {
    fc.assert(
      fc.property(
        // Slack's wrappers and entities are decoded on the command's way in, not in the modal.
        matcherLists.filter((ms) => ms.every((m) => !/[<>&]/.test(m.value))),
        (matchers) => {
          expect(silence(`silence ${matchersText(matchers)} for 4h because planned`).matchers).toEqual(
            matchers,
          );
        },
      ),
      RUNS,
    );
  });
});

const WORDS = [
  'last',
  'since',
  'user',
  'ip',
  'account',
  'region',
  'failed',
  'success',
  'root',
  'nomfa',
  'public',
  'silence',
  'silences',
  'unsilence',
  'for',
  'starting',
  'in',
  'because',
  'type',
  'agent',
  '24h',
  '2',
  'hours',
  '2026-11-01',
  '09:00',
  '10.0.0.0/8',
  '"',
  '“',
  '<mailto:a@b.c|a@b.c>',
  '&amp;',
];

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

describe('any text (property)', () => {
  const answersSensibly = (text: string): void => {
    const command = parseCommand(text, NOW);
    expect(['help', 'query', 'silence', 'silences', 'unsilence', 'invalid']).toContain(command.kind);
    if (command.kind === 'invalid') {
      expect(command.usage).toBe(USAGE);
      expect(command.problem).toMatch(/^\S[^\n]*\.$/);
    }
  };

  it.each<[string, fc.Arbitrary<string>]>([
    ['printable ASCII', fc.string({ maxLength: 80 })],
    ['any code point', fc.string({ unit: 'binary', maxLength: 80 })],
    ['any UTF-16 unit, lone surrogates too', loneSurrogates],
    [
      'grammar words mixed with anything',
      fc
        .array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: 'grapheme', maxLength: 8 })), {
          maxLength: 12,
        })
        .map((words) => words.join(' ')),
    ],
  ])('%s never throws and always answers', (_name, text) => {
    fc.assert(fc.property(text, answersSensibly), RUNS);
  });

  it('a word the grammar does not know is named in the problem', () => {
    const known = new Set(
      WORDS.map((w) => w.toLowerCase()).concat(['help', 'query', 'failure', 'succeeded', 'no-mfa']),
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((w) => !known.has(w)),
        (word) => {
          expect(parse(`last 2h ${word}`)).toMatchObject({
            kind: 'invalid',
            problem: `I don't know \`${word}\`.`,
          });
        },
      ),
      RUNS,
    );
  });
});
