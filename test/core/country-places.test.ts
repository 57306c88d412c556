import countries from 'i18n-iso-countries';
import { countryName, countryPlace, countryText } from '../../bot/core/country-places';
import { leastDistanceKm } from '../../bot/core/travel';
import {
  countryParts,
  loadAtlas,
  placeOfParts,
  sharedBorders,
  uncoveredBorders,
} from '../../tools/build-country-places';

const ISO_CODES = Object.keys(countries.getAlpha2Codes());
// Decoded once: the map is what the committed data was built from.
const PARTS = countryParts(loadAtlas());

describe('country names', () => {
  it('are the English short names', () => {
    expect(countryName('US')).toBe('United States');
    expect(countryName('JP')).toBe('Japan');
    expect(countryName('VN')).toBe('Vietnam');
    expect(countryName('jp')).toBe('Japan');
  });

  it('come with the flag on a card, and an unknown code comes back as it is', () => {
    expect(countryText('JP')).toBe('🇯🇵 Japan');
    expect(countryText('DE')).toBe('🇩🇪 Germany');
    expect(countryText('ZZ')).toBe('ZZ');
    expect(countryText('EU')).toBe('EU');
    expect(countryText('')).toBe('');
  });

  it('exist for every ISO 3166-1 alpha-2 code and for nothing else', () => {
    const unnamed = ISO_CODES.filter((code) => countryName(code) === null);
    expect(unnamed).toEqual([]);
    for (const notACode of ['ZZ', 'USA', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(countryName(notACode)).toBeNull();
      expect(countryPlace(notACode)).toBeNull();
    }
  });
});

describe('country places', () => {
  it('cover every country the map draws, each a point on the globe with a positive radius', () => {
    const placed = ISO_CODES.filter((code) => countryPlace(code) !== null);
    expect(placed.sort()).toEqual([...PARTS.keys()].sort());
    expect(placed.length).toBeGreaterThan(240);
    for (const code of placed) {
      const { lat, lon, radiusKm } = countryPlace(code) ?? { lat: NaN, lon: NaN, radiusKm: NaN };
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
      expect(radiusKm).toBeGreaterThan(0);
      expect(radiusKm).toBeLessThan(6000);
    }
  });

  it('put France in Europe, its overseas regions on their own (else France would span the Atlantic)', () => {
    const france = countryPlace('FR');
    expect(france?.lat).toBeGreaterThan(42);
    expect(france?.lat).toBeLessThan(51);
    expect(france?.lon).toBeGreaterThan(-5);
    expect(france?.lon).toBeLessThan(8);
    expect(france?.radiusKm).toBeLessThan(1000);
    expect(countryPlace('GF')?.lon).toBeLessThan(-50);
    expect(countryPlace('RE')?.lat).toBeLessThan(-20);
    expect(countryPlace('SJ')?.lat).toBeGreaterThan(74);
  });

  it('put Antarctica around the pole, from its coast (its first ring in the map only runs along the pole)', () => {
    expect(countryPlace('AQ')?.lat).toBeLessThan(-85);
    expect(countryPlace('AQ')?.radiusKm).toBeGreaterThan(2500);
  });

  it('never leave a gap between two countries that share a border in the map', () => {
    const borders = sharedBorders(PARTS);
    expect(borders.length).toBeGreaterThan(300);
    expect(borders).toEqual(expect.arrayContaining(['DE-FR', 'CA-US', 'MX-US', 'FI-RU', 'LS-ZA', 'GF-SR']));
    const gaps = borders.filter((pair) => {
      const [a, b] = pair.split('-').map((code) => countryPlace(code));
      return !a || !b || leastDistanceKm(a, b) > 0;
    });
    expect(gaps).toEqual([]);
  });

  it('stop the generator when a radius falls short of a border', () => {
    const germany = countryPlace('DE');
    const france = countryPlace('FR');
    if (!germany || !france) throw new Error('no place for DE or FR');
    const places = new Map([
      ['DE', { ...germany, radiusKm: 100 }],
      ['FR', { ...france, radiusKm: 100 }],
    ]);
    expect(uncoveredBorders(places, ['DE-FR'])).toEqual([expect.stringMatching(/^DE-FR \(\d+ km apart\)$/)]);
    expect(
      uncoveredBorders(
        new Map([
          ['DE', germany],
          ['FR', france],
        ]),
        ['DE-FR'],
      ),
    ).toEqual([]);
  });

  it('are what the generator computes from the map today (the committed data is not stale)', () => {
    const stale = [...PARTS].filter(([code, parts]) => {
      const fresh = placeOfParts(parts);
      const stored = countryPlace(code);
      return (
        !stored ||
        Math.abs(stored.lat - fresh.lat) > 0.011 ||
        Math.abs(stored.lon - fresh.lon) > 0.011 ||
        Math.abs(stored.radiusKm - fresh.radiusKm) > 1
      );
    });
    expect(stale).toEqual([]);
  });
});
