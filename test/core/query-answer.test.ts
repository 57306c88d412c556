// The `/signins` answer: what it says (totals, people, IPs, what was new, the latest sign-ins, where it came
// from), the same in a terminal, the sparkline's shapes, and Block Kit's limits with hostile names whatever
// the summary's size.
import fc from 'fast-check';
import type { ActivitySummary, PrincipalActivity } from '../../bot/core/query';
import type { Block, SlackMessage, TextObject } from '../../bot/core/render/blocks';
import { LIMITS } from '../../bot/core/render/blocks';
import { renderQueryAnswer, renderQueryText, sparkline } from '../../bot/core/render/query-answer';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-20T10:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const CTX = { title: 'last 24h', now: NOW, accountNames: { '111122223333': 'prod' } };

const person = (i: number, over: Partial<PrincipalActivity> = {}): PrincipalActivity => ({
  key: `user${i}`,
  principal: `user${i}`,
  accountId: '111122223333',
  identityType: 'IAMUser',
  signIns: 1000 - i,
  failures: 0,
  noMfa: 0,
  lastSeen: iso(NOW.getTime() - i * 60_000),
  sourceIps: [{ ip: '203.0.113.7', count: 1 }],
  distinctIps: 1,
  ...over,
});

const signIn = (over: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn =>
  syntheticSignIn({
    eventId: 'deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
    time: iso(NOW.getTime() - 60_000),
    ...over,
  });

const hourly = (counts: readonly number[]) =>
  counts.map((count, i) => ({ start: iso(NOW.getTime() - (counts.length - i) * HOUR), count }));

const summary = (over: Partial<ActivitySummary> = {}): ActivitySummary => ({
  from: iso(NOW.getTime() - 24 * HOUR),
  to: NOW.toISOString(),
  total: 120,
  byOutcome: { success: 100, failure: 18, other: 2 },
  byIdentityType: { IAMUser: 80, AssumedRole: 30, Root: 10 },
  noMfa: 12,
  principals: [person(0, { principal: 'alice', failures: 2, noMfa: 3, distinctIps: 4 })],
  ips: [{ ip: '203.0.113.7', signIns: 60, failures: 3, users: 4 }],
  buckets: hourly(Array.from({ length: 24 }, (_, i) => i % 5)),
  bucketMs: HOUR,
  latest: [signIn()],
  firstSeen: [
    { eventId: 'e1', time: iso(NOW.getTime() - HOUR), principal: 'alice', what: 'ip', value: '198.51.100.7' },
  ],
  silenced: 5,
  source: 'rollups',
  ...over,
});

const textsOf = (m: SlackMessage): TextObject[] =>
  m.blocks.flatMap((b: Block): TextObject[] =>
    b.type === 'header'
      ? [b.text]
      : b.type === 'section'
        ? b.text
          ? [b.text]
          : []
        : b.type === 'context'
          ? [...b.elements]
          : [],
  );
const allText = (m: SlackMessage): string => [m.text, ...textsOf(m).map((t) => t.text)].join('\n');

/** Every Block Kit limit the answer could break, as readable strings (empty when within all of them). */
const overLimits = (m: SlackMessage): string[] => {
  const found: string[] = [];
  const over = (what: string, n: number, max: number) => {
    if (n > max) found.push(`${what}: ${n} > ${max}`);
  };
  over('blocks', m.blocks.length, LIMITS.blocks);
  over('fallback', m.text.length, LIMITS.fallbackText);
  for (const b of m.blocks) {
    if (b.type === 'header') over('header', b.text.text.length, LIMITS.headerText);
    if (b.type === 'section') over('section', b.text?.text.length ?? 0, LIMITS.sectionText);
    if (b.type === 'context') for (const e of b.elements) over('context', e.text.length, LIMITS.contextText);
  }
  return found;
};

// Sequences the answer writes itself: date tokens and CloudTrail links.
const OURS =
  /<!date\^\d+\^\{date_short_pretty\} \{time\}\|[-0-9T:.Z]+>|<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=[a-z0-9-]+#\/events\/[A-Za-z0-9-]+\|CloudTrail>/g;
const BIDI_OR_CONTROL = /(?!\n)[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('the /signins answer', () => {
  it('says the totals by outcome and identity type, the sign-ins without MFA and those held back', () => {
    const text = allText(renderQueryAnswer(summary(), CTX));
    expect(text).toContain('*120 sign-ins* · 100 succeeded · 18 failed · 2 other');
    expect(text).toContain('By identity: 80 IAM user · 30 assumed role · 10 root user');
    expect(text).toContain('⚠️ 12 successful sign-ins without MFA');
    expect(text).toContain('🔕 5 held back by silences');
  });

  it('lists the 10 most active people in order, then says how many more there are', () => {
    const principals = Array.from({ length: 47 }, (_, i) => person(i));
    const text = allText(renderQueryAnswer(summary({ principals }), CTX));
    const listed = [...text.matchAll(/^• \*(user\d+)\*/gm)].map((m) => m[1]);
    expect(listed).toEqual(principals.slice(0, 10).map((p) => p.principal));
    expect(text).toContain('*By user (47)*');
    expect(text).toMatch(/\nand 37 more$/m);
  });

  it('gives each person sign-ins, failures, last seen as a Slack date, source IPs and MFA', () => {
    const message = renderQueryAnswer(summary(), CTX);
    const row = allText(message)
      .split('\n')
      .find((l) => l.startsWith('• *alice*'));
    const lastSeen = Math.floor(NOW.getTime() / 1000);
    expect(row).toBe(
      `• *alice* · IAM user · prod — 1,000 sign-ins · 2 failed · last <!date^${lastSeen}^{date_short_pretty} {time}|${NOW.toISOString()}>` +
        ' · `203.0.113.7` +3 more · ⚠️ 3 without MFA',
    );
  });

  it('says the top source IPs, what was new for whom, and links the latest sign-ins to CloudTrail', () => {
    const ips = Array.from({ length: 8 }, (_, i) => ({
      ip: `192.0.2.${i}`,
      signIns: 10 - i,
      failures: 0,
      users: 1,
    }));
    const text = allText(
      renderQueryAnswer(
        summary({ ips, latest: [signIn(), signIn({ eventId: 'x', region: 'evil.example/x' })] }),
        CTX,
      ),
    );
    expect(text).toContain('*Top source IPs*\n• `192.0.2.0` — 10 sign-ins · 1 user');
    expect(text).not.toContain('192.0.2.5`');
    expect(text).toContain('and 3 more');
    expect(text).toContain('🆕 first sign-in from `198.51.100.7` for *alice*');
    expect(text).toContain(
      '<https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5d79c0|CloudTrail>',
    );
    // The sign-in whose region is not a region code gets no link.
    expect(text.match(/\|CloudTrail>/g)).toHaveLength(1);
  });

  it('names a new country with its flag and a new network with its number and organisation', () => {
    const flag = (what: 'country' | 'asn', value: string, name?: string) => ({
      eventId: `e-${what}`,
      time: iso(NOW.getTime() - HOUR),
      principal: 'alice',
      what,
      value,
      ...(name ? { name } : {}),
    });
    const firstSeen = [flag('country', 'JP'), flag('asn', '15169', 'Google LLC'), flag('asn', '64496')];
    const text = allText(renderQueryAnswer(summary({ firstSeen }), CTX));
    expect(text).toMatch(/🆕 new country 🇯🇵 \S.* for \*alice\*/);
    expect(text).toContain('🆕 new network AS15169 Google LLC for *alice*');
    expect(text).toContain('🆕 new network AS64496 for *alice*');
    const terminal = renderQueryText(summary({ firstSeen }), CTX);
    expect(terminal).toContain('🆕 new network AS15169 Google LLC for alice');
  });

  it('says where each person signed in from: countries with their flag and name, then networks, with counts', () => {
    const alice = person(0, {
      principal: 'alice',
      countries: [
        { country: 'JP', label: null, count: 8 },
        { country: 'US', label: null, count: 4 },
        { country: null, label: 'private address', count: 2 },
      ],
      distinctCountries: 5,
      networks: [
        { asn: 2501, name: 'The University of Tokyo', count: 8 },
        { asn: 15169, name: 'Google LLC', count: 4 },
      ],
      distinctNetworks: 2,
    });
    const bob = person(1, { principal: 'bob', countries: [], networks: [] });
    const carol = person(2, { principal: 'carol' });
    const message = renderQueryAnswer(summary({ principals: [alice, bob, carol] }), CTX);
    const text = allText(message);
    expect(text).toContain(
      '*Where from*\n• *alice* — 🇯🇵 Japan ×8 · 🇺🇸 United States ×4 · private address ×2 · +2 more' +
        ' — networks AS2501 The University of Tokyo ×8 · AS15169 Google LLC ×4',
    );
    // Nobody is listed there without places (no geo data, or no address at all).
    expect(text).not.toMatch(/Where from[^*]*\*(bob|carol)\*/);
    const terminal = renderQueryText(summary({ principals: [alice] }), CTX);
    expect(terminal).toContain('Where from\n• alice — 🇯🇵 Japan ×8 · 🇺🇸 United States ×4');
  });

  it('has no "Where from" without geo data', () => {
    expect(allText(renderQueryAnswer(summary(), CTX))).not.toContain('Where from');
  });

  it('draws the hour by hour activity as a sparkline between the window’s start and end', () => {
    const text = allText(renderQueryAnswer(summary({ buckets: hourly([0, 1, 2, 4, 8, 0]) }), CTX));
    expect(text).toContain('Sign-ins per hour (peak 8)\n`▁▂▃▅█▁`\n<!date^');
  });

  it('says a daily window per day', () => {
    const days = Array.from({ length: 30 }, (_, i) => ({
      start: iso(NOW.getTime() - (30 - i) * 86_400_000),
      count: i,
    }));
    const text = allText(renderQueryAnswer(summary({ buckets: days, bucketMs: 86_400_000 }), CTX));
    expect(text).toContain('Sign-ins per day (peak 29)');
  });

  it('says "nothing signed in" for an empty window, with no table', () => {
    const empty = summary({
      total: 0,
      byOutcome: { success: 0, failure: 0, other: 0 },
      byIdentityType: {},
      noMfa: 0,
      principals: [],
      ips: [],
      latest: [],
      firstSeen: [],
      silenced: 0,
      buckets: hourly(Array(24).fill(0)),
    });
    const message = renderQueryAnswer(empty, CTX);
    expect(allText(message)).toMatch(/Nothing signed in between <!date/);
    expect(allText(message)).not.toContain('By user');
    expect(message.text).toBe('Sign-ins · last 24h: nothing signed in');
  });

  it('warns when the answer may be incomplete, and says where it came from', () => {
    const message = renderQueryAnswer(
      summary({ partial: 'eu-west-3 <!channel> could not be read', source: 'cloudtrail' }),
      CTX,
    );
    expect(allText(message)).toContain(
      '⚠️ *This answer may be incomplete:* eu-west-3 &lt;!channel&gt; could not be read',
    );
    const context = message.blocks.at(-1);
    expect(context?.type === 'context' && context.elements[0]?.text).toMatch(
      /^Read from CloudTrail event history · /,
    );
    for (const [source, words] of [
      ['rollups', 'Counted from hourly rollups'],
      ['records', 'Counted from the stored sign-in records'],
    ] as const)
      expect(allText(renderQueryAnswer(summary({ source }), CTX))).toContain(words);
  });
});

const HOSTILE = [
  '<!channel>',
  '*bold* _it_ ~s~ `code` :rotating_light:',
  'alice\u202Etxt.exe',
  '<https://evil.example|log in again> & <@U123>',
  `${'x'.repeat(4990)}<!here>`,
  '😀'.repeat(3000),
  '\u001b[31mred\u0007',
];

describe('the answer stays within Block Kit’s limits and inert whatever it holds', () => {
  const huge = summary({
    total: 10_000_000,
    principals: Array.from({ length: 10_000 }, (_, i) =>
      person(i, {
        principal: HOSTILE[i % HOSTILE.length] ?? '',
        sourceIps: [{ ip: HOSTILE[(i + 1) % HOSTILE.length] ?? '', count: 1 }],
        distinctIps: 10_000,
        failures: 99_999,
        noMfa: 99_999,
        countries: [
          { country: HOSTILE[i % HOSTILE.length] ?? '', label: null, count: 99_999 },
          { country: 'JP', label: null, count: 1 },
          { country: null, label: 'AWS service', count: 1 },
        ],
        distinctCountries: 250,
        networks: [
          { asn: 4_294_967_295, name: HOSTILE[(i + 4) % HOSTILE.length] ?? null, count: 99_999 },
          { asn: i, name: null, count: 1 },
        ],
        distinctNetworks: 10_000,
      }),
    ),
    ips: Array.from({ length: 10_000 }, (_, i) => ({
      ip: HOSTILE[i % HOSTILE.length] ?? '',
      signIns: 1,
      failures: 1,
      users: 1,
    })),
    firstSeen: Array.from({ length: 1000 }, (_, i) => ({
      eventId: `e${i}`,
      time: 'not a time',
      principal: HOSTILE[i % HOSTILE.length] ?? '',
      what: (['ip', 'network', 'browser', 'region', 'country', 'asn'] as const)[i % 6] ?? 'ip',
      value: HOSTILE[(i + 3) % HOSTILE.length] ?? '',
      ...(i % 2 ? { name: HOSTILE[(i + 5) % HOSTILE.length] ?? '' } : {}),
    })),
    latest: Array.from({ length: 1000 }, (_, i) =>
      signIn({
        principal: HOSTILE[i % HOSTILE.length] ?? '',
        sourceIp: HOSTILE[(i + 2) % HOSTILE.length] ?? null,
        accountId: HOSTILE[i % 3] ?? null,
      }),
    ),
    buckets: hourly(Array.from({ length: 24 * 90 }, (_, i) => i)), // 45 hours a mark
    partial: HOSTILE.join(' '),
  });
  const ctx = { ...CTX, title: HOSTILE.join(' · '), accountNames: { '<!channel>': '<!here> *prod*' } };

  it('10,000 hostile users: within every limit, no mention, link or format of theirs, no bidi or control', () => {
    const message = renderQueryAnswer(huge, ctx);
    expect(overLimits(message)).toEqual([]);
    for (const t of textsOf(message)) {
      if (t.type === 'mrkdwn') {
        expect(t.verbatim).toBe(true);
        expect(t.text.replace(OURS, '')).not.toMatch(/[<>]/);
      } else expect(t.text).not.toMatch(/[<>]/);
      expect(t.text).not.toMatch(BIDI_OR_CONTROL);
      expect(t.text).not.toMatch(/\p{Cs}/u);
    }
    const text = allText(message);
    expect(text).not.toMatch(/<!(channel|here)|<@U123>/);
    // Outside code spans (where nothing formats) a name's own formatting is made look-alikes.
    const formatted = [
      message.text,
      ...textsOf(message)
        .filter((t) => t.type === 'mrkdwn')
        .map((t) => t.text),
    ]
      .join('\n')
      .replace(/`[^`\n]*`/g, '');
    expect(formatted).toContain('∗bold∗ ˍitˍ ∼s∼ ˋcodeˋ ∶rotating_light:');
    expect(formatted).not.toMatch(/\*bold\*|_it_|~s~|:rotating_light:/);
    expect(text).toContain('and 9,990 more');
    expect(() => encodeURIComponent(JSON.stringify(message))).not.toThrow();
  });

  it('the terminal text says the same in plain words, with no escape sequence or bidi override', () => {
    const text = renderQueryText(huge, ctx);
    expect(text).not.toMatch(BIDI_OR_CONTROL);
    expect(text).not.toContain('<!date');
    expect(text).toContain('and 9,990 more');
    expect(text).toContain('alice\uFFFDtxt.exe');
  });
});

describe('the answer in a terminal', () => {
  it('is a table of people with the same totals, times in UTC and the CloudTrail address', () => {
    const principals = Array.from({ length: 12 }, (_, i) => person(i));
    const text = renderQueryText(summary({ principals }), CTX);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Sign-ins · last 24h');
    expect(text).toContain('120 sign-ins · 100 succeeded · 18 failed · 2 other');
    const header = lines.findIndex((l) => l.startsWith('USER'));
    expect(lines[header]).toMatch(/^USER +TYPE +ACCOUNT +SIGN-INS +FAILED +NO MFA +LAST SEEN +SOURCE IPS$/);
    expect(lines[header + 1]).toMatch(
      /^user0 +IAM user +prod +1,000 +0 +0 +2026-11-20 10:00 UTC +203\.0\.113\.7$/,
    );
    expect(lines[header + 11]).toBe('and 2 more');
    expect(text).toContain(
      'CloudTrail: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
    );
    expect(text).not.toMatch(/[*`]/);
  });
});

