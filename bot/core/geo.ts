// Where a sign-in's source address is: a country and a network (autonomous system) for a public address, or
// what kind of address it is when it is not public ("private address", "AWS service"). The data (open data
// from ip-location-db, bundled with the bot) is read by an adapter behind the small `GeoData` port; the rest is
// pure: no SDK, no environment, no network.
import ipaddr from 'ipaddr.js';
import { normalizeIp } from './ip-range';

/** The port: lookups in the bundled data (bot/adapters/geo-database.ts). */
export interface GeoData {
  /** ISO 3166-1 alpha-2 code ("US") of a public address in normal form, or null when the data has none. */
  country(ip: string): string | null;
  /** The autonomous system announcing the address ("15169", "Google LLC"), or null when the data has none. */
  network(ip: string): { readonly asn: number; readonly name: string } | null;
  /**
   * Whether lookups answer from real data (loading it if it was not yet). False when the files turned out to be
   * missing or damaged: a null answer then means "unknown", never "not from there", and a question that filters
   * on places must say so instead of answering "nobody".
   */
  available(): boolean;
}

/** What the data says about a public address; each field null when it does not know. */
export interface Geo {
  readonly country: string | null;
  readonly asn: number | null;
  /** The autonomous system's organisation ("Google LLC"). */
  readonly network: string | null;
}

/** What an address that is not on the public internet is, in the card's words. */
export const SPECIAL_ADDRESS_LABELS = [
  'AWS service',
  'private address',
  'shared address (carrier-grade NAT)',
  'loopback address',
  'link-local address',
  'documentation address',
  'multicast address',
  'reserved address',
  'unspecified address',
] as const;
export type SpecialAddress = (typeof SPECIAL_ADDRESS_LABELS)[number];

/**
 * Where a sign-in came from:
 * - `public`: an internet address, with what the data knows of it;
 * - `special`: not a public address (a private range, an AWS service acting for the user, …): no country;
 * - `none`: no address at all, or text that is not one ("redacted").
 */
export type Place =
  | { readonly kind: 'public'; readonly ip: string; readonly geo: Geo }
  | { readonly kind: 'special'; readonly label: SpecialAddress }
  | { readonly kind: 'none' };

const NO_PLACE: Place = { kind: 'none' };
const UNKNOWN_GEO: Geo = { country: null, asn: null, network: null };

/** RFC 5737 and RFC 3849 / RFC 9637: addresses for examples, never on the internet. */
const DOCUMENTATION_RANGES = [
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '2001:db8::/32',
  '3fff::/20',
].map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * ipaddr.js's range names that are not public, in the card's words. Other names are looked up: unicast, and the
 * IPv6 forms that carry an IPv4 address (6to4, Teredo, NAT64), which the data covers as announced.
 */
const RANGE_LABELS: Readonly<Record<string, SpecialAddress>> = {
  private: 'private address',
  uniqueLocal: 'private address',
  carrierGradeNat: 'shared address (carrier-grade NAT)',
  loopback: 'loopback address',
  linkLocal: 'link-local address',
  multicast: 'multicast address',
  unspecified: 'unspecified address',
  broadcast: 'reserved address',
  reserved: 'reserved address',
  discard: 'reserved address',
  benchmarking: 'reserved address',
  amt: 'reserved address',
  as112: 'reserved address',
  as112v6: 'reserved address',
  deprecatedSiteLocal: 'private address',
  deprecatedOrchid: 'reserved address',
  orchid2: 'reserved address',
  segmentRouting: 'reserved address',
  droneRemoteIdProtocolEntityTags: 'reserved address',
};

const isDocumentation = (address: ipaddr.IPv4 | ipaddr.IPv6): boolean =>
  DOCUMENTATION_RANGES.some(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );

/**
 * The kind of address a `sourceIPAddress` is. CloudTrail writes "AWS Internal" (or a service's host name,
 * "signin.amazonaws.com") when AWS acted for the user; those are an AWS service, not a place.
 */
export const specialAddress = (sourceIp: string): SpecialAddress | null | 'not an address' =>
  classifyAddress(sourceIp).kind;

/** What specialAddress says, with the address's normal form when it is one (read once: parsing is the cost). */
const classifyAddress = (
  sourceIp: string,
): { kind: SpecialAddress | null | 'not an address'; normal: string | null } => {
  const text = sourceIp.trim();
  if (/^AWS Internal/i.test(text) || /\.amazonaws\.com$/i.test(text))
    return { kind: 'AWS service', normal: null };
  const normal = normalizeIp(text);
  if (normal === null) return { kind: 'not an address', normal };
  const address = ipaddr.parse(normal);
  if (isDocumentation(address)) return { kind: 'documentation address', normal };
  return { kind: RANGE_LABELS[address.range()] ?? null, normal };
};

/** Where `sourceIp` is. `data` null (no geo data on this machine): public addresses with every field unknown. */
export const placeOf = (sourceIp: string | null, data: GeoData | null): Place => {
  if (sourceIp === null) return NO_PLACE;
  const { kind: special, normal } = classifyAddress(sourceIp);
  if (special === 'not an address') return NO_PLACE;
  if (special !== null) return { kind: 'special', label: special };
  const ip = normal as string;
  if (data === null) return { kind: 'public', ip, geo: UNKNOWN_GEO };
  const network = data.network(ip);
  return {
    kind: 'public',
    ip,
    geo: { country: data.country(ip), asn: network?.asn ?? null, network: network?.name ?? null },
  };
};

/** `signins parse`'s "geo": the public address's fields, null for anything else. */
export const geoOf = (place: Place): Geo | null => (place.kind === 'public' ? place.geo : null);

/** The flag emoji of an ISO 3166-1 alpha-2 code (regional indicator symbols), or null for anything else. */
export const flagOf = (country: string): string | null =>
  /^[A-Z]{2}$/.test(country)
    ? String.fromCodePoint(...[...country].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65))
    : null;

/** "AS15169 Google LLC", "AS15169", or null when the network is unknown. */
export const networkText = (geo: Geo): string | null =>
  geo.asn === null ? geo.network : geo.network ? `AS${geo.asn} ${geo.network}` : `AS${geo.asn}`;
