// The answer to `/signins` computed from raw sign-ins: for filtered queries (read through the per-user and
// per-IP indexes), for CloudTrail event history, and as the oracle the store's rollups are tested against.
// It counts with the same arithmetic as the rollups (rollup.ts). Pure: no SDK, no environment.
import { type GeoData, type Place, placeOf } from './geo';
import { ipInRange } from './ip-range';
import { type ActivitySummary, type FirstSeenFlag, type QueryFilters, userKey } from './query';
import { bucketMsFor, canonicalTime, emptyTally, floorTo, summaryOf, tallySignIn } from './rollup';
import type { ClassifiedSignIn } from './sign-in';

/** The newest sign-ins an answer lists. */
export const LATEST_SIGN_INS = 10;

export interface SummarizeOptions {
  /** How many of the newest sign-ins to keep (LATEST_SIGN_INS). */
  readonly latest?: number;
  /** First-seen flags, when the caller knows them (raw records do not say what was new). */
  readonly firstSeen?: readonly FirstSeenFlag[];
  /** Sign-ins held back by silences, when known. */
  readonly silenced?: number;
  readonly source?: Exclude<ActivitySummary['source'], 'rollups'>;
  /** Why the records given may be incomplete. */
  readonly partial?: string;
  /** The geo data, for each person's countries and networks (absent or null: none). */
  readonly geo?: GeoData | null;
}

/** Newest first, then by event id descending: the order of the store's time index (`<time>#<eventId>`). */
const newestFirst = (a: ClassifiedSignIn, b: ClassifiedSignIn): number => {
  const ka = `${canonicalTime(a.time) ?? ''}#${a.eventId}`;
  const kb = `${canonicalTime(b.time) ?? ''}#${b.eventId}`;
  return ka < kb ? 1 : ka > kb ? -1 : 0;
};

/**
 * Activity of the sign-ins whose time is in [from, to), each counted once (by eventId). A sign-in without
 * a time is counted (its caller chose it, filed under its arrival) but is in no bucket and nobody's last seen.
 */
export const summarizeSignIns = (
  signIns: readonly ClassifiedSignIn[],
  from: Date,
  to: Date,
  options: SummarizeOptions = {},
): ActivitySummary => {
  const bucketMs = bucketMsFor(from, to);
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const tally = emptyTally();
  const buckets = new Map<string, number>();
  const counted = new Map<string, ClassifiedSignIn>();
  for (const s of signIns) {
    if (counted.has(s.eventId)) continue;
    const at = canonicalTime(s.time);
    if (at !== null && (at < fromIso || at >= toIso)) continue;
    counted.set(s.eventId, s);
    tallySignIn(tally, s, at);
    if (at === null) continue;
    const bucket = new Date(floorTo(Date.parse(at), bucketMs)).toISOString();
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  tally.silenced = options.silenced ?? 0;
  return summaryOf(tally, {
    from,
    to,
    bucketMs,
    buckets,
    latest: [...counted.values()].sort(newestFirst).slice(0, options.latest ?? LATEST_SIGN_INS),
    firstSeen: options.firstSeen ?? [],
    source: options.source ?? 'records',
    ...(options.partial ? { partial: options.partial } : {}),
    geo: options.geo ?? null,
  });
};

const anyOrNone = <T>(wanted: readonly T[], test: (w: T) => boolean): boolean =>
  wanted.length === 0 || wanted.some(test);

/**
 * Where a sign-in came from: the place stored with it when that one knew something, else looked up now (a
 * record stored before there was geo data, or read back from CloudTrail). Null geo: only what was stored.
 */
export const placeOfSignIn = (
  s: Pick<ClassifiedSignIn, 'place' | 'sourceIp'>,
  geo: GeoData | null,
): Place => {
  const stored = s.place;
  const knew =
    stored && !(stored.kind === 'public' && stored.geo.country === null && stored.geo.asn === null);
  return knew || geo === null ? (stored ?? placeOf(s.sourceIp, null)) : placeOf(s.sourceIp, geo);
};

const placeMatches = (s: ClassifiedSignIn, filters: QueryFilters, geo: GeoData | null): boolean => {
  if (filters.countries.length === 0 && filters.asns.length === 0) return true;
  const place = placeOfSignIn(s, geo);
  if (place.kind !== 'public') return false;
  const { country, asn } = place.geo;
  return anyOrNone(filters.countries, (c) => c === country) && anyOrNone(filters.asns, (a) => a === asn);
};

/**
 * Whether a sign-in passes every filter given (several values of one filter: any of them). `geo` answers
 * `country` and `asn` for a sign-in stored without its place; an address that is not public has neither.
 */
export const matchesFilters = (s: ClassifiedSignIn, filters: QueryFilters, geo: GeoData | null): boolean =>
  anyOrNone(filters.users, (u) => u.trim().toLowerCase() === userKey(s)) &&
  anyOrNone(filters.ips, (range) => ipInRange(s.sourceIp, range)) &&
  anyOrNone(filters.accounts, (a) => a === s.accountId) &&
  anyOrNone(filters.regions, (r) => r.toLowerCase() === s.region?.toLowerCase()) &&
  (filters.outcome === undefined || filters.outcome === s.outcome) &&
  (!filters.rootOnly || s.identityType === 'Root') &&
  (!filters.noMfaOnly || s.mfa === 'no') &&
  placeMatches(s, filters, geo);
