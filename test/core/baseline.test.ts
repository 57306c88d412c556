import { readFileSync } from 'node:fs';
import { baselineValues, baselineWords, firstSeenOf, raiseSeverity, travelOf } from '../../bot/core/baseline';
import type { BaselineFacts, SeenBefore } from '../../bot/core/baseline-types';
import { decodeBytes } from '../../bot/core/decode-input';
import type { FirstSeenWhat } from '../../bot/core/query';
import type { SignIn } from '../../bot/core/sign-in';
import { fixturePath } from '../helpers/fixtures';

const NOW = new Date('2026-11-20T12:00:00.000Z');

const fromFixture = (rel: string): SignIn => {
  const [item] = decodeBytes(readFileSync(fixturePath(rel)));
  if (item?.kind !== 'signin') throw new Error(`${rel} is not a sign-in`);
  return item.signIn;
};

const first = (value: string): SeenBefore => ({ first: true, count: 0, since: null, value });
const familiar = (value: string, count: number, since: string): SeenBefore => ({
  first: false,
  count,
  since,
  value,
});

const known = (seen: BaselineFacts['seen']): BaselineFacts => ({
  knownUser: true,
  userSignIns: 40,
  userSince: '2026-09-01T08:00:00.000Z',
  seen,
  recent: [],
});

const unknownUser: BaselineFacts = {
  knownUser: false,
  userSignIns: 0,
  userSince: null,
  seen: {},
  recent: [],
};

describe('what a baseline keeps of a published sign-in', () => {
  it.each<[string, Partial<Record<FirstSeenWhat, string>>]>([
    [
      'signin/panther-analysis/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json',
      { ip: '73.252.165.138', network: '73.252.165.0/24', browser: 'Chrome', region: 'us-west-2' },
    ],
    [
      'signin/aws-docs-cloudtrail-guide/10-root-passwordupdated.json',
      { ip: '192.0.2.0', network: '192.0.2.0/24', browser: 'Firefox', region: 'us-east-1' },
    ],
    [
      'signin/aws-docs-cloudtrail-guide/11-tutorial-iam-user-success-us-east-1.json',
      { ip: '203.0.113.67', network: '203.0.113.0/24', browser: 'Firefox', region: 'us-east-1' },
    ],
    // Agents that are not browsers ("python-requests", "Mozilla" alone, an attack tool) have no family.
    [
      'signin/panther-analysis/getsignintoken-assumedrole-python-requests.json',
      { ip: '203.0.113.50', network: '203.0.113.0/24', region: 'us-east-1' },
    ],
    [
      'signin/panther-analysis/root-success-no-mfa.json',
      { ip: '111.111.111.111', network: '111.111.111.0/24', region: 'us-east-1' },
    ],
    [
      'signin/web-sources/stratus-detonation-2025-console-login-without-mfa-REAL.json',
      { ip: '154.84.135.87', network: '154.84.135.0/24', region: 'us-east-1' },
    ],
    // A redacted source is not an address: no IP, no network.
    [
      'signin/panther-analysis/root-externalidpdirectorylogin-failure-REAL-redacted.json',
      { browser: 'Chrome', region: 'redacted' },
    ],
  ])('%s', (rel, expected) => {
    expect(baselineValues(fromFixture(rel))).toEqual(expected);
  });

  it('keeps an IPv6 source in its normal form with its /48', () => {
    const s = fromFixture('signin/aws-docs-cloudtrail-guide/01-iam-user-success-no-mfa.json');
    expect(baselineValues({ ...s, sourceIp: '2001:0DB8:00AA:0001::7' })).toMatchObject({
      ip: '2001:db8:aa:1::7',
      network: '2001:db8:aa::/48',
    });
  });

  it('keeps nothing of a sign-in that has no source, agent or region', () => {
    expect(baselineValues({ sourceIp: 'AWS Internal', userAgent: null, region: null })).toEqual({});
  });
});

