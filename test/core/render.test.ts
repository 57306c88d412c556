import { normalizeAlarm } from '../../bot/core/alarm-notification';
import { classifyAlarm, classifySignIn } from '../../bot/core/classify';
import { decodeValue } from '../../bot/core/decode-input';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import { LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { cardToText } from '../../bot/core/render/card-text';
import { clipEscaped, escapeMrkdwn, slackDate } from '../../bot/core/render/mrkdwn';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import type { AlarmNotification, ClassifiedSignIn } from '../../bot/core/sign-in';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { cardTexts } from '../helpers/card-texts';
import { fixtureJson, recordFrom } from '../helpers/fixtures';

const HOSTILE = '<!channel> <https://evil.example|log in again> & <@U123> <!here>';
const BASE = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';

const classified = (overrides: Record<string, unknown> = {}): ClassifiedSignIn => {
  const [item] = decodeValue(recordFrom(BASE, overrides));
  if (item?.kind !== 'signin') throw new Error(`fixture did not parse: ${JSON.stringify(item)}`);
  return { ...item.signIn, severity: classifySignIn(item.signIn) };
};

const blockTexts = cardTexts;

const texts = (message: SlackMessage): TextObject[] => [
  { type: 'mrkdwn', text: message.text },
  ...blockTexts(message),
];

/** Every <…> control sequence in the mrkdwn must be one the renderer made itself. */
const controlSequences = (message: SlackMessage): string[] =>
  texts(message)
    .filter((t) => t.type === 'mrkdwn')
    .flatMap((t) => t.text.match(/<[^>]*>/g) ?? []);
const OURS =
  /^<(!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>]+|https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrailv2\/[^|<>]+\|View in CloudTrail)>$/;

const LONE_SURROGATE = /\p{Cs}/u;

describe('the sign-in card', () => {
  it('renders a hostile user agent, user name and reason as inert text', () => {
    const s = classified({
      eventName: HOSTILE,
      userAgent: HOSTILE,
      errorMessage: HOSTILE,
      responseElements: { ConsoleLogin: 'Failure' },
      userIdentity: { type: 'IAMUser', userName: HOSTILE, accountId: '111122223333' },
      sourceIPAddress: '<!everyone>',
    });
    const card = renderSignInCard(s, { accountName: '<!subteam^S1> prod' });
    for (const seq of controlSequences(card)) expect(seq).toMatch(OURS);
    expect(card.text).toContain('&lt;!channel&gt; &lt;https://evil.example|log in again&gt; &amp;');
    const all = texts(card)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('‹!channel› ‹https://evil.example|log in again› &');
    expect(all).not.toMatch(/<!(channel|here|everyone|subteam)/);
    expect(all).not.toContain('<https://evil');
  });

  it('keeps every block within Block Kit limits, clipping on the escaped length', () => {
    const huge = '<&>'.repeat(5000);
    const s = classified({
      userAgent: huge,
      errorMessage: huge,
      userIdentity: { type: 'IAMUser', userName: huge, arn: huge },
    });
    const card = renderSignInCard(s, { accountName: huge });
    for (const b of card.blocks) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
      if (b.type === 'section') {
        expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
        expect(b.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
        for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
      }
      if (b.type === 'context')
        for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.contextText);
    }
    expect(card.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    // No entity is cut in half by clipping (plain_text has no entities: & is itself there).
    for (const t of texts(card).filter((t) => t.type === 'mrkdwn'))
      expect(t.text).not.toMatch(/&(a|am|l|g|lt|gt)?…/);
  });

  it('shows who, what, MFA, where from, account name, region, browser, time and a CloudTrail link', () => {
    const s = classified({
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    });
    const text = cardToText(renderSignInCard(s, { accountName: 'prod' }));
    expect(text).toContain('Console sign-in succeeded — root user');
    expect(text).toContain(
      'root (root user): console sign-in succeeded in account prod (111122223333) from 192.0.2.0 without MFA',
    );
    expect(text).toContain('MFA: No');
    expect(text).toContain('Browser: Chrome 125 on Mac OS 10.15.7');
    expect(text).toContain('Time: 2022-11-10T16:24:34.000Z');
    expect(text).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
    );
  });

  it('has a plain fallback text that says when', () => {
    expect(renderSignInCard(classified(), { accountName: null }).text).toBe(
      'CRITICAL: Console sign-in succeeded — root in account 111122223333 from 192.0.2.0 at 2022-11-10T16:24:34.000Z',
    );
  });

  it('links nowhere when the region is not a region code', () => {
    const card = renderSignInCard(classified({ awsRegion: 'evil.example/x' }), { accountName: null });
    expect(controlSequences(card).some((s) => s.includes('cloudtrailv2'))).toBe(false);
  });
});

