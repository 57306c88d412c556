// What `/signins` and `signins query` ask, and what the answer is made of: the window, the filters, and the
// activity summary the store (rollups), the raw records or CloudTrail fill in. Pure: no SDK, no environment.
import type { SpecialAddress } from './geo';
import type { ClassifiedSignIn, IdentityType } from './sign-in';

/** `last 24h` (relative to now) or `since 2026-11-01` (absolute). `text` is what the user typed, for the answer. */
export type QueryWindow =
  | { readonly kind: 'last'; readonly ms: number; readonly text: string }
  | { readonly kind: 'since'; readonly from: string; readonly text: string };

/** Every filter given narrows the answer (AND); several values of one filter widen it (OR). */
export interface QueryFilters {
  /** User keys (see `userKey`), lower case. */
  readonly users: readonly string[];
  /** Addresses or CIDR ranges, IPv4 or IPv6, normalized ("203.0.113.0/24", "2001:db8::/32", "198.51.100.7"). */
  readonly ips: readonly string[];
  /** 12-digit account ids, or account names as typed (the caller resolves names through the routing). */
  readonly accounts: readonly string[];
  /** Region codes ("us-east-1"). */
  readonly regions: readonly string[];
  /** ISO 3166-1 alpha-2 codes, upper case ("JP"): where the source address is, by the geo data. */
  readonly countries: readonly string[];
  /** Autonomous system numbers (15169): the network announcing the source address. */
  readonly asns: readonly number[];
  readonly outcome?: 'success' | 'failure';
  /** Only root sign-ins. */
  readonly rootOnly: boolean;
  /** Only sign-ins without MFA (mfa "no"). */
  readonly noMfaOnly: boolean;
}

export const NO_FILTERS: QueryFilters = {
  users: [],
  ips: [],
  accounts: [],
  regions: [],
  countries: [],
  asns: [],
  rootOnly: false,
  noMfaOnly: false,
};

export const hasFilters = (f: QueryFilters): boolean =>
  f.users.length > 0 ||
  f.ips.length > 0 ||
  f.accounts.length > 0 ||
  f.regions.length > 0 ||
  f.countries.length > 0 ||
  f.asns.length > 0 ||
  f.outcome !== undefined ||
  f.rootOnly ||
  f.noMfaOnly;

export interface ResolvedWindow {
  readonly from: Date;
  readonly to: Date;
}

export const resolveWindow = (window: QueryWindow, now: Date): ResolvedWindow =>
  window.kind === 'last'
    ? { from: new Date(now.getTime() - window.ms), to: now }
    : { from: new Date(window.from), to: now };

/**
 * The name a person is known by across sign-ins, lower case: "root" for root, the session name of a role
 * session (an Identity Center user's name or e-mail), else the principal without its "(role)" suffix.
 * `user <name>` matches it, the per-user index is keyed by it, and baselines are kept per account and it.
 */
export const userKey = (s: Pick<ClassifiedSignIn, 'identityType' | 'principal' | 'sessionName'>): string => {
  if (s.identityType === 'Root') return 'root';
  const name = s.sessionName ?? s.principal.replace(/ \([^)]*\)$/, '');
  return name.trim().toLowerCase();
};

/** Whether the filters ask where an address is (`country`, `asn`): only the geo data can answer them. */
export const needsGeo = (f: QueryFilters): boolean => f.countries.length > 0 || f.asns.length > 0;

/**
 * Sign-ins of one person from one country, or from addresses that have none: `label` says what they are
 * ("private address", "AWS service"), or "unknown country" for a public address the data does not place.
 */
export interface CountryCount {
  /** ISO 3166-1 alpha-2 ("JP"), null when `label` says why there is none. */
  readonly country: string | null;
  readonly label: SpecialAddress | 'unknown country' | null;
  readonly count: number;
}

/** Sign-ins of one person from one network (autonomous system) of a public address. */
export interface NetworkCount {
  readonly asn: number;
  /** The organisation ("Google LLC"), null when the data has no name for it. */
  readonly name: string | null;
  readonly count: number;
}

/** One person's (or role session's) activity in the window. */
export interface PrincipalActivity {
  /** `userKey` of the principal. */
  readonly key: string;
  /** As shown on cards (the most recent spelling seen). */
  readonly principal: string;
  readonly accountId: string | null;
  readonly identityType: IdentityType;
  readonly signIns: number;
  readonly failures: number;
  /** Successful sign-ins without MFA. */
  readonly noMfa: number;
  readonly lastSeen: string | null;
  /** Most used first, at most a few. */
  readonly sourceIps: readonly { readonly ip: string; readonly count: number }[];
  /** Distinct source IPs, when more than `sourceIps` lists. */
  readonly distinctIps: number;
  /**
   * Where the source addresses are (by the geo data when the answer was given), most used first, a few;
   * absent when the answer had no geo data.
   */
  readonly countries?: readonly CountryCount[];
  /** Distinct entries `countries` would have listed without its limit. */
  readonly distinctCountries?: number;
  /** The networks of the public source addresses, most used first, a few; absent without geo data. */
  readonly networks?: readonly NetworkCount[];
  readonly distinctNetworks?: number;
}

export interface IpActivity {
  readonly ip: string;
  readonly signIns: number;
  readonly failures: number;
  /** Distinct users that signed in from it. */
  readonly users: number;
}

/** A baseline's "first time" seen in the window: first sign-in from this IP, browser, region or network. */
export interface FirstSeenFlag {
  readonly eventId: string;
  readonly time: string;
  readonly principal: string;
  readonly what: FirstSeenWhat;
  /**
   * What was new, as the baseline keeps it: the IP, the /24 or /48, the country code ("JP"), the AS number
   * ("15169"), the browser family or the region.
   */
  readonly value: string;
  /** The autonomous system's organisation ("Google LLC") of an 'asn' flag, when the answer's geo data knows it. */
  readonly name?: string;
}
/**
 * What a baseline remembers per person: the address, its /24 or /48 ('network'), the country and the
 * autonomous system ('asn', "the network" in the card's words) it belongs to, the browser family, the region.
 */
export type FirstSeenWhat = 'ip' | 'network' | 'country' | 'asn' | 'browser' | 'region';

export interface ActivitySummary {
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly byOutcome: { readonly success: number; readonly failure: number; readonly other: number };
  readonly byIdentityType: Readonly<Partial<Record<IdentityType, number>>>;
  /** Successful sign-ins without MFA. */
  readonly noMfa: number;
  /** Most active first. */
  readonly principals: readonly PrincipalActivity[];
  /** Most active first. */
  readonly ips: readonly IpActivity[];
  /** Sign-ins per bucket, oldest first, covering the window (hourly up to 48 h, daily beyond). */
  readonly buckets: readonly { readonly start: string; readonly count: number }[];
  readonly bucketMs: number;
  /** The newest sign-ins, newest first (a few). */
  readonly latest: readonly ClassifiedSignIn[];
  /** Newest first (a few). */
  readonly firstSeen: readonly FirstSeenFlag[];
  /** Sign-ins held back by silences in the window (stored and counted, not posted). */
  readonly silenced: number;
  /** Where the answer came from. */
  readonly source: 'rollups' | 'records' | 'cloudtrail';
  /** Why the answer may be incomplete, in words for the reader; absent when it is complete. */
  readonly partial?: string;
}