describe('the severity step for a first-seen IP', () => {
  const newIp = known({ ip: first('198.51.100.7') });
  const sameIp = known({ ip: familiar('198.51.100.7', 14, '2026-11-02T10:00:00.000Z') });
  const root = { identityType: 'Root', mfa: 'yes', outcome: 'success' } as const;
  const noMfa = { identityType: 'IAMUser', mfa: 'no', outcome: 'success' } as const;
  const withMfa = { identityType: 'IAMUser', mfa: 'yes', outcome: 'success' } as const;
  const sso = { identityType: 'AssumedRole', mfa: 'idp', outcome: 'success' } as const;

  it.each<[string, Parameters<typeof raiseSeverity>, string]>([
    ['a root sign-in from a new IP goes high → critical', ['high', root, newIp], 'critical'],
    ['a no-MFA sign-in from a new IP goes medium → high', ['medium', noMfa, newIp], 'high'],
    ['low → medium', ['low', noMfa, newIp], 'medium'],
    ['info → low', ['info', root, newIp], 'low'],
    ['critical stays critical', ['critical', root, newIp], 'critical'],
    ['a sign-in with MFA from a new IP stays', ['medium', withMfa, newIp], 'medium'],
    ['an SSO sign-in from a new IP stays', ['low', sso, newIp], 'low'],
    ['a root sign-in from a familiar IP stays', ['high', root, sameIp], 'high'],
    [
      'a new network alone does not raise it',
      ['high', root, known({ network: first('198.51.100.0/24') })],
      'high',
    ],
    [
      'a user without history stays: everything is new to a new deployment',
      ['high', root, unknownUser],
      'high',
    ],
    ['no baseline at all stays', ['medium', noMfa, undefined], 'medium'],
  ])('%s', (_name, args, expected) => {
    expect(raiseSeverity(...args).severity).toBe(expected);
  });

  it('says why it raised it', () => {
    expect(raiseSeverity('high', root, newIp).why).toEqual([
      'first sign-in from this IP for this user, on a root sign-in',
    ]);
    expect(raiseSeverity('high', root, sameIp).why).toEqual([]);
  });
});

describe('the severity step for a first-seen country', () => {
  const inJapan = (country: SeenBefore) => known({ ip: first('133.11.0.1'), asn: first('2501'), country });
  const newCountry = inJapan(first('JP'));
  const homeCountry = inJapan(familiar('JP', 30, '2026-10-01T00:00:00.000Z'));
  const failedWithMfa = { identityType: 'IAMUser', mfa: 'yes', outcome: 'failure' } as const;
  const okWithMfa = { identityType: 'IAMUser', mfa: 'yes', outcome: 'success' } as const;
  const root = { identityType: 'Root', mfa: 'yes', outcome: 'success' } as const;

  it('raises a failed sign-in from a new country one step, and says so', () => {
    expect(raiseSeverity('medium', failedWithMfa, newCountry)).toEqual({
      severity: 'high',
      why: ['first sign-in from this country for this user, on a failed sign-in'],
    });
  });

  it('raises a root sign-in from a new country one step, not one per new thing (IP, network, country)', () => {
    expect(raiseSeverity('high', root, newCountry)).toEqual({
      severity: 'critical',
      why: ['first sign-in from this country for this user, on a root sign-in'],
    });
  });

  it('leaves a successful sign-in with MFA from a new country, and a failed one from the home country', () => {
    expect(raiseSeverity('medium', okWithMfa, newCountry).severity).toBe('medium');
    expect(raiseSeverity('medium', failedWithMfa, homeCountry).severity).toBe('medium');
  });

  it('raises impossible travel to at least high, and never lowers a critical one', () => {
    const travel = { from: 'US', to: 'JP', minutes: 30, distanceKm: 3625, kmh: 7250 };
    expect(raiseSeverity('low', okWithMfa, homeCountry, travel)).toEqual({
      severity: 'high',
      why: ['impossible travel: US → JP in 30 min'],
    });
    expect(raiseSeverity('critical', root, homeCountry, travel).severity).toBe('critical');
  });
});

describe('impossible travel for a sign-in', () => {
  const located = (country: string, asn: number) =>
    ({
      outcome: 'success',
      time: '2026-11-20T09:30:00.000Z',
      place: { kind: 'public', ip: '133.11.0.1', geo: { country, asn, network: 'Net' } },
    }) as const;
  const factsWith = (asn: SeenBefore): BaselineFacts => ({
    ...known({ country: first('JP'), asn }),
    recent: [{ at: '2026-11-20T09:00:00.000Z', country: 'US' }],
  });

  it('is measured against the recent successes elsewhere', () => {
    expect(travelOf(located('JP', 2501), factsWith(first('2501')))).toMatchObject({ from: 'US', to: 'JP' });
  });

  it('is not claimed from a network the person has used before (a VPN, a carrier the data files in two places)', () => {
    expect(
      travelOf(located('JP', 2501), factsWith(familiar('2501', 3, '2026-11-01T00:00:00.000Z'))),
    ).toBeNull();
  });

  it('is not measured for a failure, or without a country', () => {
    expect(travelOf({ ...located('JP', 2501), outcome: 'failure' }, factsWith(first('2501')))).toBeNull();
    expect(
      travelOf({ ...located('JP', 2501), place: { kind: 'none' } }, factsWith(first('2501'))),
    ).toBeNull();
  });
});