describe('record values never format and never link', () => {
  const where = (card: SlackMessage, needle: string): TextObject[] =>
    blockTexts(card).filter((t) => t.text.includes(needle));

  it('keeps *bold*, _italic_, ~strike~, `code` and :emoji: in a user name literal', () => {
    const name = '*boss* _x_ ~y~ `z` :rotating_light:';
    const card = renderSignInCard(
      classified({ userIdentity: { type: 'IAMUser', userName: name, accountId: '111122223333' } }),
      { accountName: null },
    );
    const holders = where(card, name);
    expect(holders.length).toBeGreaterThan(0);
    for (const t of holders) expect(t).toMatchObject({ type: 'plain_text', emoji: false });
  });

  it('does not turn a URL, a #channel or an e-mail address in a user agent into a link', () => {
    const ua = 'see https://evil.example and #general and a@b.co';
    const card = renderSignInCard(classified({ userAgent: ua }), { accountName: null });
    const holders = where(card, ua);
    expect(holders.length).toBeGreaterThan(0);
    for (const t of holders) {
      if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
      else expect(t.type).toBe('plain_text');
    }
  });

  it('marks every mrkdwn text object verbatim and never turns on emoji codes in plain_text', () => {
    const card = renderSignInCard(classified({ userAgent: HOSTILE }), { accountName: 'prod' });
    for (const t of blockTexts(card)) {
      if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
      else expect(t.emoji).toBe(false);
    }
  });
});

describe('text that cannot be sent or shown as it is', () => {
  const userNamed = (userName: string) =>
    classified({ userIdentity: { type: 'IAMUser', userName, accountId: '111122223333' } });

  it('replaces a lone surrogate at the end of the fallback text, so the card can be form-encoded', () => {
    const card = renderSignInCard(userNamed('alice\uD83D'), { accountName: null });
    expect(card.text).not.toMatch(LONE_SURROGATE);
    expect(card.text).toContain('alice\uFFFD');
    expect(() => encodeURIComponent(card.text)).not.toThrow();
    expect(() => encodeURIComponent(JSON.stringify(card))).not.toThrow();
  });

  it('never splits an emoji when a user name of emoji is clipped into the fallback', () => {
    const card = renderSignInCard(userNamed('😀'.repeat(3000)), { accountName: null });
    expect(card.text).not.toMatch(LONE_SURROGATE);
    expect(() => encodeURIComponent(JSON.stringify(card))).not.toThrow();
  });

  it('clips a user agent of 3000 emoji to the limit on whole emoji', () => {
    const card = renderSignInCard(classified({ userAgent: '😀'.repeat(3000) }), { accountName: null });
    const ua = blockTexts(card).find((t) => t.text.startsWith('User agent: '));
    expect(ua).toBeDefined();
    const text = ua?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(LIMITS.contextText);
    expect(text).toMatch(/^User agent: (😀)+…$/u);
    for (const t of texts(card)) expect(t.text).not.toMatch(LONE_SURROGATE);
    expect(() => encodeURIComponent(JSON.stringify(card))).not.toThrow();
  });

  it('keeps an emoji sequence joined by a zero-width joiner whole', () => {
    const card = renderSignInCard(userNamed('👩‍💻 dev'), { accountName: null });
    expect(cardToText(card)).toContain('👩‍💻 dev (IAM user)');
  });

  it('does not let a right-to-left override in a user name reorder the card', () => {
    const card = renderSignInCard(userNamed('alice\u202Etxt.exe'), { accountName: null });
    for (const t of texts(card)) expect(t.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/);
    expect(cardToText(card)).toContain('alice\uFFFDtxt.exe');
  });

  it('shows a zero-width character hidden in a name instead of passing it for "root"', () => {
    const card = renderSignInCard(userNamed('ro\u200Bot'), { accountName: null });
    expect(cardToText(card)).toContain('ro\uFFFDot');
    expect(cardToText(card)).not.toContain('ro\u200Bot');
  });

  it('keeps terminal escape sequences and line breaks out of the card and its terminal rendering', () => {
    const s = classified({
      userAgent: '\u001b[2J\u001b]0;pwned\u0007Mozilla',
      userIdentity: { type: 'IAMUser', userName: 'alice\nOutcome\nSucceeded', accountId: '111122223333' },
    });
    const card = renderSignInCard(s, { accountName: null });
    for (const t of texts(card)) expect(t.text).not.toMatch(/(?!\n)\p{Cc}/u);
    const text = cardToText(card);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Who: alice Outcome Succeeded · IAM user');
  });
});

