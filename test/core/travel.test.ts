import fc from 'fast-check';
import countries from 'i18n-iso-countries';
import type { RecentSuccess } from '../../bot/core/baseline-types';
import { countryPlace } from '../../bot/core/country-places';
import { impossibleTravel, MAX_PLAUSIBLE_KMH, type Travel, travelWords } from '../../bot/core/travel';

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const at = (minutesAfter: number): string => new Date(T0 + minutesAfter * 60_000).toISOString();
const success = (country: string, minutesAfter: number): RecentSuccess => ({ country, at: at(minutesAfter) });
const travelBetween = (from: string, to: string, minutes: number): Travel | null =>
  impossibleTravel(success(to, minutes), [success(from, 0)]);

/** Pairs that share a land border (or, for GB/IE and SG/MY, a border or a strait). */
const NEIGHBOURS = [
  ['DE', 'FR'],
  ['US', 'CA'],
  ['US', 'MX'],
  ['RU', 'FI'],
  ['RU', 'NO'],
  ['CL', 'AR'],
  ['GB', 'IE'],
  ['SG', 'MY'],
  ['ES', 'PT'],
  ['FR', 'ES'],
  ['DE', 'PL'],
  ['AT', 'CH'],
  ['IT', 'CH'],
  ['NL', 'BE'],
  ['CN', 'IN'],
  ['CN', 'RU'],
  ['IN', 'PK'],
  ['BR', 'AR'],
  ['BR', 'PE'],
  ['KE', 'TZ'],
  ['ZA', 'NA'],
  ['EG', 'LY'],
  ['TR', 'GR'],
  ['UA', 'PL'],
  ['KZ', 'RU'],
  ['TH', 'MY'],
  ['VN', 'CN'],
  ['SE', 'NO'],
  ['CO', 'VE'],
  ['SA', 'YE'],
  ['MN', 'CN'],
  ['ID', 'PG'],
] as const;

/** An oracle apart from travel.ts: the least distance two stored discs allow, by the spherical law of cosines. */
const leastKm = (a: string, b: string): number => {
  const p = countryPlace(a);
  const q = countryPlace(b);
  if (!p || !q) throw new Error(`no place for ${a} or ${b}`);
  const rad = Math.PI / 180;
  const cos =
    Math.sin(p.lat * rad) * Math.sin(q.lat * rad) +
    Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.cos((q.lon - p.lon) * rad);
  return Math.max(0, 6371 * Math.acos(Math.min(1, Math.max(-1, cos))) - p.radiusKm - q.radiusKm);
};

const PLACED = Object.keys(countries.getAlpha2Codes()).filter((code) => countryPlace(code) !== null);

