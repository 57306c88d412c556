// Impossible travel: two successful sign-ins of one person whose countries are further apart than anyone can
// travel between their times. Countries are discs (centroid and radius, country-places.ts), and the distance is
// the least the two discs allow, so neighbours, which share a border, are always 0 km apart.
import type { RecentSuccess } from './baseline-types';
import { type CountryPlace, countryPlace } from './country-places';

/** Faster than an airliner's cruise with margin: above this, one person could not have made both sign-ins. */
export const MAX_PLAUSIBLE_KMH = 1000;

const EARTH_RADIUS_KM = 6371;
const RAD = Math.PI / 180;

/** The earlier sign-in's country, then the later one's (ISO codes), and how far and fast the trip had to be. */
export interface Travel {
  readonly from: string;
  readonly to: string;
  /** Between the two sign-ins' event times; may be fractional. */
  readonly minutes: number;
  /** The least distance between the two countries, whole km. */
  readonly distanceKm: number;
  /** Whole km/h; Infinity when both sign-ins have the same time. */
  readonly kmh: number;
}

/** Great-circle distance (haversine, which stays precise for short distances). */
export const greatCircleKm = (a: CountryPlace, b: CountryPlace): number => {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
};

/** The least distance between any point of one country and any point of the other. */
export const leastDistanceKm = (a: CountryPlace, b: CountryPlace): number =>
  Math.max(0, greatCircleKm(a, b) - a.radiusKm - b.radiusKm);

interface Leg {
  readonly travel: Travel;
  readonly exactKmh: number;
  readonly exactKm: number;
}

const legBetween = (
  current: { readonly ms: number; readonly code: string; readonly place: CountryPlace },
  other: RecentSuccess,
): Leg | null => {
  const ms = Date.parse(other.at);
  const code = other.country.toUpperCase();
  const place = countryPlace(code);
  if (!Number.isFinite(ms) || place === null || code === current.code) return null;
  const km = leastDistanceKm(current.place, place);
  const hours = Math.abs(current.ms - ms) / 3_600_000;
  const exactKmh = km === 0 ? 0 : hours === 0 ? Number.POSITIVE_INFINITY : km / hours;
  const [from, to] = ms <= current.ms ? [code, current.code] : [current.code, code];
  return {
    travel: { from, to, minutes: hours * 60, distanceKm: Math.round(km), kmh: Math.round(exactKmh) },
    exactKmh,
    exactKm: km,
  };
};

/**
 * The trip from (or to, when records arrive out of order) one of the person's recent successful sign-ins that
 * implies the highest speed, if that is above MAX_PLAUSIBLE_KMH; null when none is, or when `current` has no
 * place or no readable time. Recent sign-ins from the same country, an unknown one or an unreadable time are
 * passed over.
 */
export const impossibleTravel = (
  current: { readonly at: string; readonly country: string },
  recent: readonly RecentSuccess[],
): Travel | null => {
  const ms = Date.parse(current.at);
  const code = current.country.toUpperCase();
  const place = countryPlace(code);
  if (!Number.isFinite(ms) || place === null) return null;
  let fastest: Leg | null = null;
  for (const other of recent) {
    const leg = legBetween({ ms, code, place }, other);
    if (leg === null || leg.exactKmh <= MAX_PLAUSIBLE_KMH) continue;
    const faster =
      fastest === null ||
      leg.exactKmh > fastest.exactKmh ||
      (leg.exactKmh === fastest.exactKmh && leg.exactKm > fastest.exactKm);
    if (faster) fastest = leg;
  }
  return fastest?.travel ?? null;
};

const durationWords = (minutes: number): string => {
  if (minutes < 1) return 'under a minute';
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
};

/** "impossible travel: US → JP in 30 min" (plain text: the codes come from the data, never from a record). */
export const travelWords = (travel: Travel): string =>
  `impossible travel: ${travel.from} → ${travel.to} in ${durationWords(travel.minutes)}`;