describe('a sign-in whose time could not be read', () => {
  const timeless: ClassifiedSignIn = { ...classified(), time: null };

  it('says "time unknown" on the card and in the fallback text', () => {
    const card = renderSignInCard(timeless, { accountName: null });
    expect(cardToText(card)).toContain('Time: time unknown');
    expect(card.text).toContain('(time unknown)');
    for (const t of texts(card)) expect(t.text).not.toMatch(/Invalid Date|NaN/);
  });

  it('says "time unknown" for a time that is not a date', () => {
    const card = renderSignInCard({ ...timeless, time: 'not a time' }, { accountName: null });
    expect(cardToText(card)).toContain('Time: time unknown');
    expect(slackDate('not a time')).toBe('time unknown');
    expect(slackDate(null)).toBe('time unknown');
    expect(slackDate('2026-11-20T09:20:00.000Z')).toBe(
      '<!date^1795166400^{date_short_pretty} {time_secs}|2026-11-20T09:20:00.000Z>',
    );
  });
});

describe('escaping and clipping', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('a&b<c>d *e* _f_ "g"')).toBe('a&amp;b&lt;c&gt;d *e* _f_ "g"');
  });
  it('clips without splitting an entity', () => {
    expect(clipEscaped('abc&amp;def', 6)).toBe('abc…');
    expect(clipEscaped('abc&amp;def', 9)).toBe('abc&amp;…');
  });
  it('clips without splitting a character or a flag', () => {
    expect(clipEscaped('ab😀cd', 4)).toBe('ab…');
    expect(clipEscaped('🇫🇷🇩🇪', 6)).toBe('🇫🇷…');
  });
});

const ALARM: AlarmNotification = {
  kind: 'alarm',
  notificationId: 'n1',
  alarmName: 'signin-console-success-root',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:signin-console-success-root',
  description: null,
  state: 'ALARM',
  previousState: 'OK',
  reason:
    'Threshold Crossed: 1 datapoint [1.0 (20/11/26 09:19:00)] was greater than or equal to the threshold (1.0).',
  region: 'us-east-1',
  regionDisplayName: 'US East (N. Virginia)',
  accountId: '111122223333',
  time: '2026-11-20T09:20:00.000Z',
  windowSeconds: 60,
  metricName: 'ConsoleSigninSuccessRoot',
  namespace: 'SigninAlerts',
};

