// What is unusual about a sign-in for its user: the values a baseline remembers, the severity step a
// first-seen IP earns on a risky sign-in, and the card's words ("First sign-in from this IP for this user").
import { SEVERITIES, type Severity } from '../../shared/severity';
import type { BaselineFacts, SeenBefore } from './baseline-types';
import type { Place } from './geo';
import { networkOf, normalizeIp } from './ip-range';
import type { FirstSeenWhat } from './query';
import { browserFamily } from './render/user-agent';
import type { ClassifiedSignIn } from './sign-in';
import { impossibleTravel, type Travel, travelWords } from './travel';

/** What a baseline keeps of a sign-in; a key is absent when the sign-in does not have it. */
export const baselineValues = (
  signIn: Pick<ClassifiedSignIn, 'sourceIp' | 'userAgent' | 'region'>,
): Partial<Record<FirstSeenWhat, string>> => {
  const values: Partial<Record<FirstSeenWhat, string>> = {};
  const ip = signIn.sourceIp === null ? null : normalizeIp(signIn.sourceIp);
  if (ip) values.ip = ip;
  const network = networkOf(signIn.sourceIp);
  if (network) values.network = network;
  // The family only ("Chrome"): a browser's version changes every few weeks and would be "new" each time.
  const browser = signIn.userAgent ? browserFamily(signIn.userAgent) : undefined;
  if (browser) values.browser = browser;
  if (signIn.region) values.region = signIn.region;
  return values;
};

/** The country and the autonomous system of a public address, when the data knows them. */
export const placeValues = (place: Place | undefined): Partial<Record<FirstSeenWhat, string>> => {
  if (place?.kind !== 'public') return {};
  const { country, asn } = place.geo;
  return { ...(country ? { country } : {}), ...(asn !== null ? { asn: String(asn) } : {}) };
};

const stepUp = (severity: Severity): Severity =>
  SEVERITIES[Math.max(0, SEVERITIES.indexOf(severity) - 1)] ?? severity;

const atLeast = (severity: Severity, floor: Severity): Severity =>
  SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(floor) ? severity : floor;

/**
 * Impossible travel for a successful sign-in from a known country, against the person's recent successes in
 * other countries (bot/core/travel.ts). Null for failures: a guesser abroad is not the user travelling.
 */
export const travelOf = (
  signIn: Pick<ClassifiedSignIn, 'outcome' | 'time' | 'place'>,
  facts: BaselineFacts | undefined,
): Travel | null => {
  const country = signIn.place?.kind === 'public' ? signIn.place.geo.country : null;
  if (signIn.outcome !== 'success' || !facts || !country || !signIn.time) return null;
  // A network the person has signed in from before is no evidence of travel: a VPN or a carrier whose blocks
  // the data files under different countries (dual-stack IPv4 and IPv6 often disagree) would look impossible.
  if (facts.seen.asn?.first === false) return null;
  return impossibleTravel({ at: signIn.time, country }, facts.recent);
};

/** A severity after what the baseline and the travel check found, and why, in the card's words. */
export interface RaisedSeverity {
  readonly severity: Severity;
  /** Empty when nothing raised it. */
  readonly why: readonly string[];
}

type RiskSubject = Pick<ClassifiedSignIn, 'identityType' | 'mfa' | 'outcome'>;

const riskWords = (s: RiskSubject, failedCounts: boolean): string | null => {
  if (s.identityType === 'Root') return 'on a root sign-in';
  if (s.mfa === 'no') return 'on a sign-in without MFA';
  if (failedCounts && s.outcome === 'failure') return 'on a failed sign-in';
  return null;
};

/**
 * What raises a sign-in's severity:
 * - one step for a first-seen country on a root, no-MFA or failed sign-in, or (the country being familiar) a
 *   first-seen IP on a root or no-MFA sign-in: one step for a new place, not one per new thing about it;
 * - at least high for impossible travel.
 * Steps only for a user the baseline knew: on a new deployment every IP and country is new, and raising every
 * root sign-in would teach people to ignore it.
 */
export const raiseSeverity = (
  severity: Severity,
  signIn: RiskSubject,
  facts: BaselineFacts | undefined,
  travel: Travel | null = null,
): RaisedSeverity => {
  let raised = severity;
  const why: string[] = [];
  if (facts?.knownUser) {
    const newCountry = facts.seen.country?.first ? riskWords(signIn, true) : null;
    const newIp = facts.seen.ip?.first ? riskWords(signIn, false) : null;
    if (newCountry) why.push(`${NEW_WORDS.country}, ${newCountry}`);
    else if (newIp) why.push(`${NEW_WORDS.ip}, ${newIp}`);
    if (why.length > 0) raised = stepUp(raised);
  }
  if (travel) {
    why.push(travelWords(travel));
    raised = atLeast(raised, 'high');
  }
  return { severity: raised, why };
};

