// The App Home tab: alerts waiting on people with a way to their channel, silences in force or coming, the last
// 24 hours at a glance; inert whatever the alerts and silences say, and within a view's 100 blocks.
import type { ActivitySummary, PrincipalActivity } from '../../bot/core/query';
import { type Block, LIMITS, type TextObject } from '../../bot/core/render/blocks';
import { type HomeAlert, renderHome } from '../../bot/core/render/home-view';
import type { Silence } from '../../bot/core/silence-types';

const NOW = new Date('2026-11-20T10:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number): string => new Date(NOW.getTime() + hours * HOUR).toISOString();

const alert = (over: Partial<HomeAlert> = {}): HomeAlert => ({
  alertId: 'signin:e1',
  headline: 'CRITICAL: Root user signed in without MFA in account 111122223333 from 192.0.2.0',
  state: 'open',
  channel: 'C0SIGNINS',
  ts: '1795168800.000100',
  postedAt: at(-1),
  ...over,
});

const silence = (over: Partial<Silence> = {}): Silence => ({
  id: 's-7f3a2c',
  matchers: [{ field: 'principal', value: 'alice' }],
  startsAt: at(-1),
  endsAt: at(3),
  author: 'U0ALICE',
  reason: 'pen test',
  createdAt: at(-1),
  updatedAt: at(-1),
  channel: 'C0SIGNINS',
  held: 2,
  alarms: [],
  ...over,
});

const person = (i: number, principal = `user${i}`): PrincipalActivity => ({
  key: principal,
  principal,
  accountId: '111122223333',
  identityType: 'IAMUser',
  signIns: 100_000 - i,
  failures: 1,
  noMfa: 0,
  lastSeen: at(-i / 100),
  sourceIps: [{ ip: '203.0.113.7', count: 1 }],
  distinctIps: 1,
});

const summary = (principals: readonly PrincipalActivity[]): ActivitySummary => ({
  from: at(-24),
  to: NOW.toISOString(),
  total: 42,
  byOutcome: { success: 40, failure: 2, other: 0 },
  byIdentityType: { IAMUser: 42 },
  noMfa: 0,
  principals,
  ips: [],
  buckets: Array.from({ length: 24 }, (_, i) => ({ start: at(i - 24), count: i === 20 ? 9 : 0 })),
  bucketMs: HOUR,
  latest: [],
  firstSeen: [],
  silenced: 2,
  source: 'rollups',
});

const textsOf = (blocks: readonly Block[]): TextObject[] =>
  blocks.flatMap((b): TextObject[] =>
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
const textOf = (blocks: readonly Block[]): string =>
  textsOf(blocks)
    .map((t) => t.text)
    .join('\n');

const HOSTILE = '<!channel> *urgent* <https://evil.example|re-login>\u202E';

describe('the App Home tab', () => {
  it('lists the alerts waiting on people with their state, when they were posted and a way to their channel', () => {
    const home = renderHome({
      openAlerts: [alert(), alert({ state: 'confirmed' })],
      silences: [],
      summary: null,
      now: NOW,
    });
    expect(home.type).toBe('home');
    const text = textOf(home.blocks);
    expect(text).toContain('*Alerts waiting on people (2)*');
    expect(text).toContain(
      '🔔 CRITICAL: Root user signed in without MFA in account 111122223333 from 192.0.2.0\n' +
        `Open · posted <!date^${Math.floor(Date.parse(at(-1)) / 1000)}^{date_short_pretty} {time}|${at(-1)}>` +
        ' · <https://slack.com/app_redirect?channel=C0SIGNINS|open its channel>',
    );
    expect(text).toContain('👍 CRITICAL');
    expect(text).toContain('Confirmed, awaiting acknowledgement · posted');
  });

  it('shows a card’s escaped fallback once (not escaped twice), a raw hostile headline inert, and links only channel ids', () => {
    const home = renderHome({
      openAlerts: [
        alert({ headline: 'HIGH: Failed sign-in as &lt;script&gt; &amp; co' }),
        alert({ headline: HOSTILE, channel: 'C0X|evil>' }),
      ],
      silences: [],
      summary: null,
      now: NOW,
    });
    const text = textOf(home.blocks);
    expect(text).toContain('HIGH: Failed sign-in as &lt;script&gt; &amp; co\n');
    expect(text).not.toContain('&amp;lt;');
    expect(
      text.replace(
        /<(https:\/\/slack\.com\/app_redirect\?channel=C0SIGNINS\|open its channel|!date\^[^<>]+)>/g,
        '',
      ),
    ).not.toMatch(/[<>\u202E]/);
    expect(text).toContain('&lt;!channel&gt; ∗urgent∗');
    expect(text.match(/app_redirect/g)).toHaveLength(1);
  });

  it('shows silences in force or coming, not those that ended, with what they held back', () => {
    const home = renderHome({
      openAlerts: [],
      silences: [
        silence(),
        silence({ id: 's-000002', startsAt: at(2), endsAt: at(5) }),
        silence({ id: 's-000003', startsAt: at(-5), endsAt: at(-1) }),
        silence({ id: 's-000004', cancelled: { by: 'U0BOB', at: at(-0.5) } }),
      ],
      summary: null,
      now: NOW,
    });
    const text = textOf(home.blocks);
    expect(text).toContain('*Silences (2)*');
    expect(text).toContain('🔕 *Active* `s-7f3a2c` · user alice');
    expect(text).toContain('⏳ *Pending* `s-000002`');
    expect(text).not.toMatch(/s-00000[34]/);
    expect(text).toContain('held back 2 sign-ins');
    expect(text).toContain('None: every posted alert has been dealt with.');
  });

  it('shows the last 24 hours at a glance: totals, the sparkline and the most active people', () => {
    const home = renderHome({
      openAlerts: [],
      silences: [],
      summary: summary(Array.from({ length: 8 }, (_, i) => person(i))),
      now: NOW,
    });
    const text = textOf(home.blocks);
    expect(text).toContain('*Last 24 hours*');
    expect(text).toContain('*42 sign-ins* · 40 succeeded · 2 failed');
    expect(text).toContain('`▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁█▁▁▁`');
    expect(text).toContain('*Most active*\n• *user0*');
    expect(text).toContain('• *user4*');
    expect(text).not.toContain('• *user5*');
    expect(text).toContain('and 3 more');
    expect(text).toContain('No silence is active or coming');
  });

  it('says when the last 24 hours could not be read', () => {
    expect(textOf(renderHome({ openAlerts: [], silences: [], summary: null, now: NOW }).blocks)).toContain(
      '⚠️ The last 24 hours could not be read just now.',
    );
  });

  it('stays within a view’s 100 blocks and every text limit with 500 alerts, 500 silences and 10,000 hostile people', () => {
    const home = renderHome({
      openAlerts: Array.from({ length: 500 }, (_, i) =>
        alert({ alertId: `a${i}`, headline: HOSTILE.repeat(300) }),
      ),
      silences: Array.from({ length: 500 }, (_, i) => silence({ id: `s-${i}`, reason: HOSTILE.repeat(300) })),
      summary: summary(Array.from({ length: 10_000 }, (_, i) => person(i, HOSTILE.repeat(100)))),
      now: NOW,
    });
    expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    for (const b of home.blocks) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
      if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
      if (b.type === 'context')
        for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.contextText);
    }
    const text = textOf(home.blocks);
    expect(text).toContain('and 480 more');
    expect(text).not.toMatch(/<!channel>|<https:\/\/evil|\u202E/);
    expect(() => encodeURIComponent(JSON.stringify(home))).not.toThrow();
  });
});