describe('the sign-in alarm card', () => {
  it('names the sign-ins behind the alarm when they are known', () => {
    const card = renderAlarmCard(ALARM, {
      severity: 'critical',
      accountName: 'prod',
      signIns: [classified({ userAgent: HOSTILE })],
    });
    const text = cardToText(card);
    expect(text).toContain('━━ 🚨 Alarm ALARM: signin-console-success-root ━━');
    expect(text).toContain('Sign-ins behind this alarm (1):');
    expect(text).toContain(
      '• root succeeded from 192.0.2.0 at 2022-11-10T16:24:34.000Z (event deb1e1f9-c99b-4612-8e9f-21f93b5d79c0)',
    );
    expect(card.text).toBe(
      'CRITICAL: alarm signin-console-success-root is ALARM in account prod (111122223333) (1 sign-in)',
    );
  });

  it('says when no sign-in record has arrived yet', () => {
    expect(
      cardToText(renderAlarmCard(ALARM, { severity: 'critical', accountName: null, signIns: [] })),
    ).toContain('No matching sign-in record has arrived yet');
  });

  it('says "time unknown" for an alarm or a listed sign-in without a time', () => {
    const card = renderAlarmCard(
      { ...ALARM, time: null },
      { severity: 'critical', accountName: null, signIns: [{ ...classified(), time: null }] },
    );
    const text = cardToText(card);
    expect(text).toContain('Time: time unknown');
    expect(text).toContain('• root succeeded from 192.0.2.0 (time unknown) (event ');
  });

  it('shows a hostile alarm name and reason as plain text', () => {
    const card = renderAlarmCard(
      { ...ALARM, alarmName: `*x* ${HOSTILE}`, reason: HOSTILE },
      { severity: 'high', accountName: null, signIns: [] },
    );
    for (const seq of controlSequences(card)) expect(seq).toMatch(OURS);
    for (const t of blockTexts(card).filter((t) => t.text.includes('*x*'))) expect(t.type).toBe('plain_text');
  });
});

describe('the pipeline-health alarm card', () => {
  const published = fixtureJson('cloudwatch-alarm-sns/notify-slack-bare-alarm-message.json');
  const noLogEvents = (state = 'ALARM'): AlarmNotification =>
    normalizeAlarm({ ...published, AlarmName: 'prod-signins-health-no-log-events', NewStateValue: state });
  const render = (a: AlarmNotification) =>
    renderAlarmCard(a, { severity: classifyAlarm(a), accountName: null, signIns: [] });

  it('says what broke and what to do, as a critical card', () => {
    const a = noLogEvents();
    expect(classifyAlarm(a)).toBe('critical');
    const card = render(a);
    const header = card.blocks[0];
    expect(header?.type).toBe('header');
    if (header?.type === 'header') {
      expect(header.text.text).toMatch(/^🚨 signins pipeline: No CloudTrail events reached/);
      expect(header.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    }
    const text = cardToText(card);
    expect(text).toContain(`What it means: ${HEALTH_ALARMS.noLogEvents.meaning}`);
    expect(text).toContain(`What to do: ${HEALTH_ALARMS.noLogEvents.action}`);
    expect(text).toContain('Alarm reason: Threshold Crossed');
    expect(text).toContain('Alarm: prod-signins-health-no-log-events');
    expect(text).toContain('Account: 000000000000');
    expect(text).toContain('Region: EU - Ireland');
    expect(text).toContain('Time: 2017-01-12T16:30:42.236Z');
    expect(card.text).toMatch(
      /^CRITICAL: signins pipeline: No CloudTrail events .* \(alarm prod-signins-health-no-log-events is ALARM in account 000000000000\)$/,
    );
    expect(text).not.toContain('Sign-ins behind this alarm');
  });

  it('says when the pipeline recovered', () => {
    const card = render(noLogEvents('OK'));
    expect(cardToText(card)).toContain('✅ signins pipeline recovered: No CloudTrail events reached');
    expect(card.text).toMatch(/^LOW: /);
  });

  it('leaves the four sign-in alarms their own card', () => {
    const card = render(normalizeAlarm({ ...published, AlarmName: 'prod-signin-console-failure-root' }));
    expect(cardToText(card)).toContain('Alarm ALARM: prod-signin-console-failure-root');
    expect(cardToText(card)).not.toContain('signins pipeline');
  });
});
