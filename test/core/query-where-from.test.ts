// Where people signed in from, in the `/signins` answer: each person's countries and networks from their source
// addresses (the same from rollups as from raw records), and the `country` and `asn` filters. The geo data is a
// small table of our own `GeoData` port; the real data is used end to end (slash-commands-lambda, query-command).
import fc from 'fast-check';
import { matchesFilters, placeOfSignIn, summarizeSignIns } from '../../bot/core/activity-summary';
import { type GeoData, type Place, placeOf } from '../../bot/core/geo';
import { NO_FILTERS, type QueryFilters } from '../../bot/core/query';
import {
  emptyTally,
  floorTo,
  HOUR_MS,
  mergeTally,
  PLACES_PER_PRINCIPAL,
  summaryOf,
  type Tally,
  tallySignIn,
} from '../../bot/core/rollup';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const WINDOW = [new Date(NOW.getTime() - 24 * HOUR_MS), NOW] as const;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/** Public addresses as the published data places them (the issue's own checks, and two more). */
const TABLE: Readonly<Record<string, { country: string | null; asn: number; name: string } | undefined>> = {
  '8.8.8.8': { country: 'US', asn: 15169, name: 'Google LLC' },
  '8.8.4.4': { country: 'US', asn: 15169, name: 'Google LLC' },
  '133.11.0.1': { country: 'JP', asn: 2501, name: 'The University of Tokyo' },
  '5.9.0.1': { country: 'DE', asn: 24940, name: 'Hetzner Online GmbH' },
  '2a01:4f8::1': { country: 'DE', asn: 24940, name: 'Hetzner Online GmbH' },
  '1.1.1.1': { country: 'AU', asn: 13335, name: 'Cloudflare, Inc.' },
  '9.9.9.9': { country: null, asn: 19281, name: 'Quad9' },
};
const ADDRESSES = Object.keys(TABLE);

const lookups = { count: 0 };
const GEO: GeoData = {
  country: (ip) => {
    lookups.count += 1;
    return TABLE[ip]?.country ?? null;
  },
  network: (ip) => {
    const row = TABLE[ip];
    return row ? { asn: row.asn, name: row.name } : null;
  },
  available: () => true,
};

let seq = 0;
const signIn = (over: Partial<ClassifiedSignIn> = {}): ClassifiedSignIn =>
  syntheticSignIn({ eventId: `w-${++seq}`, time: ago(10 * 60_000), sourceIp: '8.8.8.8', ...over });

const filters = (over: Partial<QueryFilters>): QueryFilters => ({ ...NO_FILTERS, ...over });

