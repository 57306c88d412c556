// Cards are safe whatever a record holds: a few hundred generated records (seeded, so a failure
// replays) through every card, checking Block Kit's limits and that nothing unsafe gets through.
import { classifyAlarm, classifySignIn } from '../../bot/core/classify';
import { type Place, SPECIAL_ADDRESS_LABELS } from '../../bot/core/geo';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import type { SlackMessage } from '../../bot/core/render/blocks';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import {
  type AlarmNotification,
  type ClassifiedSignIn,
  IDENTITY_TYPES,
  type SignIn,
} from '../../bot/core/sign-in';
import { cardProblems } from '../helpers/card-problems';
import { seededRandom } from '../helpers/seeded-random';

const FRAGMENTS = [
  '<!channel>',
  '<!here|here>',
  '<@U123>',
  '<https://evil.example|click>',
  'https://evil.example/x?a=1&b=2',
  '#general',
  'a@b.co',
  '&amp;',
  '&',
  '<',
  '>',
  '*bold*',
  '_it_',
  '~s~',
  '`code`',
  '```',
  '>quote',
  ':rotating_light:',
  '😀',
  '👩‍💻',
  '🇫🇷',
  'é',
  'e\u0301',
  '\uD83D',
  '\uDE00',
  '\u202E',
  '\u202D',
  '\u2066',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u00AD',
  '\u001b[31m',
  '\u0000',
  '\u0007',
  '\u0085',
  '\u009b',
  '\n',
  '\r\n',
  '\t',
  '\u2028',
  '|',
  '^',
  'root',
  'alice',
  ' ',
  'ConsoleLogin',
  'us-east-1',
  '192.0.2.1',
  '\u{E0041}',
];

const shortString = (next: () => number): string => {
  const parts: string[] = [];
  const count = Math.floor(next() * 12) + 1;
  for (let i = 0; i < count; i++) {
    const kind = next();
    if (kind < 0.6) parts.push(FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] ?? '');
    else if (kind < 0.8) parts.push(String.fromCharCode(Math.floor(next() * 0x10000)));
    else parts.push(String.fromCodePoint(Math.floor(next() * 0x10ffff)).slice(0, next() < 0.5 ? 1 : 2));
  }
  return parts.join('');
};

/** Mostly short strings, some empty, some far past every limit. */
const stringOf = (next: () => number): string => {
  const shape = next();
  if (shape < 0.05) return '';
  const short = shortString(next);
  return shape < 0.85 ? short : short.repeat(Math.ceil((500 + next() * 6000) / Math.max(1, short.length)));
};

const pick = <T>(next: () => number, values: readonly T[]): T =>
  values[Math.floor(next() * values.length)] as T;

const TIMES = [
  '2026-11-20T09:20:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  'not a time',
  '',
  null,
];

const signInOf = (next: () => number): ClassifiedSignIn => {
  const s = (p = 0.8): string | null => (next() < p ? stringOf(next) : null);
  const signIn: SignIn = {
    eventId: stringOf(next),
    eventIdDerived: next() < 0.5,
    eventName: next() < 0.5 ? pick(next, ['ConsoleLogin', 'SwitchRole', 'CheckMfa']) : stringOf(next),
    time: next() < 0.5 ? pick(next, TIMES) : s(),
    outcome: pick(next, ['success', 'failure', null] as const),
    failureReason: s(0.5),
    errorCode: s(0.3),
    identityType: pick(next, IDENTITY_TYPES),
    rawIdentityType: s(0.5),
    principal: stringOf(next),
    arn: s(),
    federation: pick(next, ['identity-center', 'saml', 'switch-role', 'federation', null] as const),
    roleName: s(0.3),
    sessionName: s(0.3),
    accountId: next() < 0.3 ? 'constructor' : s(),
    identityAccountId: s(0.3),
    sourceIp: s(),
    region: next() < 0.3 ? 'us-east-1' : s(),
    userAgent: s(),
    mfa: pick(next, ['yes', 'no', 'idp', 'unknown'] as const),
    mfaDevice: s(0.3),
    loginTo: s(0.3),
    switchFrom: s(0.3),
    credentialType: s(0.3),
  };
  return { ...signIn, severity: classifySignIn(signIn), place: placeOfCase(next) };
};

/** Where from: network names are whatever an address registry holds, so anyone's text. */
const placeOfCase = (next: () => number): Place | undefined => {
  const roll = next();
  if (roll < 0.2) return undefined;
  if (roll < 0.3) return { kind: 'none' };
  if (roll < 0.45) return { kind: 'special', label: pick(next, SPECIAL_ADDRESS_LABELS) };
  return {
    kind: 'public',
    ip: stringOf(next),
    geo: {
      country: next() < 0.5 ? pick(next, ['US', 'JP', 'VN', 'ZZ']) : next() < 0.5 ? stringOf(next) : null,
      asn: next() < 0.8 ? Math.floor(next() * 400_000) : null,
      network: next() < 0.8 ? stringOf(next) : null,
    },
  };
};

const alarmOf = (next: () => number): AlarmNotification => {
  const s = (p = 0.7): string | null => (next() < p ? stringOf(next) : null);
  const health = pick(next, ['prod-signins-health-no-log-events', 'signins-health-worker-errors', null]);
  const alarmName = health ?? (next() < 0.3 ? 'signin-console-success-root' : stringOf(next));
  return {
    kind: 'alarm',
    notificationId: stringOf(next),
    alarmName: `${alarmName}`,
    alarmArn: s(),
    description: s(),
    state: next() < 0.7 ? pick(next, ['ALARM', 'OK', 'INSUFFICIENT_DATA']) : stringOf(next),
    previousState: s(),
    reason: stringOf(next),
    region: s(),
    regionDisplayName: s(),
    accountId: s(),
    time: next() < 0.5 ? pick(next, TIMES) : s(),
    windowSeconds: 60,
    metricName: s(),
    namespace: s(),
  };
};

/** The shared checker, and a fallback with no angle bracket at all (a sign-in's has no token of ours). */
const problems = (card: SlackMessage): string[] => [
  ...cardProblems(card),
  ...(/[<>]/.test(card.text) ? ['unescaped < or > in the fallback'] : []),
];

const CASES = 300;

describe('any record gives a card within Block Kit limits with nothing unsafe in it', () => {
  it(`holds for ${CASES} generated sign-ins`, () => {
    const next = seededRandom(0x5eed);
    for (let i = 0; i < CASES; i++) {
      const s = signInOf(next);
      const accountName = next() < 0.3 ? stringOf(next) : null;
      const raisedBecause = next() < 0.3 ? [stringOf(next), 'impossible travel: US → JP in 30 min'] : [];
      expect({ case: i, problems: problems(renderSignInCard(s, { accountName, raisedBecause })) }).toEqual({
        case: i,
        problems: [],
      });
    }
  });

  it(`holds for ${CASES} generated alarm notifications, sign-in and pipeline-health alike`, () => {
    const next = seededRandom(0xa1a);
    for (let i = 0; i < CASES; i++) {
      const a = alarmOf(next);
      const signIns = Array.from({ length: Math.floor(next() * 4) }, () => signInOf(next));
      const card = renderAlarmCard(a, {
        severity: classifyAlarm(a),
        accountName: next() < 0.3 ? stringOf(next) : null,
        signIns,
      });
      expect({ case: i, problems: problems(card) }).toEqual({ case: i, problems: [] });
    }
  });
});