describe('sparkline', () => {
  it('is a flat line when nothing happened, and empty for no buckets', () => {
    expect(sparkline([0, 0, 0, 0])).toBe('▁▁▁▁');
    expect(sparkline([])).toBe('');
  });

  it('scales to the largest: the peak is full, nothing is lowest, a single sign-in among many still shows', () => {
    expect(sparkline([0, 1, 1000, 0])).toBe('▁▂█▁');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7])).toBe('▂▃▄▅▆▇█');
  });

  it('merges neighbours when there are more buckets than marks', () => {
    const week = Array.from({ length: 168 }, (_, i): number => (i % 24 === 12 ? 10 : 0));
    const line = sparkline(week);
    expect(line.length).toBeLessThanOrEqual(48);
    expect(line).toBe(
      sparkline(
        Array.from({ length: 42 }, (_, i) => week.slice(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0)),
      ),
    );
  });

  it('for any counts: at most the width, monotone with the counts, full only at the peak', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 500 }),
        fc.integer({ min: 1, max: 60 }),
        (counts, width) => {
          const line = sparkline(counts, width);
          expect([...line].length).toBeLessThanOrEqual(width);
          if (counts.length <= width) {
            const bars = [...line].map((c) => '▁▂▃▄▅▆▇█'.indexOf(c));
            for (let i = 0; i < counts.length; i++)
              for (let j = 0; j < counts.length; j++)
                if ((counts[i] ?? 0) < (counts[j] ?? 0)) expect(bars[i]).toBeLessThanOrEqual(bars[j] ?? 0);
            const max = Math.max(0, ...counts);
            counts.forEach((c, i) => {
              expect(bars[i] === 0).toBe(c === 0);
              if (max > 0) expect(bars[i] === 7).toBe(c === max || c / max > 6 / 7);
            });
          }
        },
      ),
    );
  });
});