describe("each person's countries and networks", () => {
  it('are counted from their source addresses, most used first, with a flag-ready code and the AS name', () => {
    const s = summarizeSignIns(
      [
        ...['133.11.0.1', '133.11.0.1', '133.11.0.1', '8.8.8.8', '8.8.4.4', '10.0.0.5'].map((ip) =>
          signIn({ sourceIp: ip }),
        ),
        signIn({ principal: 'bob', sourceIp: '5.9.0.1' }),
      ],
      ...WINDOW,
      { geo: GEO },
    );
    const alice = s.principals.find((p) => p.key === 'alice');
    expect(alice?.countries).toEqual([
      { country: 'JP', label: null, count: 3 },
      { country: 'US', label: null, count: 2 },
      { country: null, label: 'private address', count: 1 },
    ]);
    expect(alice?.networks).toEqual([
      { asn: 2501, name: 'The University of Tokyo', count: 3 },
      { asn: 15169, name: 'Google LLC', count: 2 },
    ]);
    expect(alice).toMatchObject({ distinctCountries: 3, distinctNetworks: 2 });
    expect(s.principals.find((p) => p.key === 'bob')?.countries).toEqual([
      { country: 'DE', label: null, count: 1 },
    ]);
  });

  it('count AWS services, unplaced public addresses and IPv6 under what they are; text that is no address not at all', () => {
    const s = summarizeSignIns(
      [
        signIn({ sourceIp: 'AWS Internal' }),
        signIn({ sourceIp: 'signin.amazonaws.com' }),
        signIn({ sourceIp: '9.9.9.9' }),
        signIn({ sourceIp: '2A01:4F8:0:0::1' }),
        signIn({ sourceIp: 'redacted' }),
        signIn({ sourceIp: null }),
      ],
      ...WINDOW,
      { geo: GEO },
    );
    const [alice] = s.principals;
    expect(alice?.countries).toEqual([
      { country: null, label: 'AWS service', count: 2 },
      { country: 'DE', label: null, count: 1 },
      { country: null, label: 'unknown country', count: 1 },
    ]);
    // A public address the data does not place in a country may still be in a known network.
    expect(alice?.networks?.map((n) => n.asn)).toEqual([19281, 24940]);
  });

  it(`list at most ${PLACES_PER_PRINCIPAL} of each, and say how many there were`, () => {
    const s = summarizeSignIns(
      ['8.8.8.8', '133.11.0.1', '5.9.0.1', '1.1.1.1', '10.0.0.1', '8.8.8.8'].map((ip) =>
        signIn({ sourceIp: ip }),
      ),
      ...WINDOW,
      { geo: GEO },
    );
    const [alice] = s.principals;
    expect(alice?.countries).toHaveLength(PLACES_PER_PRINCIPAL);
    expect(alice?.countries?.[0]).toEqual({ country: 'US', label: null, count: 2 });
    expect(alice).toMatchObject({ distinctCountries: 5, distinctNetworks: 4 });
  });

  it('are absent without geo data (the answer cannot say), and each address is looked up once per answer', () => {
    expect(summarizeSignIns([signIn()], ...WINDOW).principals[0]?.countries).toBeUndefined();
    expect(summarizeSignIns([signIn()], ...WINDOW, { geo: null }).principals[0]).not.toHaveProperty(
      'networks',
    );
    lookups.count = 0;
    summarizeSignIns(
      Array.from({ length: 50 }, (_, i) => signIn({ principal: `u${i % 10}`, sourceIp: '8.8.8.8' })),
      ...WINDOW,
      { geo: GEO },
    );
    expect(lookups.count).toBe(1);
  });

  it('name the network of a first-seen AS flag from the addresses of the window', () => {
    const flag = {
      eventId: 'f',
      time: ago(HOUR_MS),
      principal: 'alice',
      what: 'asn',
      value: '2501',
    } as const;
    const other = { ...flag, eventId: 'g', value: '64496' };
    const s = summarizeSignIns([signIn({ sourceIp: '133.11.0.1' })], ...WINDOW, {
      geo: GEO,
      firstSeen: [flag, other],
    });
    expect(s.firstSeen).toEqual([{ ...flag, name: 'The University of Tokyo' }, other]);
  });
});

/** A source address, sometimes one that is not public or no address at all. */
const anySource = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ADDRESSES) },
  { weight: 1, arbitrary: fc.constantFrom('10.1.2.3', 'AWS Internal', '192.0.2.1', 'redacted', '::1') },
  { weight: 1, arbitrary: fc.constant(null) },
);

const anySignIns = fc.array(
  fc.record({
    who: fc.constantFrom('alice', 'bob', 'carol', 'root'),
    sourceIp: anySource,
    minutesAgo: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    failed: fc.boolean(),
  }),
  { maxLength: 120 },
);

