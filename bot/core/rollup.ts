// The arithmetic of activity counts, shared by the store's rollups (written per batch, read per query) and
// by the summary of raw records: both count sign-ins with `tallySignIn` and answer with `summaryOf`, so the
// two agree by construction. Pure: no SDK, no environment.
import { type GeoData, type Place, placeOf } from './geo';
import { normalizeIp } from './ip-range';
import type {
  ActivitySummary,
  CountryCount,
  FirstSeenFlag,
  IpActivity,
  NetworkCount,
  PrincipalActivity,
} from './query';
import { userKey } from './query';
import { type ClassifiedSignIn, IDENTITY_TYPES, type IdentityType } from './sign-in';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Hourly buckets up to two days, daily beyond. */
export const HOURLY_UP_TO_MS = 48 * HOUR_MS;
/** Source IPs listed per person; `distinctIps` says how many there were. */
export const SOURCE_IPS_PER_PRINCIPAL = 5;
/** Countries and networks listed per person; `distinctCountries` and `distinctNetworks` say how many there were. */
export const PLACES_PER_PRINCIPAL = 3;
/** Longest person name or key a rollup keeps (an attacker chooses some of them). */
export const MAX_ROLLUP_NAME = 200;
/** Longest non-address source a rollup keeps ("AWS Internal", a service name). */
const MAX_SOURCE_TEXT = 100;

export const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;

export const bucketMsFor = (from: Date, to: Date): number =>
  to.getTime() - from.getTime() <= HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS;

