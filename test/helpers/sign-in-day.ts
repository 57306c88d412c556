// A busy day of sign-ins, the same every run: test/integration/query-scale.test.ts (30,000, for exact totals)
// and `npm run bench`'s query figure (bench/query.ts, 100,000) build it here.
import type { ClassifiedSignIn, IdentityType } from '../../bot/core/sign-in';
import { seededRandom } from './seeded-random';

export const NOW = new Date('2026-11-02T15:20:00.000Z');
export const DAY_MS = 86_400_000;
export const SIGN_INS = 100_000;
export const BATCH = 1_000;
const USERS = 300;
const IP_POOL = 5_000;

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];

export interface Expected {
  total: number;
  failure: number;
  noMfa: number;
  byIdentityType: Partial<Record<IdentityType, number>>;
  /** Sign-ins per person (account and name) and per source address. */
  people: Map<string, number>;
  sources: Map<string, number>;
}

/** A day of sign-ins, oldest first: a few busy people and many quiet ones, each from a few usual places. */
export const generateDay = (
  count: number = SIGN_INS,
): { signIns: ClassifiedSignIn[]; expected: Expected } => {
  const rnd = seededRandom(8);
  const ipOf = (n: number) => `${10 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.${(n * 7) % 250}`;
  const people = Array.from({ length: USERS }, (_, i) => ({
    name: i === 0 ? 'root' : `person${i}`,
    type: (i === 0 ? 'Root' : i % 3 === 0 ? 'AssumedRole' : 'IAMUser') as IdentityType,
    account: ACCOUNTS[i % ACCOUNTS.length] as string,
    ips: Array.from({ length: 1 + (i % 4) }, () => ipOf(Math.floor(rnd() * IP_POOL))),
    agent: AGENTS[i % AGENTS.length] as string,
    weight: 1 / (i + 1) ** 0.8,
  }));
  const totalWeight = people.reduce((n, p) => n + p.weight, 0);
  const pick = () => {
    let r = rnd() * totalWeight;
    for (const p of people) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return people[people.length - 1] as (typeof people)[number];
  };
  const start = NOW.getTime() - DAY_MS;
  const expected: Expected = {
    total: 0,
    failure: 0,
    noMfa: 0,
    byIdentityType: {},
    people: new Map(),
    sources: new Map(),
  };
  const signIns = Array.from({ length: count }, (_, i): ClassifiedSignIn => {
    const p = pick();
    const failed = rnd() < 0.1;
    const noMfa = !failed && (p.type === 'Root' ? rnd() < 0.3 : rnd() < 0.05);
    const ip =
      rnd() < 0.05 ? ipOf(Math.floor(rnd() * IP_POOL)) : (p.ips[Math.floor(rnd() * p.ips.length)] as string);
    expected.total += 1;
    if (failed) expected.failure += 1;
    if (noMfa) expected.noMfa += 1;
    expected.byIdentityType[p.type] = (expected.byIdentityType[p.type] ?? 0) + 1;
    const person = `${p.account} ${p.name}`;
    expected.people.set(person, (expected.people.get(person) ?? 0) + 1);
    expected.sources.set(ip, (expected.sources.get(ip) ?? 0) + 1);
    return {
      eventId: `scale-${i}`,
      eventIdDerived: false,
      eventName: 'ConsoleLogin',
      time: new Date(start + Math.floor(((i + rnd()) / count) * DAY_MS)).toISOString(),
      outcome: failed ? 'failure' : 'success',
      failureReason: failed ? 'Failed authentication' : null,
      errorCode: null,
      identityType: p.type,
      rawIdentityType: p.type,
      principal: p.type === 'AssumedRole' ? `${p.name} (Admin)` : p.name,
      arn: null,
      federation: null,
      roleName: p.type === 'AssumedRole' ? 'Admin' : null,
      sessionName: p.type === 'AssumedRole' ? p.name : null,
      accountId: p.account,
      identityAccountId: p.account,
      sourceIp: ip,
      region: REGIONS[i % 7 === 0 ? 1 + (i % 2) : 0] as string,
      userAgent: p.agent,
      mfa: noMfa ? 'no' : failed ? 'unknown' : 'yes',
      mfaDevice: null,
      loginTo: null,
      switchFrom: null,
      credentialType: null,
      severity: p.type === 'Root' ? 'critical' : 'low',
    };
  });
  return { signIns, expected };
};