describe('countries from rollups and from raw records', () => {
  it('agree: hourly tallies merged as the store reads them give what the records give, and what a recount gives', () => {
    fc.assert(
      fc.property(anySignIns, (rows) => {
        const all = rows.map((r, i) =>
          signIn({
            eventId: `p-${i}`,
            principal: r.who,
            identityType: r.who === 'root' ? 'Root' : 'IAMUser',
            sourceIp: r.sourceIp,
            outcome: r.failed ? 'failure' : 'success',
            time: ago(r.minutesAgo * 60_000 + 1),
          }),
        );
        // The rollups: one tally per hour, each written by its own batches, merged when read.
        const hours = new Map<number, Tally>();
        for (const s of all) {
          const hour = floorTo(Date.parse(s.time as string), HOUR_MS);
          const tally = hours.get(hour) ?? emptyTally();
          tallySignIn(tally, s, s.time);
          hours.set(hour, tally);
        }
        const merged = [...hours.values()].reduce((into, part) => mergeTally(into, part), emptyTally());
        const fromRollups = summaryOf(merged, {
          from: WINDOW[0],
          to: WINDOW[1],
          bucketMs: HOUR_MS,
          buckets: new Map(),
          latest: [],
          firstSeen: [],
          source: 'rollups',
          geo: GEO,
        });
        const fromRecords = summarizeSignIns(all, ...WINDOW, { geo: GEO });
        const places = (ps: typeof fromRecords.principals) =>
          Object.fromEntries(ps.map((p) => [p.key, [p.countries, p.distinctCountries, p.networks]]));
        expect(places(fromRollups.principals)).toEqual(places(fromRecords.principals));
        // A recount straight from each record's place: every country's count, and the order.
        for (const p of fromRecords.principals) {
          const counts = new Map<string, number>();
          for (const s of all.filter((x) => x.principal === p.key)) {
            const place: Place = placeOf(s.sourceIp, GEO);
            const key =
              place.kind === 'special'
                ? place.label
                : place.kind === 'public'
                  ? (place.geo.country ?? 'unknown country')
                  : null;
            if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          const listed = (p.countries ?? []).map((c) => [c.country ?? c.label, c.count]);
          expect(p.distinctCountries).toBe(counts.size);
          for (const [key, count] of listed) expect(counts.get(key as string)).toBe(count);
          const most = Math.max(0, ...counts.values());
          if (counts.size > 0) expect(listed[0]?.[1]).toBe(most);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the country and asn filters', () => {
  it('match the stored place of a sign-in, or the looked-up one when none was stored', () => {
    const stored: Place = { kind: 'public', ip: '8.8.8.8', geo: { country: 'JP', asn: 2501, network: 'x' } };
    // The place stored at ingest wins: it is what the card said.
    expect(matchesFilters(signIn({ place: stored }), filters({ countries: ['JP'] }), GEO)).toBe(true);
    expect(matchesFilters(signIn(), filters({ countries: ['JP'] }), GEO)).toBe(false);
    expect(matchesFilters(signIn(), filters({ countries: ['US'] }), GEO)).toBe(true);
    // A place stored when there was no data says nothing: it is looked up now.
    const unknown: Place = {
      kind: 'public',
      ip: '8.8.8.8',
      geo: { country: null, asn: null, network: null },
    };
    expect(placeOfSignIn(signIn({ place: unknown }), GEO)).toEqual(placeOf('8.8.8.8', GEO));
    expect(matchesFilters(signIn({ place: unknown }), filters({ asns: [15169] }), GEO)).toBe(true);
  });

  it('widen with several values, narrow with the other filters, and never match an address that is not public', () => {
    const jpOrDe = filters({ countries: ['JP', 'DE'] });
    expect(matchesFilters(signIn({ sourceIp: '133.11.0.1' }), jpOrDe, GEO)).toBe(true);
    expect(matchesFilters(signIn({ sourceIp: '2a01:4f8::1' }), jpOrDe, GEO)).toBe(true);
    expect(matchesFilters(signIn({ sourceIp: '8.8.8.8' }), jpOrDe, GEO)).toBe(false);
    const usGoogleFailed = filters({ countries: ['US'], asns: [15169, 13335], outcome: 'failure' });
    expect(matchesFilters(signIn({ outcome: 'failure' }), usGoogleFailed, GEO)).toBe(true);
    expect(matchesFilters(signIn(), usGoogleFailed, GEO)).toBe(false);
    expect(matchesFilters(signIn({ sourceIp: '1.1.1.1', outcome: 'failure' }), usGoogleFailed, GEO)).toBe(
      false,
    );
    for (const ip of ['10.0.0.1', 'AWS Internal', '192.0.2.1', null])
      expect(matchesFilters(signIn({ sourceIp: ip }), filters({ asns: [15169] }), GEO)).toBe(false);
    // Without data, only a stored place can answer.
    expect(matchesFilters(signIn(), filters({ countries: ['US'] }), null)).toBe(false);
  });
});
