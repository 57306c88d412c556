import { readFileSync } from 'node:fs';
import { normalizeAlarm } from '../../bot/core/alarm-notification';
import { classifyAlarm, classifySignIn } from '../../bot/core/classify';
import { decodeBytes, decodeValue } from '../../bot/core/decode-input';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import { LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { cardToText } from '../../bot/core/render/card-text';
import { clipEscaped, escapeMrkdwn, slackDate } from '../../bot/core/render/mrkdwn';
import { composeCard } from '../../bot/core/render/response-card';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import { alertFacts, initialResponse } from '../../bot/core/response';
import type { AlarmNotification, ClassifiedSignIn } from '../../bot/core/sign-in';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { cardTexts } from '../helpers/card-texts';
import { fixtureJson, fixturePath, recordFrom } from '../helpers/fixtures';

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
    expect(text).toContain('━━ 🚨 Root user signed in without MFA ━━');
    expect(text).toContain(
      '🚨 Critical · Root user: console sign-in succeeded in account prod (111122223333) from 192.0.2.0 without MFA',
    );
    expect(text).toContain('Who: Root user');
    expect(text).toContain('Outcome: Succeeded');
    expect(text).toContain('MFA: No');
    expect(text).toContain('Source IP: 192.0.2.0');
    expect(text).toContain('Account: prod (111122223333)');
    expect(text).toContain('Region: us-east-1');
    expect(text).toContain('Browser: Chrome 125 on Mac OS 10.15.7');
    expect(text).toContain('Time: 2022-11-10T16:24:34.000Z');
    expect(text).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
    );
  });

  it('has a plain fallback text that says what happened, where and when', () => {
    expect(renderSignInCard(classified(), { accountName: null }).text).toBe(
      'CRITICAL: Root user signed in without MFA in account 111122223333 from 192.0.2.0 at 2022-11-10T16:24:34.000Z',
    );
  });

  it('says in the fallback text why a sign-in failed, escaped', () => {
    const s = classified({
      errorMessage: 'Failed <authentication> & more',
      responseElements: { ConsoleLogin: 'Failure' },
      userIdentity: { type: 'IAMUser', userName: 'anaya', accountId: '111122223333' },
    });
    expect(renderSignInCard(s, { accountName: null }).text).toBe(
      'MEDIUM: Failed sign-in as anaya (IAM user) in account 111122223333 from 192.0.2.0 at 2022-11-10T16:24:34.000Z. Reason: Failed &lt;authentication&gt; &amp; more',
    );
  });

  it('keeps the state visible in the header of a card about a very long name', () => {
    const s = classified({
      userIdentity: { type: 'IAMUser', userName: 'a'.repeat(300), accountId: '111122223333' },
    });
    const base = renderSignInCard(s, { accountName: null });
    const response = { ...initialResponse(new Date('2022-11-10T16:25:00Z')), state: 'confirmed' as const };
    const header = composeCard(
      base,
      'signin:x',
      alertFacts({ kind: 'signin', severity: s.severity }),
      response,
    ).blocks[0];
    expect(header?.type === 'header' && header.text.text).toMatch(
      /^👍 🔴 a+… signed in without MFA \(IAM user\) · Confirmed, awaiting acknowledgement$/,
    );
  });

  it('links nowhere when the region is not a region code', () => {
    const card = renderSignInCard(classified({ awsRegion: 'evil.example/x' }), { accountName: null });
    expect(controlSequences(card).some((s) => s.includes('cloudtrailv2'))).toBe(false);
  });
});