describe('impossible travel', () => {
  it('flags US then JP 30 minutes later, in the issue’s words', () => {
    const travel = travelBetween('US', 'JP', 30);
    expect(travel).toMatchObject({ from: 'US', to: 'JP', minutes: 30 });
    expect(travel?.distanceKm).toBeGreaterThan(3000);
    // Both are rounded from the same unrounded distance.
    expect(Math.abs((travel?.kmh ?? 0) - (travel?.distanceKm ?? 0) * 2)).toBeLessThanOrEqual(1);
    expect(travel && travelWords(travel)).toBe('impossible travel: US → JP in 30 min');
  });

  it.each(NEIGHBOURS)('does not flag %s and %s an hour apart, either way', (a, b) => {
    expect(travelBetween(a, b, 60)).toBeNull();
    expect(travelBetween(b, a, 60)).toBeNull();
  });

  it('does not flag two sign-ins from one country, even at the same second', () => {
    for (const code of ['US', 'RU', 'SG', 'jp']) {
      expect(
        impossibleTravel(success(code.toUpperCase(), 0), [success(code, 0), success(code, 1)]),
      ).toBeNull();
    }
  });

  it('does not judge a country without a place or a time it cannot read', () => {
    expect(travelBetween('US', 'ZZ', 1)).toBeNull();
    expect(travelBetween('ZZ', 'JP', 1)).toBeNull();
    expect(travelBetween('TV', 'JP', 1)).toBeNull();
    expect(impossibleTravel({ at: 'yesterday', country: 'JP' }, [success('US', 0)])).toBeNull();
    expect(impossibleTravel(success('JP', 30), [{ at: '', country: 'US' }])).toBeNull();
  });

  it('passes over what it cannot judge and still finds the trip among the rest', () => {
    const recent = [{ at: 'never', country: 'DE' }, success('ZZ', 0), success('JP', 20), success('US', 0)];
    expect(impossibleTravel(success('JP', 30), recent)).toMatchObject({ from: 'US', to: 'JP', minutes: 30 });
  });

  it('reports the fastest of several trips', () => {
    const recent = [success('DE', -600), success('US', -30), success('BR', -120)];
    const travel = impossibleTravel(success('JP', 0), recent);
    const speeds = recent.map((r) => impossibleTravel(success('JP', 0), [r])?.kmh ?? 0);
    expect(travel?.kmh).toBe(Math.max(...speeds));
    expect(travel?.from).toBe('US');
  });

  it('calls the earlier sign-in "from" when records arrive out of order', () => {
    const late = impossibleTravel(success('US', 0), [success('JP', 30)]);
    expect(late).toEqual(travelBetween('US', 'JP', 30));
  });

  it('flags two countries apart at the same second as infinitely fast', () => {
    const travel = travelBetween('DE', 'AU', 0);
    expect(travel).toMatchObject({ from: 'DE', to: 'AU', minutes: 0, kmh: Number.POSITIVE_INFINITY });
    expect(travel && travelWords(travel)).toBe('impossible travel: DE → AU in under a minute');
  });

  it('says the time in minutes, then hours and minutes', () => {
    const words = (minutes: number): string =>
      travelWords({ from: 'GB', to: 'SG', minutes, distanceKm: 10_000, kmh: 1 });
    expect(words(0.4)).toBe('impossible travel: GB → SG in under a minute');
    expect(words(1)).toBe('impossible travel: GB → SG in 1 min');
    expect(words(59.6)).toBe('impossible travel: GB → SG in 1 h');
    expect(words(125)).toBe('impossible travel: GB → SG in 2 h 5 min');
  });
});

describe('impossible travel, for any two countries and times', () => {
  const trip = fc.record({
    from: fc.constantFrom(...PLACED),
    to: fc.constantFrom(...PLACED),
    // Of the time the least distance needs at MAX_PLAUSIBLE_KMH; away from 1, where rounding could tip it.
    share: fc.double({ min: 0, max: 3, noNaN: true }).filter((x) => Math.abs(x - 1) > 0.001),
  });

  it('flags a trip only when the times are closer than distance / 1,000 km/h', () => {
    fc.assert(
      fc.property(trip, ({ from, to, share }) => {
        const minutes = (leastKm(from, to) / MAX_PLAUSIBLE_KMH) * 60 * share;
        const travel = impossibleTravel(
          { country: to, at: new Date(T0 + Math.round(minutes * 60_000)).toISOString() },
          [{ country: from, at: new Date(T0).toISOString() }],
        );
        const possible = from === to || share > 1 || leastKm(from, to) === 0;
        expect(travel === null).toBe(possible);
        if (travel) expect(travel.kmh).toBeGreaterThan(MAX_PLAUSIBLE_KMH);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same trip whichever sign-in is judged first and in whatever order the rest are', () => {
    const success = fc.record({
      country: fc.constantFrom(...PLACED),
      minutes: fc.integer({ min: -24 * 60, max: 24 * 60 }),
    });
    fc.assert(
      fc.property(success, fc.array(success, { maxLength: 5 }), (current, others) => {
        const asRecent = (s: { country: string; minutes: number }) => ({
          country: s.country,
          at: at(s.minutes),
        });
        const travel = impossibleTravel(asRecent(current), others.map(asRecent));
        expect(impossibleTravel(asRecent(current), others.map(asRecent).reverse())).toEqual(travel);
        for (const other of others) {
          const one = impossibleTravel(asRecent(current), [asRecent(other)]);
          const swapped = impossibleTravel(asRecent(other), [asRecent(current)]);
          // At the same time neither is earlier: the sign-in being judged is the one travelled to.
          if (other.minutes === current.minutes && one && swapped)
            expect(swapped).toEqual({ ...one, from: one.to, to: one.from });
          else expect(swapped).toEqual(one);
          if (one && travel) expect(one.kmh).toBeLessThanOrEqual(travel.kmh);
          if (one) expect(travel).not.toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });
});