/**
 * What is new, widest first: a new country is one piece of news, not also "new network" and "new IP"; a new
 * block (/24) is news only when the IP is not.
 */
const newThings = (facts: BaselineFacts): FirstSeenWhat[] => {
  const { ip, network, country, asn, browser, region } = facts.seen;
  const found: FirstSeenWhat[] = [];
  // The widest new thing says the most: a new country, else a new network (AS), else a new IP or block.
  if (country?.first) found.push('country');
  if (asn?.first && !country?.first) found.push('asn');
  if (ip?.first && !country?.first && !asn?.first) found.push('ip');
  if (network?.first && !ip?.first) found.push('network');
  if (browser?.first) found.push('browser');
  if (region?.first) found.push('region');
  return found;
};

/** What is first for this user (for `/signins` flags); nothing for a user without history, where all is. */
export const firstSeenOf = (facts: BaselineFacts | undefined): FirstSeenWhat[] =>
  facts?.knownUser ? newThings(facts) : [];

const NEW_WORDS: Record<FirstSeenWhat, string> = {
  ip: 'first sign-in from this IP for this user',
  network: 'first sign-in from this address block for this user',
  country: 'first sign-in from this country for this user',
  asn: 'first sign-in from this network for this user',
  browser: 'first time with this browser',
  region: 'first time in this region',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2 Nov" (UTC), "2 Nov 2025" when not this year; null when unreadable. */
const shortDate = (iso: string, now: Date): string | null => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return d.getUTCFullYear() === now.getUTCFullYear() ? day : `${day} ${d.getUTCFullYear()}`;
};

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

const since = (iso: string | null, now: Date): string => {
  const date = iso === null ? null : shortDate(iso, now);
  return date ? ` since ${date}` : '';
};

// Values are the record's (a browser name can come from the user agent): plain text, the caller escapes.
const familiarWords = (what: FirstSeenWhat, seen: SeenBefore, now: Date): string => {
  const where: Record<FirstSeenWhat, string> = {
    ip: 'from this IP',
    network: 'from this address block',
    country: 'from this country',
    asn: 'from this network',
    browser: `with ${seen.value}`,
    region: `in ${seen.value}`,
  };
  return `seen ${where[what]} ${times(seen.count)}${since(seen.since, now)}`;
};

/** Familiar things worth a count; the network only says something when the IP itself is new. */
const familiarThings = (facts: BaselineFacts): FirstSeenWhat[] => {
  const { ip, network, country, asn, browser, region } = facts.seen;
  const found: FirstSeenWhat[] = [];
  if (ip && !ip.first) found.push('ip');
  if (network && !network.first && (!ip || ip.first)) found.push('network');
  // A new IP in a familiar network or country: how familiar, the closest that is.
  if (asn && !asn.first && (!ip || ip.first) && (!network || network.first)) found.push('asn');
  else if (country && !country.first && (!ip || ip.first) && (!asn || asn.first)) found.push('country');
  if (browser && !browser.first) found.push('browser');
  if (region && !region.first) found.push('region');
  return found;
};

const MAX_PARTS = 3;

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The card's line on what is unusual: new things first, then familiar ones with counts, at most three parts
 * ("First sign-in from this IP for this user · first time with this browser · seen in us-east-1 14 times
 * since 2 Nov"). Null when there are no facts. Plain text: the caller escapes it.
 */
export const baselineWords = (facts: BaselineFacts | undefined, now: Date): string | null => {
  if (!facts) return null;
  if (!facts.knownUser) return 'No sign-in history for this user yet (first seen now)';
  const parts = [
    ...newThings(facts).map((what) => NEW_WORDS[what]),
    ...familiarThings(facts).flatMap((what) => {
      const seen = facts.seen[what];
      return seen ? [familiarWords(what, seen, now)] : [];
    }),
  ].slice(0, MAX_PARTS);
  if (parts.length === 0) {
    const n = facts.userSignIns;
    return `${n} earlier sign-in${n === 1 ? '' : 's'}${since(facts.userSince, now)}`;
  }
  return capitalize(parts.join(' · '));
};
