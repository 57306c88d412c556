// Silences as people see them: the list, the channel's announcements, the Silence modal and its round trip
// through the values Bolt hands back; and the card lines silences and baselines add (the Silence button, the
// baseline's line, a held-back sign-in in the dry run, an alarm whose mail and SMS are off).
import { classifySignIn } from '../../bot/core/classify';
import { decodeValue } from '../../bot/core/decode-input';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import { type Block, LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { ACTION_IDS, composeCard } from '../../bot/core/render/response-card';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import {
  readSilenceModal,
  renderSilenceList,
  SILENCE_MODAL,
  SILENCE_MODAL_BLOCKS,
  silenceAnnouncement,
  silenceModal,
} from '../../bot/core/render/silence-views';
import { alertFacts, initialResponse } from '../../bot/core/response';
import type { AlarmNotification, ClassifiedSignIn } from '../../bot/core/sign-in';
import type { Silence } from '../../bot/core/silence-types';
import { recordFrom } from '../helpers/fixtures';

const NOW = new Date('2026-11-20T10:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number): string => new Date(NOW.getTime() + hours * HOUR).toISOString();
const token = (iso: string): string =>
  `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso}>`;

const silence = (over: Partial<Silence> = {}): Silence => ({
  id: 's-7f3a2c',
  matchers: [
    { field: 'principal', value: 'alice' },
    { field: 'sourceIp', value: '203.0.113.0/24' },
  ],
  startsAt: at(-1),
  endsAt: at(3),
  author: 'U0ALICE',
  reason: 'pen test',
  createdAt: at(-1),
  updatedAt: at(-1),
  channel: 'C0SIGNINS',
  held: 0,
  alarms: [],
  ...over,
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
          : b.type === 'input'
            ? [b.label, ...(b.hint ? [b.hint] : [])]
            : [],
  );
const allText = (m: SlackMessage): string => [m.text, ...textsOf(m.blocks).map((t) => t.text)].join('\n');

const HOSTILE = '<!channel> *urgent* <https://evil.example|re-login>\u202E';

describe('/signins silences', () => {
  it('says how to make one when there is none', () => {
    const text = allText(renderSilenceList([], NOW));
    expect(text).toContain('No silences: every sign-in alert is posted.');
    expect(text).toContain('`/signins silence user alice ip 203.0.113.0/24 for 4h because pen test`');
  });

  it('lists active, then pending, then ended silences with what, when, who, why and what they held back', () => {
    const list = renderSilenceList(
      [
        silence({ id: 's-000001', startsAt: at(-5), endsAt: at(-2), held: 3 }),
        silence({ id: 's-000002', startsAt: at(2), endsAt: at(4), author: 'cli:bob' }),
        silence({ id: 's-000003', held: 12, alarms: ['signin-console-failure-iam'] }),
      ],
      NOW,
    );
    const sections = list.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    expect(sections.map((s) => /`(s-\d+)`/.exec(s)?.[1])).toEqual(['s-000003', 's-000002', 's-000001']);
    expect(sections[0]).toBe(
      '🔕 *Active* `s-000003` · user alice · IP 203.0.113.0/24\n' +
        `from ${token(at(-1))} until ${token(at(3))} · by <@U0ALICE>\n` +
        '“pen test” · held back 12 sign-ins\nAlarm actions (mail, SMS) off: signin-console-failure-iam',
    );
    expect(sections[1]).toMatch(/^⏳ \*Pending\* [\s\S]* · by bob \(terminal\)\n/);
    expect(sections[2]).toMatch(/^✔️ \*Ended\* [\s\S]*held back 3 sign-ins$/);
    expect(list.text).toBe('3 silences, 1 active');
  });

  it('mentions an author only when it is a Slack user id, and keeps a hostile reason and author inert', () => {
    const text = allText(renderSilenceList([silence({ author: '<!channel>', reason: HOSTILE })], NOW));
    expect(text).not.toMatch(/<!channel>|<https:/);
    expect(text).toContain('by &lt;!channel&gt;');
    expect(text).toContain('“&lt;!channel&gt; ∗urgent∗ &lt;https://evil.example|re-login&gt;\uFFFD”');
  });

  it('stays within 50 blocks for a hundred silences with 5,000-character reasons', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      silence({ id: `s-${String(i).padStart(6, '0')}`, reason: HOSTILE.repeat(200) }),
    );
    const list = renderSilenceList(many, NOW);
    expect(list.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const t of textsOf(list.blocks)) expect(t.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(allText(list)).toContain('and 75 more');
  });
});

describe('announcements in the channel', () => {
  it('says who silenced what until when, and why, with the id to end it', () => {
    expect(silenceAnnouncement(silence(), 'created', NOW)).toBe(
      `🔕 <@U0ALICE> silenced user alice · IP 203.0.113.0/24 until ${token(at(3))} because pen test (\`s-7f3a2c\`). ` +
        'Matching sign-ins are stored and counted, not posted.',
    );
  });

  it('says when a silence made for later starts, and which alarms go quiet', () => {
    const text = silenceAnnouncement(
      silence({ startsAt: at(2), alarms: ['signin-console-success-root'] }),
      'created',
      NOW,
    );
    expect(text).toContain(`from ${token(at(2))} until ${token(at(3))}`);
    expect(text).toContain(
      'The alarm actions (mail, SMS) of signin-console-success-root are off while it lasts.',
    );
  });

  it('says how many sign-ins it held back when it ends, or is ended early and by whom', () => {
    expect(silenceAnnouncement(silence({ held: 12, endsAt: at(-1) }), 'ended', NOW)).toBe(
      `🔔 Silence \`s-7f3a2c\` (user alice · IP 203.0.113.0/24) ended ${token(at(-1))}: it held back 12 sign-ins. ` +
        'Matching sign-ins are posted again.',
    );
    expect(
      silenceAnnouncement(silence({ held: 1, cancelled: { by: 'U0BOB', at: at(0) } }), 'cancelled', NOW),
    ).toBe(
      '🔔 <@U0BOB> ended silence `s-7f3a2c` (user alice · IP 203.0.113.0/24) early: it held back 1 sign-in. ' +
        'Matching sign-ins are posted again.',
    );
  });

  it('keeps a hostile reason and matcher inert', () => {
    const text = silenceAnnouncement(
      silence({ reason: HOSTILE, matchers: [{ field: 'userAgent', value: HOSTILE }] }),
      'created',
      NOW,
    );
    expect(text.replace(/<(@U0ALICE|!date\^[^<>]+)>/g, '')).not.toMatch(/[<>\u202E]/);
    expect(text).not.toContain('*urgent*');
    expect(text.length).toBeLessThan(LIMITS.sectionText);
  });
});

describe('the Silence modal', () => {
  const modal = silenceModal({
    alertId: 'signin:abc',
    channel: 'C0SIGNINS',
    matchers: 'user alice ip 203.0.113.7',
  });
  const input = (block: string) => modal.blocks.find((b) => b.type === 'input' && b.block_id === block);

  it('carries the alert and the channel, offers 1 h, 4 h, 24 h or a custom end, prefilled matchers and a required reason', () => {
    expect(modal.callback_id).toBe(SILENCE_MODAL);
    expect(JSON.parse(modal.private_metadata)).toEqual({ alertId: 'signin:abc', channel: 'C0SIGNINS' });
    expect(input(SILENCE_MODAL_BLOCKS.preset)).toMatchObject({
      element: {
        type: 'radio_buttons',
        options: [{ value: '1h' }, { value: '4h' }, { value: '24h' }, { value: 'custom' }],
        initial_option: { value: '1h' },
      },
    });
    expect(input(SILENCE_MODAL_BLOCKS.customEnd)).toMatchObject({
      optional: true,
      element: { type: 'datetimepicker' },
    });
    expect(input(SILENCE_MODAL_BLOCKS.matchers)).toMatchObject({
      element: { type: 'plain_text_input', initial_value: 'user alice ip 203.0.113.7' },
    });
    const reason = input(SILENCE_MODAL_BLOCKS.reason);
    expect(reason).toMatchObject({ element: { type: 'plain_text_input', multiline: true } });
    expect(reason?.type === 'input' && reason.optional).toBeFalsy();
  });

  it('is within the limits of a view, and shows problems from a refused submission as plain words', () => {
    const again = silenceModal({
      channel: 'C0SIGNINS',
      matchers: HOSTILE.repeat(100),
      errors: ['Nobody may silence alerts about themselves: ask `another` responder.', HOSTILE],
    });
    expect(JSON.parse(again.private_metadata)).toEqual({ alertId: null, channel: 'C0SIGNINS' });
    for (const t of [again.title, again.submit, again.close]) expect(t.text.length).toBeLessThanOrEqual(24);
    expect(again.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const problems = again.blocks[1];
    expect(problems?.type === 'section' && problems.text).toMatchObject({ type: 'plain_text' });
    const words = problems?.type === 'section' ? (problems.text?.text ?? '') : '';
    expect(words).toContain('⚠️ Nobody may silence alerts about themselves');
    expect(words).not.toMatch(/[<>\u202E]/);
    const prefilled = again.blocks.find(
      (b) => b.type === 'input' && b.block_id === SILENCE_MODAL_BLOCKS.matchers,
    );
    const initial =
      prefilled?.type === 'input' && prefilled.element.type === 'plain_text_input' ? prefilled.element : null;
    expect(initial?.initial_value?.length).toBeLessThanOrEqual(initial?.max_length ?? 0);
    expect(initial?.initial_value).not.toMatch(/[<>\u202E]/);
  });

  /** What Bolt hands a view_submission listener as `view.state.values` for this modal. */
  const submitted = (
    preset: string | null,
    endSeconds: number | null,
    matchers: string | null,
    reason: string | null,
  ) => ({
    [SILENCE_MODAL_BLOCKS.preset]: {
      [SILENCE_MODAL_BLOCKS.preset]: {
        type: 'radio_buttons',
        selected_option: preset ? { text: { type: 'plain_text', text: preset }, value: preset } : null,
      },
    },
    [SILENCE_MODAL_BLOCKS.customEnd]: {
      [SILENCE_MODAL_BLOCKS.customEnd]: { type: 'datetimepicker', selected_date_time: endSeconds },
    },
    [SILENCE_MODAL_BLOCKS.matchers]: {
      [SILENCE_MODAL_BLOCKS.matchers]: { type: 'plain_text_input', value: matchers },
    },
    [SILENCE_MODAL_BLOCKS.reason]: {
      [SILENCE_MODAL_BLOCKS.reason]: { type: 'plain_text_input', value: reason },
    },
  });

  it('reads back what was submitted: the preset, a custom end as an ISO time, the matchers and the reason', () => {
    expect(
      readSilenceModal(submitted('4h', null, ' user alice ip 203.0.113.7 ', 'pen test\nweek 2')),
    ).toEqual({
      preset: '4h',
      customEnd: null,
      matchers: 'user alice ip 203.0.113.7',
      reason: 'pen test\nweek 2',
    });
    const end = Math.floor(Date.parse(at(30)) / 1000);
    expect(readSilenceModal(submitted('custom', end, 'user alice', 'onboarding'))).toEqual({
      preset: 'custom',
      customEnd: at(30),
      matchers: 'user alice',
      reason: 'onboarding',
    });
  });

  it('reads a missing or unknown preset as custom (never a length nobody chose), and empty fields as empty', () => {
    expect(readSilenceModal(submitted(null, null, null, null))).toEqual({
      preset: 'custom',
      customEnd: null,
      matchers: '',
      reason: '',
    });
    expect(readSilenceModal(submitted('999h', 1e20, 'x', 'y')).preset).toBe('custom');
    expect(readSilenceModal(submitted('999h', 1e20, 'x', 'y')).customEnd).toBeNull();
    expect(readSilenceModal('not values')).toEqual({
      preset: 'custom',
      customEnd: null,
      matchers: '',
      reason: '',
    });
  });
});

const BASE = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const rootSignIn = (): ClassifiedSignIn => {
  const [item] = decodeValue(recordFrom(BASE));
  if (item?.kind !== 'signin') throw new Error('fixture did not parse');
  return { ...item.signIn, severity: classifySignIn(item.signIn) };
};

describe('card lines for silences and baselines', () => {
  const buttons = (m: SlackMessage): string[] =>
    m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));

  it('a sign-in card has a Silence button carrying its alert id until it is resolved; an alarm card has none', () => {
    const base = renderSignInCard(rootSignIn(), { accountName: null });
    const open = initialResponse(NOW);
    const card = composeCard(base, 'signin:e1', alertFacts({ kind: 'signin', severity: 'critical' }), open);
    expect(buttons(card)).toContain(ACTION_IDS.silence);
    const actions = card.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.length).toBeLessThanOrEqual(5);
    expect(
      actions?.type === 'actions' && actions.elements.find((e) => e.action_id === ACTION_IDS.silence)?.value,
    ).toBe('signin:e1');
    const resolved = {
      ...open,
      state: 'resolved' as const,
      resolved: { by: 'U0BOB', at: NOW.toISOString() },
    };
    expect(
      buttons(composeCard(base, 'signin:e1', alertFacts({ kind: 'signin', severity: 'low' }), resolved)),
    ).toEqual([]);
    expect(
      buttons(composeCard(base, 'alarm:n1', alertFacts({ kind: 'alarm', severity: 'critical' }), open)),
    ).not.toContain(ACTION_IDS.silence);
  });

  it('says what the baseline knew on its own line, marked 🆕 when something is a first', () => {
    const first = renderSignInCard(rootSignIn(), {
      accountName: null,
      baseline: 'First sign-in from this IP for this user · seen this browser 14 times since 2 Nov',
    });
    expect(first.blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'plain_text',
        text: '🆕 First sign-in from this IP for this user · seen this browser 14 times since 2 Nov',
        emoji: false,
      },
    });
    const seen = renderSignInCard(rootSignIn(), {
      accountName: null,
      baseline: 'Seen from this IP 14 times since 2 Nov',
    });
    expect(seen.blocks[2]).toMatchObject({
      type: 'context',
      elements: [{ text: 'Seen from this IP 14 times since 2 Nov' }],
    });
    const hostile = renderSignInCard(rootSignIn(), { accountName: null, baseline: `first with ${HOSTILE}` });
    expect(
      textsOf(hostile.blocks)
        .map((t) => t.text)
        .join('\n'),
    ).not.toMatch(/<!channel>|\u202E/);
    expect(renderSignInCard(rootSignIn(), { accountName: null }).blocks).toHaveLength(4);
  });

  it('a dry-run card of a held-back sign-in says which silence holds it, and until when', () => {
    const card = renderSignInCard(rootSignIn(), {
      accountName: null,
      silenced: { id: 's-7f3a2c', until: at(3) },
    });
    expect(card.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: `🔕 Held back by silence s-7f3a2c until ${token(at(3)).replace('{time}', '{time_secs}')}: not posted`,
        },
      ],
    });
  });

  it('an alarm card says its mail and SMS are off until the silence ends', () => {
    const alarm: AlarmNotification = {
      kind: 'alarm',
      notificationId: 'n1',
      alarmName: 'signin-console-success-root',
      alarmArn: null,
      description: null,
      state: 'ALARM',
      previousState: 'OK',
      reason: 'Threshold Crossed',
      region: 'us-east-1',
      regionDisplayName: null,
      accountId: '111122223333',
      time: at(0),
      windowSeconds: 60,
      metricName: 'ConsoleSigninSuccessRoot',
      namespace: 'SigninAlerts',
    };
    const quiet = renderAlarmCard(alarm, {
      severity: 'critical',
      accountName: null,
      signIns: [],
      actionsSilenced: { silenceId: 's-7f3a2c', until: at(3) },
    });
    expect(allText(quiet)).toContain(
      `🔕 Alarm actions (mail, SMS) are off until ${token(at(3)).replace('{time}', '{time_secs}')} (silence s-7f3a2c)`,
    );
    const hostile = renderAlarmCard(alarm, {
      severity: 'critical',
      accountName: null,
      signIns: [],
      actionsSilenced: { silenceId: HOSTILE, until: 'never' },
    });
    expect(allText(hostile)).toContain('are off until time unknown (silence ‹!channel›');
    expect(allText(hostile)).not.toMatch(/<!channel>|\u202E/);
    expect(
      allText(renderAlarmCard(alarm, { severity: 'critical', accountName: null, signIns: [] })),
    ).not.toContain('🔕');
  });
});