/** An ISO time in one shape (`toISOString`), so that times compare as strings; null when unreadable. */
export const canonicalTime = (time: string | null): string | null => {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

const clip = (text: string, max: number): string => (text.length <= max ? text : text.slice(0, max));

/** What a person is counted under: the account and the `userKey` (the same name in two accounts is two people). */
export const principalId = (
  s: Pick<ClassifiedSignIn, 'accountId' | 'identityType' | 'principal' | 'sessionName'>,
) => JSON.stringify([s.accountId, clip(userKey(s), MAX_ROLLUP_NAME)]);

const splitPrincipalId = (id: string): { accountId: string | null; key: string } => {
  const [accountId, key] = JSON.parse(id) as [string | null, string];
  return { accountId, key };
};

const normalized = new Map<string, string | null>();
/** Addresses remembered in their normal form: a busy day repeats a few thousand of them 100,000 times. */
const ADDRESSES_REMEMBERED = 10_000;

/** `normalizeIp`, remembered: null when the source is not an address. */
export const addressOf = (sourceIp: string): string | null => {
  let address = normalized.get(sourceIp);
  if (address === undefined) {
    address = normalizeIp(sourceIp);
    if (normalized.size >= ADDRESSES_REMEMBERED) normalized.clear();
    normalized.set(sourceIp, address);
  }
  return address;
};

/** The source a sign-in is counted under: the normalized address, or the recorded text when it is none. */
export const sourceOf = (s: Pick<ClassifiedSignIn, 'sourceIp'>): string | null =>
  s.sourceIp === null ? null : (addressOf(s.sourceIp) ?? clip(s.sourceIp, MAX_SOURCE_TEXT));

/**
 * A person's newest sign-in as one string, `<time>\t<identity type>\t<principal>`: the greatest string is the
 * newest, so that a store can keep candidates in a set and the reader takes the greatest.
 */
export const lastMark = (time: string, identityType: IdentityType, principal: string): string =>
  `${time}\t${identityType}\t${clip(principal, MAX_ROLLUP_NAME)}`;

const readMark = (mark: string): { time: string | null; identityType: IdentityType; principal: string } => {
  const [time = '', type = 'Unknown', ...rest] = mark.split('\t');
  const identityType = (IDENTITY_TYPES as readonly string[]).includes(type)
    ? (type as IdentityType)
    : 'Unknown';
  return { time: time === '' ? null : time, identityType, principal: rest.join('\t') };
};

export const newerMark = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null || a >= b ? a : b;

export interface UserTally {
  signIns: number;
  failures: number;
  /** Successful sign-ins without MFA. */
  noMfa: number;
  /** See `lastMark`; the time part is empty for sign-ins without a time. */
  last: string | null;
}

export interface SourceTally {
  signIns: number;
  failures: number;
}

/** Counts of sign-ins: one period's rollup, a batch's change to it, or a whole window's answer. */
export interface Tally {
  total: number;
  success: number;
  failure: number;
  other: number;
  byIdentityType: Partial<Record<IdentityType, number>>;
  noMfa: number;
  /** Held back by silences. */
  silenced: number;
  /** By `principalId`. */
  users: Map<string, UserTally>;
  /** By `sourceOf`. */
  sources: Map<string, SourceTally>;
  /** Sign-ins per person and source: principalId → source → count. */
  pairs: Map<string, Map<string, number>>;
  /** Sign-ins counted in the totals whose per-person or per-source detail a full rollup could not keep. */
  droppedUsers: number;
  droppedSources: number;
}

export const emptyTally = (): Tally => ({
  total: 0,
  success: 0,
  failure: 0,
  other: 0,
  byIdentityType: {},
  noMfa: 0,
  silenced: 0,
  users: new Map(),
  sources: new Map(),
  pairs: new Map(),
  droppedUsers: 0,
  droppedSources: 0,
});

const emptyUser = (): UserTally => ({ signIns: 0, failures: 0, noMfa: 0, last: null });

export const addUser = (tally: Tally, id: string, part: UserTally): void => {
  const user = tally.users.get(id) ?? emptyUser();
  user.signIns += part.signIns;
  user.failures += part.failures;
  user.noMfa += part.noMfa;
  user.last = newerMark(user.last, part.last);
  tally.users.set(id, user);
};

export const addSource = (tally: Tally, source: string, part: SourceTally): void => {
  const s = tally.sources.get(source) ?? { signIns: 0, failures: 0 };
  s.signIns += part.signIns;
  s.failures += part.failures;
  tally.sources.set(source, s);
};

export const addPair = (tally: Tally, id: string, source: string, n: number): void => {
  const sources = tally.pairs.get(id) ?? new Map<string, number>();
  sources.set(source, (sources.get(source) ?? 0) + n);
  tally.pairs.set(id, sources);
};

/**
 * Counts one sign-in. `at` is the time it is counted at (its own, or its arrival when it has none; null
 * counts it without a time: it is then nobody's "last seen").
 */
export const tallySignIn = (tally: Tally, s: ClassifiedSignIn, at: string | null): void => {
  const failed = s.outcome === 'failure';
  const noMfa = s.outcome === 'success' && s.mfa === 'no' ? 1 : 0;
  tally.total += 1;
  if (s.outcome === 'success') tally.success += 1;
  else if (failed) tally.failure += 1;
  else tally.other += 1;
  tally.byIdentityType[s.identityType] = (tally.byIdentityType[s.identityType] ?? 0) + 1;
  tally.noMfa += noMfa;
  const id = principalId(s);
  addUser(tally, id, {
    signIns: 1,
    failures: failed ? 1 : 0,
    noMfa,
    last: lastMark(canonicalTime(at) ?? '', s.identityType, s.principal),
  });
  const source = sourceOf(s);
  if (source === null) return;
  addSource(tally, source, { signIns: 1, failures: failed ? 1 : 0 });
  addPair(tally, id, source, 1);
};

/** Adds `part` into `into` (sums, the newest mark, the unions of people and sources). */
export const mergeTally = (into: Tally, part: Tally): Tally => {
  into.total += part.total;
  into.success += part.success;
  into.failure += part.failure;
  into.other += part.other;
  for (const [type, n] of Object.entries(part.byIdentityType) as [IdentityType, number][])
    into.byIdentityType[type] = (into.byIdentityType[type] ?? 0) + n;
  into.noMfa += part.noMfa;
  into.silenced += part.silenced;
  into.droppedUsers += part.droppedUsers;
  into.droppedSources += part.droppedSources;
  for (const [id, user] of part.users) addUser(into, id, user);
  for (const [source, s] of part.sources) addSource(into, source, s);
  for (const [id, sources] of part.pairs) for (const [source, n] of sources) addPair(into, id, source, n);
  return into;
};

/** Bucket starts (ISO) covering [from, to): `from` rounded down to the bucket. */
export const bucketStarts = (from: Date, to: Date, bucketMs: number): string[] => {
  const out: string[] = [];
  for (let t = floorTo(from.getTime(), bucketMs); t < to.getTime(); t += bucketMs)
    out.push(new Date(t).toISOString());
  return out;
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where a source is, looked up once per answer (a source repeats across people and periods). */
type PlaceLookup = (source: string) => Place;

const placeLookup = (geo: GeoData): PlaceLookup => {
  const known = new Map<string, Place>();
  return (source) => {
    let place = known.get(source);
    if (place === undefined) {
      place = placeOf(source, geo);
      known.set(source, place);
    }
    return place;
  };
};

const byCountThenKey =
  <T extends { readonly count: number }>(key: (t: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || compareText(key(a), key(b));

/**
 * A person's countries and networks from their sign-ins per source: an address that is not public counts under
 * what it is ("private address", "AWS service"), a public one the data does not place under "unknown country";
 * a source that is no address at all is left out, and so are addresses without a known network from `networks`.
 */
const placesOfPerson = (
  sources: ReadonlyMap<string, number>,
  where: PlaceLookup,
): Pick<PrincipalActivity, 'countries' | 'distinctCountries' | 'networks' | 'distinctNetworks'> => {
  const countries = new Map<string, CountryCount>();
  const networks = new Map<number, NetworkCount>();
  for (const [source, n] of sources) {
    const place = where(source);
    if (place.kind === 'none') continue;
    const country =
      place.kind === 'special'
        ? { country: null, label: place.label }
        : place.geo.country === null
          ? { country: null, label: 'unknown country' as const }
          : { country: place.geo.country, label: null };
    const key = country.country ?? country.label;
    countries.set(key, { ...country, count: (countries.get(key)?.count ?? 0) + n });
    if (place.kind !== 'public' || place.geo.asn === null) continue;
    const { asn, network } = place.geo;
    networks.set(asn, { asn, name: network, count: (networks.get(asn)?.count ?? 0) + n });
  }
  const countryList = [...countries.values()].sort(byCountThenKey((c) => c.country ?? c.label ?? ''));
  const networkList = [...networks.values()].sort(byCountThenKey((x) => String(x.asn).padStart(10, '0')));
  return {
    countries: countryList.slice(0, PLACES_PER_PRINCIPAL),
    distinctCountries: countryList.length,
    networks: networkList.slice(0, PLACES_PER_PRINCIPAL),
    distinctNetworks: networkList.length,
  };
};

const principalsOf = (tally: Tally, where: PlaceLookup | null): PrincipalActivity[] =>
  [...tally.users]
    .map(([id, user]): PrincipalActivity => {
      const { accountId, key } = splitPrincipalId(id);
      const last = user.last === null ? null : readMark(user.last);
      const pairs = tally.pairs.get(id) ?? new Map<string, number>();
      const sources = [...pairs]
        .map(([ip, count]) => ({ ip, count }))
        .sort((a, b) => b.count - a.count || compareText(a.ip, b.ip));
      return {
        key,
        principal: last?.principal ?? key,
        accountId,
        identityType: last?.identityType ?? 'Unknown',
        signIns: user.signIns,
        failures: user.failures,
        noMfa: user.noMfa,
        lastSeen: last?.time ?? null,
        sourceIps: sources.slice(0, SOURCE_IPS_PER_PRINCIPAL),
        distinctIps: sources.length,
        ...(where ? placesOfPerson(pairs, where) : {}),
      };
    })
    // Most active first; then the most recent, then by name, so that equal counts always list alike.
    .sort(
      (a, b) =>
        b.signIns - a.signIns ||
        compareText(b.lastSeen ?? '', a.lastSeen ?? '') ||
        compareText(a.key, b.key) ||
        compareText(a.accountId ?? '', b.accountId ?? ''),
    );

/** An 'asn' flag with its organisation's name, when the window's sources name it (flags keep the number only). */
const namedFlags = (
  flags: readonly FirstSeenFlag[],
  people: readonly PrincipalActivity[],
  sources: readonly string[],
  where: PlaceLookup | null,
): readonly FirstSeenFlag[] => {
  if (where === null || !flags.some((f) => f.what === 'asn' && f.name === undefined)) return flags;
  const names = new Map<string, string>();
  for (const p of people) for (const n of p.networks ?? []) if (n.name) names.set(String(n.asn), n.name);
  for (const source of sources) {
    const place = where(source);
    if (place.kind === 'public' && place.geo.asn !== null && place.geo.network)
      names.set(String(place.geo.asn), place.geo.network);
  }
  return flags.map((f) => {
    const name = f.what === 'asn' && f.name === undefined ? names.get(f.value) : undefined;
    return name ? { ...f, name } : f;
  });
};

const sourcesOf = (tally: Tally): IpActivity[] => {
  const users = new Map<string, number>();
  for (const sources of tally.pairs.values())
    for (const source of sources.keys()) users.set(source, (users.get(source) ?? 0) + 1);
  return [...tally.sources]
    .map(([ip, s]) => ({ ip, signIns: s.signIns, failures: s.failures, users: users.get(ip) ?? 0 }))
    .sort((a, b) => b.signIns - a.signIns || compareText(a.ip, b.ip));
};

/** Why an answer drawn from full rollups lacks some detail, in the reader's words; null when it does not. */
const droppedWords = (tally: Tally): string | null => {
  const parts = [
    tally.droppedUsers > 0 ? `${tally.droppedUsers.toLocaleString('en-US')} in the per-person table` : null,
    tally.droppedSources > 0 ? `${tally.droppedSources.toLocaleString('en-US')} in the source IPs` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0
    ? null
    : `So many different people or addresses signed in that some sign-ins are counted in the totals but not shown individually (${parts.join(', ')}).`;
};

export interface SummaryParts {
  readonly from: Date;
  readonly to: Date;
  readonly bucketMs: number;
  /** Sign-ins per bucket start (ISO); missing buckets are zero. */
  readonly buckets: ReadonlyMap<string, number>;
  readonly latest: readonly ClassifiedSignIn[];
  readonly firstSeen: readonly FirstSeenFlag[];
  readonly source: ActivitySummary['source'];
  /** Other reasons the answer may be incomplete. */
  readonly partial?: string;
  /**
   * The geo data, to say each person's countries and networks from their source addresses (looked up now, so
   * that rollups and raw records answer alike); absent or null: the answer has none.
   */
  readonly geo?: GeoData | null;
}

export const summaryOf = (tally: Tally, parts: SummaryParts): ActivitySummary => {
  const partial = [parts.partial, droppedWords(tally)].filter((p): p is string => Boolean(p)).join(' ');
  const where = parts.geo ? placeLookup(parts.geo) : null;
  const principals = principalsOf(tally, where);
  return {
    from: parts.from.toISOString(),
    to: parts.to.toISOString(),
    total: tally.total,
    byOutcome: { success: tally.success, failure: tally.failure, other: tally.other },
    byIdentityType: { ...tally.byIdentityType },
    noMfa: tally.noMfa,
    principals,
    ips: sourcesOf(tally),
    buckets: bucketStarts(parts.from, parts.to, parts.bucketMs).map((start) => ({
      start,
      count: parts.buckets.get(start) ?? 0,
    })),
    bucketMs: parts.bucketMs,
    latest: parts.latest,
    firstSeen: namedFlags(parts.firstSeen, principals, [...tally.sources.keys()], where),
    silenced: tally.silenced,
    source: parts.source,
    ...(partial ? { partial } : {}),
  };
};
