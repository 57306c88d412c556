import { classifySignIn } from '../../bot/core/classify';
import { decodeValue } from '../../bot/core/decode-input';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import { type Block, LIMITS, type SlackMessage } from '../../bot/core/render/blocks';
import { cardToText } from '../../bot/core/render/card-text';
import { clipEscaped, escapeMrkdwn } from '../../bot/core/render/mrkdwn';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import type { AlarmNotification, ClassifiedSignIn } from '../../bot/core/sign-in';
import { recordFrom } from '../helpers/fixtures';

const HOSTILE = '<!channel> <https://evil.example|log in again> & <@U123> <!here>';
const BASE = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';

const classified = (overrides: Record<string, unknown> = {}): ClassifiedSignIn => {
  const [item] = decodeValue(recordFrom(BASE, overrides));
  if (item?.kind !== 'signin') throw new Error(`fixture did not parse: ${JSON.stringify(item)}`);
  return { ...item.signIn, severity: classifySignIn(item.signIn) };
};

const texts = (message: SlackMessage): { type: string; text: string }[] => [
  { type: 'mrkdwn', text: message.text },
  ...message.blocks.flatMap((b: Block) => {
    switch (b.type) {
      case 'header':
        return [b.text];
      case 'section':
        return [...(b.text ? [b.text] : []), ...(b.fields ?? [])];
      case 'context':
        return [...b.elements];
      default:
        return [];
    }
  }),
];

/** Every <…> control sequence in the mrkdwn must be one the renderer made itself. */
const controlSequences = (message: SlackMessage): string[] =>
  texts(message)
    .filter((t) => t.type === 'mrkdwn')
    .flatMap((t) => t.text.match(/<[^>]*>/g) ?? []);
const OURS =
  /^<(!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>]+|https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrailv2\/[^|<>]+\|View in CloudTrail)>$/;

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
    const all = texts(card)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('&lt;!channel&gt; &lt;https://evil.example|log in again&gt; &amp;');
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
    // No entity is cut in half by clipping.
    for (const t of texts(card)) expect(t.text).not.toMatch(/&(a|am|l|g|lt|gt)?…/);
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

  it('has a plain fallback text', () => {
    expect(renderSignInCard(classified(), { accountName: null }).text).toBe(
      'CRITICAL: Console sign-in succeeded — root in account 111122223333 from 192.0.2.0',
    );
  });

  it('links nowhere when the region is not a region code', () => {
    const card = renderSignInCard(classified({ awsRegion: 'evil.example/x' }), { accountName: null });
    expect(controlSequences(card).some((s) => s.includes('cloudtrailv2'))).toBe(false);
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
});

describe('the alarm card', () => {
  const alarm: AlarmNotification = {
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

  it('names the sign-ins behind the alarm when they are known', () => {
    const card = renderAlarmCard(alarm, {
      severity: 'critical',
      accountName: 'prod',
      signIns: [classified({ userAgent: HOSTILE })],
    });
    const text = cardToText(card);
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
      cardToText(renderAlarmCard(alarm, { severity: 'critical', accountName: null, signIns: [] })),
    ).toContain('No matching sign-in record has arrived yet');
  });
});