describe('the card’s words on what is unusual', () => {
  it('say what is new first, then what is familiar with a count and a date', () => {
    const facts = known({
      ip: first('198.51.100.7'),
      network: first('198.51.100.0/24'),
      browser: first('Firefox'),
      region: familiar('us-east-1', 14, '2026-11-02T10:00:00.000Z'),
    });
    expect(baselineWords(facts, NOW)).toBe(
      'First sign-in from this IP for this user · first time with this browser · seen in us-east-1 14 times since 2 Nov',
    );
  });

  it('say a user without history has none yet', () => {
    expect(baselineWords(unknownUser, NOW)).toBe('No sign-in history for this user yet (first seen now)');
  });

  it('say nothing without facts', () => {
    expect(baselineWords(undefined, NOW)).toBeNull();
  });

  it('count what is familiar, with the year when it is not this year', () => {
    const facts = known({
      ip: familiar('203.0.113.9', 1, '2025-12-30T23:59:00.000Z'),
      network: familiar('203.0.113.0/24', 30, '2025-10-01T00:00:00.000Z'),
      browser: familiar('Chrome', 2, '2026-01-05T00:00:00.000Z'),
      region: familiar('eu-west-1', 41, '2026-09-01T08:00:00.000Z'),
    });
    expect(baselineWords(facts, NOW)).toBe(
      'Seen from this IP once since 30 Dec 2025 · seen with Chrome twice since 5 Jan · seen in eu-west-1 41 times since 1 Sep',
    );
  });

  it('tell a new IP in a familiar network', () => {
    const facts = known({
      ip: first('203.0.113.77'),
      network: familiar('203.0.113.0/24', 9, '2026-10-10T00:00:00.000Z'),
      region: familiar('us-east-1', 9, '2026-10-10T00:00:00.000Z'),
    });
    expect(baselineWords(facts, NOW)).toBe(
      'First sign-in from this IP for this user · seen from this address block 9 times since 10 Oct · seen in us-east-1 9 times since 10 Oct',
    );
  });

  it('tell a new network only when the IP is not news itself', () => {
    expect(
      baselineWords(
        known({
          ip: familiar('203.0.113.9', 3, '2026-11-01T00:00:00.000Z'),
          network: first('203.0.113.0/24'),
        }),
        NOW,
      ),
    ).toBe('First sign-in from this address block for this user · seen from this IP 3 times since 1 Nov');
  });

  it('say all four new things in at most three parts', () => {
    const facts = known({
      ip: first('198.51.100.7'),
      network: first('198.51.100.0/24'),
      browser: first('Firefox'),
      region: first('ap-southeast-2'),
    });
    expect(baselineWords(facts, NOW)).toBe(
      'First sign-in from this IP for this user · first time with this browser · first time in this region',
    );
  });

  it('fall back to the user’s count when the sign-in had nothing to compare', () => {
    expect(baselineWords(known({}), NOW)).toBe('40 earlier sign-ins since 1 Sep');
  });

  it('read dates in UTC', () => {
    const facts = known({ region: familiar('us-east-1', 5, '2026-11-02T23:30:00.000-05:00') });
    expect(baselineWords(facts, NOW)).toBe('Seen in us-east-1 5 times since 3 Nov');
  });
});

describe('first-seen flags for /signins', () => {
  it('name what is new, the network only when the IP is not', () => {
    expect(
      firstSeenOf(
        known({
          ip: first('198.51.100.7'),
          network: first('198.51.100.0/24'),
          browser: first('Firefox'),
          region: first('eu-west-1'),
        }),
      ),
    ).toEqual(['ip', 'browser', 'region']);
    expect(
      firstSeenOf(
        known({
          ip: familiar('198.51.100.7', 2, '2026-11-01T00:00:00.000Z'),
          network: first('198.51.100.0/24'),
        }),
      ),
    ).toEqual(['network']);
  });

  it('name nothing when nothing is new', () => {
    expect(firstSeenOf(known({ ip: familiar('198.51.100.7', 2, '2026-11-01T00:00:00.000Z') }))).toEqual([]);
  });

  it('name nothing for a user without history, or without a baseline', () => {
    expect(firstSeenOf({ ...unknownUser, seen: { ip: first('198.51.100.7') } })).toEqual([]);
    expect(firstSeenOf(undefined)).toEqual([]);
  });
});