describe('a card says at a glance who signed in and what happened', () => {
  /** The `index`th sign-in of a published fixture (a few files hold several), with overrides on its record. */
  const fromFixture = (rel: string, index: number, overrides: object): ClassifiedSignIn => {
    const path = fixturePath(`signin/${rel}`);
    const items =
      Object.keys(overrides).length > 0
        ? decodeValue({ ...JSON.parse(readFileSync(path, 'utf8')), ...overrides })
        : decodeBytes(readFileSync(path));
    const signIn = items.flatMap((i) => (i.kind === 'signin' ? [i.signIn] : []))[index];
    if (!signIn) throw new Error(`no sign-in ${index} in ${rel}`);
    return { ...signIn, severity: classifySignIn(signIn) };
  };
  const CTD = 'aws-docs-cloudtrail-guide';
  const IC = 'aws-docs-identity-center';
  const PA = 'panther-analysis';

  // kind · fixture (and which of its sign-ins, and overrides) · header · summary (its first line).
  // biome-ignore format: one row per kind, read as a table
  it.each([
    ['IAM user without MFA', `${CTD}/01-iam-user-success-no-mfa.json`, 0, {}, '🔴 anaya signed in without MFA (IAM user)', '🔴 High · anaya (IAM user): console sign-in succeeded in account 111122223333 from 192.0.2.0 without MFA'],
    ['IAM user with MFA', `${CTD}/02-iam-user-success-mfa-u2f.json`, 0, {}, '🔵 anaya signed in (IAM user)', '🔵 Low · anaya (IAM user): console sign-in succeeded in account 111122223333 from 192.0.2.0'],
    ['IAM user, failed', `${CTD}/03-iam-user-failure.json`, 0, {}, '🟠 Failed sign-in as anaya (IAM user)', '🟠 Medium · anaya (IAM user): console sign-in failed in account 111122223333 from 192.0.2.0'],
    ['failure with the user name hidden by AWS', 'web-sources/pwnedlabs-writeup-iam-failure-HIDDEN-go-http-client-REAL.json', 0, {}, '🟠 Failed sign-in as unknown user (IAM user, name hidden by AWS)', '🟠 Medium · Unknown user (IAM user, name hidden by AWS): console sign-in failed in account 104506445608 from 195.70.73.130'],
    ['root without MFA', `${CTD}/06-root-success-no-mfa.json`, 0, {}, '🚨 Root user signed in without MFA', '🚨 Critical · Root user: console sign-in succeeded in account 111122223333 from 192.0.2.0 without MFA'],
    ['root with MFA, named by its account alias', `${CTD}/07-root-success-mfa.json`, 0, { userIdentity: { type: 'Root', userName: 'acme-prod', accountId: '111122223333' } }, '🚨 Root user signed in', '🚨 Critical · Root user (account alias acme-prod): console sign-in succeeded in account 111122223333 from 192.0.2.0'],
    ['root, failed', `${CTD}/08-root-failure.json`, 0, {}, '🔴 Failed sign-in as root user', '🔴 High · Root user: console sign-in failed in account 111122223333 from 192.0.2.0'],
    ['root password change', `${CTD}/10-root-passwordupdated.json`, 0, {}, '🔴 Password changed for root user', '🔴 High · Root user: root password change succeeded in account 111122223333 from 192.0.2.0'],
    ['root through an external IdP directory, failed', `${PA}/root-externalidpdirectorylogin-failure-REAL-redacted.json`, 0, {}, '🔴 Failed external IdP directory sign-in as root user', '🔴 High · Root user: external IdP directory sign-in failed in account redacted from redacted'],
    ['Identity Center user (UserAuthentication) with MFA', `${IC}/pw-totp-5-userauthentication-password-totp.json`, 0, {}, '🔵 user1 signed in (IAM Identity Center)', '🔵 Low · user1 (Identity Center user): Identity Center sign-in succeeded in account 111122223333 from 203.0.113.0'],
    ['Identity Center user with a password alone', `${IC}/pw-only-3-userauthentication-success.json`, 0, {}, '🟠 user1 signed in without MFA (IAM Identity Center)', '🟠 Medium · user1 (Identity Center user): Identity Center sign-in succeeded in account 111122223333 from 203.0.113.0 without MFA'],
    ['Identity Center user, wrong password', `${IC}/failed-2-credentialverification-password-failure.json`, 0, {}, '🟠 Failed credential check as user1 (IAM Identity Center)', '🟠 Medium · user1 (Identity Center user): credential verification failed in account 111122223333 from 203.0.113.0'],
    ['role session through Identity Center', `${PA}/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json`, 0, {}, '🔵 nicholas.hakmiller signed in (IAM Identity Center, role DevAdmin)', '🔵 Low · nicholas.hakmiller (assumed role DevAdmin via IAM Identity Center): console sign-in succeeded in account 187901811700 from 73.252.165.138'],
    ['role session through Identity Center, outcome not recorded', `${PA}/sso-assumedrole-partial-no-responseElements.json`, 0, {}, '⚪ Console sign-in by tester@example.com, outcome not recorded (IAM Identity Center, role testrole_34c15ddd84…', '⚪ Info · tester@example.com (assumed role testrole_34c15ddd84cb4648 via IAM Identity Center): console sign-in recorded in account 123456789012'],
    ['role session through SAML', `${PA}/saml-assumedrole-okta.json`, 0, {}, '🔵 tester@domain.tld signed in (SAML, role okta)', '🔵 Low · tester@domain.tld (assumed role okta via SAML): console sign-in succeeded in account 123456789012 from 111.111.111.111'],
    ['switch role', 'tstibbs-cloud-core/switchrole-success-cross-account.json', 0, {}, '🔵 AllAccountAdminUser switched role (to role OrganizationAccountAccessRole)', '🔵 Low · AllAccountAdminUser (assumed role OrganizationAccountAccessRole via a role switch): role switch succeeded in account child-account-id-here from 1.2.3.4'],
    ['role session', 'aws-cli-examples/lookup-events-consolelogin-assumedrole.json', 0, {}, '🔵 my-session-name signed in (role my-role)', '🔵 Low · my-session-name (assumed role my-role): console sign-in succeeded in account 123456789012 from 72.21.198.70'],
    ['role session, failed', 'elastic-integrations/test-console-login-json.log.jsonl', 2, {}, '🟠 Failed sign-in as MySessionName (role RoleToBeAssumed)', '🟠 Medium · MySessionName (assumed role RoleToBeAssumed): console sign-in failed in account 123456789012 from 89.160.20.156'],
    ['role session with no session name', `${PA}/assumedrole-no-arn-mfa-session.json`, 0, {}, '🔵 A session of role asdsda signed in', '🔵 Low · A session of role asdsda (assumed role): console sign-in succeeded in account 111111111111111 from 1.1.1.1'],
    ['federated user', `${CTD}/02-iam-user-success-mfa-u2f.json`, 0, { userIdentity: { type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/bob', accountId: '111122223333' } }, '🔵 bob signed in (federated user)', '🔵 Low · bob (federated user): console sign-in succeeded in account 111122223333 from 192.0.2.0'],
  ] as const)('%s: %s', (_kind, rel, index, overrides, header, summary) => {
    const card = renderSignInCard(fromFixture(rel, index, overrides), { accountName: null });
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: header } });
    const first = card.blocks[1]?.type === 'section' ? card.blocks[1].text?.text.split('\n')[0] : undefined;
    expect(first).toBe(summary);
  });

  it('keeps the failure reason under the summary and in the Outcome field', () => {
    const text = cardToText(
      renderSignInCard(fromFixture(`${CTD}/03-iam-user-failure.json`, 0, {}), { accountName: null }),
    );
    expect(text).toContain('192.0.2.0\nReason: Failed authentication\n');
    expect(text).toContain('Outcome: Failed: Failed authentication');
  });

  it('names the person, then the role and how they came, in the Who field', () => {
    const s = fromFixture(`${PA}/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json`, 0, {});
    const text = cardToText(renderSignInCard(s, { accountName: null }));
    expect(text).toContain('Who: nicholas.hakmiller · assumed role DevAdmin via IAM Identity Center');
    expect(text).toContain(
      'ARN: arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_DevAdmin_635426549a280cc6/nicholas.hakmiller',
    );
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
